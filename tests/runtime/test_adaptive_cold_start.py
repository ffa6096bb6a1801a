"""A pool with no configured rate learns each token's hidden limit from a cold start.

The simulator refuses (429, no `Retry-After`) beyond 50 requests/s per access token,
on a frozen clock; the client's limiters run on a `ManualClock`; both move in steps of
20 ms. Each step the server admits exactly one request per token, so what LiveVox
answers is known exactly: 50/s.
"""

from __future__ import annotations

import asyncio
import collections

import pytest

from livevox_async import Credentials, LiveVox, RetryPolicy
from livevox_async.testing import ManualClock, Simulator
from livevox_async.testing.pytest_plugin import SimulatorFactory

STEP = 0.02
CALLS_PER_TOKEN = 40


def throttled_since(sim: Simulator, since: int) -> dict[int, int]:
    """429s by access-token index among the log entries from `since` on."""
    counts = collections.Counter(e.access_token_index for e in sim.request_log[since:] if e.status == 429)
    return {index: counts[index] for index in (0, 1)}


async def quiet(lv: LiveVox, calls: list[asyncio.Future[object]]) -> None:
    """Wait until every unfinished call waits for a limiter's token: nothing is in flight
    (a guard, not a timing)."""
    for _ in range(2000):
        waiting = sum(limiter.waiting for limiter in lv.stats().limiters.values())
        if waiting == sum(1 for call in calls if not call.done()):
            return
        await asyncio.sleep(0.002)
    raise AssertionError("calls still in flight")


async def test_after_the_first_cut_the_next_rests_on_the_pace_answered_since(
    livevox_sim_factory: SimulatorFactory,
) -> None:
    # Cold, each token sends its login and 40 reads at once: the server's bucket of 2
    # answers the login and one read and refuses the rest. Those two answers within no
    # time read as 200/s (the server's saved-up burst, not its pace): the first cut goes
    # to 0.8 x 200 = 160/s. The retries then go out at 160/s and LiveVox answers 50/s of
    # them; the next cut (the first throttle 0.1 s or more later) starts from what it
    # answered since the first, below the limit: no more throttles. Stepping 0.8 at a
    # time from 160 instead took 5 more cuts and three times the throttles.
    sim = await livevox_sim_factory(
        rate_limit=50.0, rate_burst=2.0, hidden_rate_limit=True, frozen_clock=True
    )
    clock = ManualClock()
    creds: list[Credentials] = [sim.credentials("Sysadmin", token_index=i) for i in (0, 1)]
    ids = [r["id"] for r in sim.state.records("agents")[: 2 * CALLS_PER_TOKEN]]
    policy = RetryPolicy(backoff_base=0.0, jitter=lambda: 0.0, max_throttle_retries=20)
    async with LiveVox(
        creds, base_url=sim.base_url, rate=None, clock=clock, retry=policy, max_concurrency=100
    ) as lv:
        calls: list[asyncio.Future[object]] = [asyncio.ensure_future(lv.agents.read(i)) for i in ids]
        try:
            await quiet(lv, calls)
            limiters = lv.stats().limiters
            assert [limiters[name].rate for name in ("token 1", "token 2")] == [
                pytest.approx(160),
                pytest.approx(160),
            ]
            wave = throttled_since(sim, 0)
            seen = len(sim.request_log)
            rates: list[float] = []
            for _ in range(60):
                sim.advance(STEP + 1e-6)
                await clock.advance(STEP)
                await quiet(lv, calls)
                rate = lv.stats().limiters["token 1"].rate
                assert rate is not None  # limiting since the first cut
                rates.append(rate)
            descent = throttled_since(sim, seen)
            await asyncio.gather(*calls)
            limiters = lv.stats().limiters
        finally:
            sim.advance(1.0)  # the logouts need a token on both sides too
            await clock.advance(1.0)
    assert wave == {0: 40, 1: 40}  # 39 reads sent before anything was known, and the first retry
    assert descent == {0: 12, 1: 12}  # stepping 0.8 at a time: 35 each, in 7 cuts
    assert [(limiters[name].cuts, limiters[name].throttles) for name in ("token 1", "token 2")] == [
        (2, 52),
        (2, 52),
    ]
    second = next(i for i, r in enumerate(rates) if r < 100)
    assert second == 5  # the first step past 0.1 s
    assert rates[second] < 50  # the second cut lands below the limit
