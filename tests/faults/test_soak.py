"""Soak: 10 000 calls from 32 tasks under ~10 % mixed faults end as a result or a typed error,
and leave no connection acquired, no call in flight and no ResourceWarning behind."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from faults_support import (
    ATTEMPT_TIMEOUT,
    FAULT_MIX,
    SLOW_SECONDS,
    SecretWatch,
    assert_nothing_held,
    quick_retry,
)

from livevox_async import LiveVox, LiveVoxError, Page
from livevox_async.models import AgentUpdate
from livevox_async.testing import FaultPlan, Simulator

CALLS = 10_000
TASKS = 32
SOAK_FAULTS = (*FAULT_MIX, "expire_session")
"""Every transient kind, plus sessions expiring under the calls' feet."""


async def all_of(pages: AsyncIterator[Page[Any]]) -> list[Page[Any]]:
    return [page async for page in pages]


def phone_for(agent_id: int) -> str:
    return f"555{agent_id:07d}"


async def test_soak_under_mixed_faults(livevox_sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    sim = livevox_sim
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    agents = [r["id"] for r in sim.state.records("agents")]
    services = [r["serviceId"] for r in sim.state.records("services")]
    term_codes = [r["id"] for r in sim.state.records("term_codes")]
    creds = [sim.credentials("Sysadmin"), sim.credentials("Superuser", token_index=1)]
    watch = SecretWatch()
    watch.credentials(*creds)
    outcomes: Counter[str] = Counter()
    foreign: list[BaseException] = []
    updated: set[int] = set()
    sim.faults = FaultPlan(rate=0.1, kinds=SOAK_FAULTS, seed=11, slow_seconds=SLOW_SECONDS)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Not adaptive: injected 429/503s are no limit to learn, and each cut would only slow the
        # soak down (the rate limiter has its own tests and benchmark).
        async with LiveVox(
            creds, base_url=sim.base_url, timeout=ATTEMPT_TIMEOUT, retry=quick_retry(4), adaptive=False
        ) as lv:
            watch.sessions(sim)  # every session id the simulator hands out

            def pick(rng: random.Random, task: int) -> tuple[str, Callable[[], Awaitable[Any]]]:
                roll = rng.random()
                if roll < 0.45:
                    return "agents.read", lambda: lv.agents.read(rng.choice(agents))
                if roll < 0.60:
                    return "services.read_settings", lambda: lv.services.read_settings(rng.choice(services))
                if roll < 0.70:
                    return "term_codes.read", lambda: lv.term_codes.read(rng.choice(term_codes))
                if roll < 0.80:
                    return "info", lambda: rng.choice((lv.agents.info, lv.services.info))()
                if roll < 0.96:
                    pages = lv.agents.list(page_size=20, max_items=20).pages(start=rng.randrange(len(agents)))
                    return "agents.list", lambda: all_of(pages)
                agent = rng.choice(agents[task::TASKS])  # each task updates agents of its own
                updated.add(agent)
                return "agents.update", lambda: lv.agents.update(agent, AgentUpdate(phone=phone_for(agent)))

            async def run(task: int) -> None:
                rng = random.Random(task)
                for _ in range(task, CALLS, TASKS):
                    kind, call = pick(rng, task)
                    try:
                        await call()
                    except LiveVoxError as exc:
                        outcomes[f"{kind}: {type(exc).__name__}"] += 1
                        watch.error(exc)
                    except Exception as exc:  # the bug this test is for
                        foreign.append(exc)
                    else:
                        outcomes["ok"] += 1

            await asyncio.gather(*(run(task) for task in range(TASKS)))
            assert_nothing_held(lv)
            stats = lv.stats()
            watch.texts += [repr(lv), repr(stats)]
        await asyncio.sleep(SLOW_SECONDS + 0.1)  # the last abandoned slow answers are due
        gc.collect()
    sim.faults.clear()

    assert not foreign, [f"{type(e).__name__}: {e}" for e in foreign[:5]]
    assert outcomes.total() == CALLS
    assert outcomes["ok"] >= 0.95 * CALLS, outcomes
    faults = Counter(entry.fault for entry in sim.request_log if entry.fault is not None)
    assert set(faults) == set(SOAK_FAULTS)
    assert faults.total() >= 0.08 * CALLS
    assert len(sim.request_log) >= CALLS + faults.total()
    assert stats.relogins > 0
    assert stats.retries > 0.5 * faults.total()
    # An update LiveVox processed holds (whether or not its answer arrived), no other did.
    processed = {
        int(e.path.rsplit("/", 1)[1])
        for e in sim.request_log
        if e.operation == "agents.update" and e.status == 204
    }
    assert processed
    for agent in updated:
        assert (sim.state.record("agents", agent)["phone"] == phone_for(agent)) is (agent in processed), agent

    watch.records(caplog.records)
    watch.check()
