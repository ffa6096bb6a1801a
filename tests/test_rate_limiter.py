"""TokenBucket on a manual clock: rate, burst, FIFO, cancellation, adaptation.

No real time passes: a `ManualClock` stands in for the loop clock, so each test runs in
milliseconds and asserts exact counts.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

import pytest

from livevox_async._rate_limiter import TIMER_SLACK, ThrottleControl, TokenBucket
from livevox_async.testing import ManualClock
from livevox_async.testing._manual_clock import ManualHandle


def start(bucket: TokenBucket, order: list[str], name: str) -> asyncio.Task[float]:
    async def run() -> float:
        waited = await bucket.acquire()
        order.append(name)
        return waited

    return asyncio.ensure_future(run())


async def test_burst_is_granted_at_once_then_the_rest_waits() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=10, burst=3, clock=clock)
    order: list[str] = []
    tasks = [start(bucket, order, f"t{i}") for i in range(5)]
    await clock.settle()
    assert order == ["t0", "t1", "t2"]
    assert bucket.stats().waiting == 2
    await clock.advance(0.1)
    assert order == ["t0", "t1", "t2", "t3"]
    await clock.advance(0.1)
    assert order == ["t0", "t1", "t2", "t3", "t4"]
    assert [t.result() for t in tasks] == pytest.approx([0, 0, 0, 0.1, 0.2])


async def test_rate_is_exact_over_many_intervals() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=20, burst=1, clock=clock)
    order: list[str] = []
    tasks = [start(bucket, order, str(i)) for i in range(101)]
    await clock.settle()
    assert len(order) == 1
    for second in range(1, 6):
        await clock.advance(1.0)
        assert len(order) == 1 + 20 * second
    assert order == [str(i) for i in range(101)]
    await asyncio.gather(*tasks)
    assert bucket.stats().granted == 101


class LateClock(ManualClock):
    """A manual clock whose timers run `late` seconds after they were due, as asyncio's do."""

    def __init__(self, late: float) -> None:
        super().__init__()
        self.late = late

    def call_later(self, delay: float, callback: Callable[[], None]) -> ManualHandle:
        return super().call_later(delay + self.late, callback)


async def grant_times(clock: ManualClock, bucket: TokenBucket, waiters: int, seconds: float) -> list[float]:
    """When each of `waiters` queued at once was granted, over `seconds` of the clock."""
    times: list[float] = []

    async def wait() -> None:
        await bucket.acquire()
        times.append(clock.now())

    tasks = [asyncio.ensure_future(wait()) for _ in range(waiters)]
    await clock.settle()
    await clock.advance(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return times


async def test_timers_running_late_do_not_slow_the_pace_at_burst_one() -> None:
    # Every timer runs 0.6 ms late: each grant is that late, but the next one follows it
    # sooner, so the grants stay on the exact 10 ms grid instead of drifting to 10.6 ms.
    clock = LateClock(late=0.0006)
    bucket = TokenBucket(rate=100, burst=1, clock=clock)
    times = await grant_times(clock, bucket, waiters=30, seconds=0.2)
    assert times == pytest.approx([0.0] + [i * 0.01 + 0.0006 for i in range(1, 20)])
    assert bucket.stats().granted == 20


async def test_lateness_beyond_the_slack_is_not_made_up() -> None:
    # Timers 3 ms late: only TIMER_SLACK (1 ms) of each is made up, so grants are 12 ms
    # apart; no two are ever closer than 1/rate - TIMER_SLACK, at any lateness.
    clock = LateClock(late=0.003)
    bucket = TokenBucket(rate=100, burst=1, clock=clock)
    times = await grant_times(clock, bucket, waiters=10, seconds=0.05)
    assert times == pytest.approx([0.0, 0.013, 0.025, 0.037, 0.049])
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.01 - TIMER_SLACK


async def test_the_slack_is_not_saved_up_while_nobody_waits() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=100, burst=1, clock=clock)
    order: list[str] = []
    await clock.advance(1.0)  # idle: the bucket fills to burst, no further
    start(bucket, order, "a")
    start(bucket, order, "b")
    await clock.settle()
    assert order == ["a"]
    await clock.advance(0.01 - 1e-6)
    assert order == ["a"]
    await clock.advance(1e-6)
    assert order == ["a", "b"]


async def test_newcomer_never_barges_ahead_of_waiters() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    order: list[str] = []
    start(bucket, order, "first")
    start(bucket, order, "queued")
    await clock.settle()
    assert order == ["first"]
    await clock.advance(0.5)
    # Half a token accrued; a newcomer must queue behind "queued", not take it.
    start(bucket, order, "newcomer")
    await clock.settle()
    assert order == ["first"]
    await clock.advance(0.5)
    assert order == ["first", "queued"]
    await clock.advance(1.0)
    assert order == ["first", "queued", "newcomer"]


async def test_two_workers_share_grants_evenly() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=10, burst=1, clock=clock)
    grants = {"a": 0, "b": 0}

    async def worker(name: str) -> None:
        while True:
            await bucket.acquire()
            grants[name] += 1

    workers = [asyncio.ensure_future(worker("a")), asyncio.ensure_future(worker("b"))]
    await clock.settle()
    for _ in range(100):
        await clock.advance(0.1)
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    assert abs(grants["a"] - grants["b"]) <= 1
    assert grants["a"] + grants["b"] == 101


async def test_cancelled_waiter_leaves_the_queue_and_the_next_one_is_served() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    order: list[str] = []
    start(bucket, order, "first")
    head = start(bucket, order, "head")
    second = start(bucket, order, "second")
    await clock.settle()
    head.cancel()
    await clock.settle()
    assert bucket.stats().waiting == 1
    await clock.advance(1.0)
    assert order == ["first", "second"]
    assert second.done()
    assert head.cancelled()


async def test_token_granted_then_cancelled_is_refunded() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    order: list[str] = []
    start(bucket, order, "first")
    victim = start(bucket, order, "victim")
    after = start(bucket, order, "after")
    await clock.settle()
    # Grant the victim's token and cancel it in the same loop step, before it resumes.
    clock.time += 1.0
    bucket._wake()
    victim.cancel()
    await clock.settle()
    assert victim.cancelled()
    # The refunded token goes straight to the next waiter, with no extra time.
    assert order == ["first", "after"]
    assert bucket.stats().granted == 2
    assert after.done()


async def test_a_token_given_back_unused_goes_to_the_next_waiter_at_once() -> None:
    # The client gives a token back when it finds, holding it, that it cannot send yet.
    clock = ManualClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    order: list[str] = []
    await bucket.acquire()
    waiter = start(bucket, order, "waiter")
    await clock.settle()
    assert not waiter.done()
    bucket.refund()
    await clock.settle()
    assert order == ["waiter"]
    assert await waiter == 0.0  # no time passed
    assert (bucket.stats().granted, bucket.stats().waiting) == (1, 0)


async def test_throttle_cuts_the_rate_once_per_window_then_climbs_back() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=100, burst=1, clock=clock)
    bucket.on_throttle()  # a lone throttle at the configured rate: jitter, no cut
    assert bucket.rate == pytest.approx(100)
    bucket.on_throttle()  # a second within the window: cut from the current rate
    assert bucket.rate == pytest.approx(80)
    bucket.on_throttle()  # same window: no second cut
    assert bucket.rate == pytest.approx(80)
    assert bucket.stats().throttles == 3
    assert bucket.stats().cuts == 1
    rates: list[float] = []
    for _ in range(12):
        await clock.advance(0.5)
        rate = bucket.rate
        assert rate is not None  # limiting since the first throttle
        rates.append(rate)
    assert rates == sorted(rates)  # climbs monotonically
    assert rates[-1] == pytest.approx(100)  # capped at the configured maximum


async def test_without_a_rate_nothing_waits_until_the_first_throttle() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=None, burst=2, clock=clock)
    order: list[str] = []
    for i in range(50):
        start(bucket, order, str(i))
    await clock.settle()
    assert len(order) == 50
    assert bucket.rate is None
    for _ in range(30):
        bucket.on_success()
    await clock.advance(0.5)
    bucket.on_throttle()
    # 50 sent, 30 answered within 0.5 s: LiveVox answers 60/s; the cut goes to 0.8 of that.
    assert bucket.rate == pytest.approx(48)
    for i in range(10):
        start(bucket, order, f"late{i}")
    await clock.settle()
    assert len(order) == 51  # one token left after the cut, the rest queue
    await clock.advance(1.0)
    assert len(order) == 60  # the 9 queued are served within the next second at ~48/s


async def test_the_cut_follows_what_livevox_answered_not_what_was_sent() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=500, burst=1, clock=clock)
    for i in range(40):
        await bucket.acquire()  # 40 sent over 2 s ...
        if i % 2 == 0:
            bucket.on_success()  # ... of which LiveVox answered every other one
        await clock.advance(0.05)
    bucket.on_throttle()  # lone: not cut for
    bucket.on_throttle()
    assert bucket.rate == pytest.approx(0.8 * 9)  # 9 answered within the last second (t in (1.0, 2.0])
    bucket.on_throttle()  # within the cut window: no second cut
    assert bucket.stats().cuts == 1
    await clock.advance(2.0)
    before = bucket.rate
    assert before is not None
    assert before > 7.2
    bucket.on_throttle()  # lone again: two seconds after the last one
    assert bucket.stats().cuts == 1
    bucket.on_throttle()  # nothing answered in the last second: cut from the current rate
    assert bucket.stats().cuts == 2
    assert bucket.rate == pytest.approx(0.8 * before)


async def test_a_lone_throttle_at_a_configured_rate_is_not_cut_for() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=100, burst=2, clock=clock)
    for _ in range(3):  # one throttle every 1.5 s: each one lone
        bucket.on_throttle()
        await clock.advance(1.5)
    assert (bucket.stats().throttles, bucket.stats().cuts, bucket.rate) == (3, 0, 100)
    bucket.on_throttle()
    await clock.advance(0.9)
    bucket.on_throttle()  # two within a second: the limit is lower than told
    assert bucket.stats().cuts == 1
    assert bucket.rate is not None
    assert bucket.rate < 100


async def test_without_a_configured_rate_the_first_throttle_cuts() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=None, burst=2, clock=clock)
    await bucket.acquire()
    bucket.on_success()
    await clock.advance(0.5)
    bucket.on_throttle()
    assert bucket.stats().cuts == 1


async def test_non_adaptive_bucket_keeps_its_rate() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=10, burst=1, adaptive=False, clock=clock)
    bucket.on_throttle()
    assert bucket.rate == 10
    assert bucket.stats().throttles == 1
    assert bucket.stats().cuts == 0


async def test_a_waiter_cancelled_in_the_iteration_its_timer_fires_leaves_cleanly() -> None:
    # The timer pops the already-cancelled future before the waiter's own handler runs.
    clock = ManualClock()
    bucket = TokenBucket(rate=10, burst=1, adaptive=False, clock=clock)
    await bucket.acquire()
    cancelled = asyncio.create_task(bucket.acquire())
    await clock.settle()
    cancelled.cancel()
    await clock.advance(0.1)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    after = asyncio.create_task(bucket.acquire())
    await clock.settle()
    assert after.done()  # the token the cancelled waiter did not take is still there
    assert await after == 0.0
    assert bucket.stats().waiting == 0


async def test_after_a_quiet_spell_the_cut_rests_on_the_new_streak_alone() -> None:
    # One call, five quiet seconds, then a burst: LiveVox answers 2 of it in the first
    # 50 ms and throttles the rest. The quiet seconds say nothing of the limit, so the
    # answered rate is 2 in 0.05 s (40/s), not 2 in the last whole second (2/s).
    clock = ManualClock()
    bucket = TokenBucket(rate=None, burst=2, clock=clock)
    await bucket.acquire()
    bucket.on_success()
    await clock.advance(5.0)
    order: list[str] = []
    for i in range(16):
        start(bucket, order, str(i))
    await clock.settle()
    assert len(order) == 16  # no rate yet: all sent at once
    bucket.on_success()
    bucket.on_success()
    await clock.advance(0.05)
    bucket.on_throttle()
    assert bucket.rate == pytest.approx(0.8 * 40)


async def test_a_streak_goes_on_while_sends_are_less_than_a_window_apart() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=None, burst=2, clock=clock)
    for _ in range(4):  # one send and answer every 0.9 s: one streak since t = 0
        await bucket.acquire()
        bucket.on_success()
        await clock.advance(0.9)
    bucket.on_throttle()  # at t = 3.6: answered in the last second, only the one at t = 2.7
    assert bucket.rate == pytest.approx(0.8 * 1.0)


async def test_early_in_a_streak_a_cut_is_one_step_from_the_rate_not_the_few_answers() -> None:
    # Paced at 200/s, the server stalls and then refuses the queued requests at once: 4
    # answered in the first 0.13 s look like 30/s. A cut that early is one step from 200.
    clock = ManualClock()
    bucket = TokenBucket(rate=200, burst=2, clock=clock)
    for sent in range(26):  # 26 sent in 0.13 s, the first 4 answered
        await bucket.acquire()
        if sent < 4:
            bucket.on_success()
        await clock.advance(0.005)
    bucket.on_throttle()
    bucket.on_throttle()
    assert bucket.rate == pytest.approx(160)
    for _ in range(20):  # more refusals of the same stall: no second cut within the window
        bucket.on_throttle()
    assert (bucket.stats().throttles, bucket.stats().cuts) == (22, 1)


async def test_once_a_streak_is_a_window_old_the_cut_follows_the_answers() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=200, burst=1, clock=clock)
    for _ in range(60):  # 1.5 s of sending at 40/s, every one answered
        await bucket.acquire()
        bucket.on_success()
        await clock.advance(0.025)
    bucket.on_throttle()
    bucket.on_throttle()
    assert bucket.rate == pytest.approx(0.8 * 40)


def test_early_in_a_streak_cuts_come_every_tenth_of_a_second_then_every_second() -> None:
    control = ThrottleControl(None)
    cut_at: list[float] = []
    for step in range(700):  # 3.5 s of sending 200/s, a throttle answered for each send
        now = step * 0.005
        control.on_send(now)
        if step % 4 == 0:
            control.successes.add(now)  # LiveVox answers 50/s
        if control.on_throttle(now):
            cut_at.append(round(now, 3))
    early = [t for t in cut_at if t < 1.0]
    gaps = [b - a for a, b in itertools.pairwise(early)]
    assert early[0] == 0.0
    assert all(0.1 - 1e-9 <= gap <= 0.105 + 1e-9 for gap in gaps)  # every 0.1 s (one send's step)
    assert len(early) >= 9
    later = [t for t in cut_at if t >= 1.0]
    assert len(later) == 2  # then one a second at most
    assert later[0] - early[-1] >= 1.0 - 1e-9
    assert later[1] - later[0] >= 1.0 - 1e-9


async def test_at_a_configured_rate_scattered_throttles_are_jitter_and_many_cut() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=200, burst=2, clock=clock)
    for _ in range(200):  # one second at the configured rate
        await bucket.acquire()
        bucket.on_success()
        await clock.advance(0.005)
    for _ in range(9):  # 9 throttles within the window: under 5 % of its 200 sends
        bucket.on_throttle()
        await clock.advance(0.001)
    assert (bucket.stats().throttles, bucket.stats().cuts, bucket.rate) == (9, 0, 200)
    bucket.on_throttle()  # the 10th within the window: 5 % of the sends, a lower limit
    assert bucket.stats().cuts == 1
    assert bucket.rate is not None
    assert bucket.rate < 200


async def test_try_acquire_takes_a_free_token_and_never_one_a_waiter_is_owed() -> None:
    clock = ManualClock()
    bucket = TokenBucket(rate=10, burst=2, adaptive=False, clock=clock)
    assert [bucket.try_acquire(), bucket.try_acquire(), bucket.try_acquire()] == [True, True, False]
    assert bucket.stats().granted == 2
    waiter = asyncio.ensure_future(bucket.acquire())
    await clock.settle()
    await clock.advance(0.05)
    assert bucket.try_acquire() is False  # half a token, and a caller queued for it
    await clock.advance(0.05)  # the token grows whole and goes to the queued caller
    assert waiter.done()
    assert bucket.try_acquire() is False
    assert await waiter == pytest.approx(0.1)
    bucket.refund()  # a whole token again, and nobody waits: taken without a coroutine
    assert bucket.try_acquire() is True
    assert bucket.stats().granted == 3  # two, the waiter's, one given back, one taken
    assert bucket.stats().waiting == 0


def _cold_cut(control: ThrottleControl) -> None:
    """A cold start: 16 sent at once, LiveVox answers 2 and refuses the rest (its saved burst)."""
    for _ in range(16):
        control.on_send(0.0)
    control.successes.add(0.0)
    control.successes.add(0.0)
    assert control.on_throttle(0.0)
    assert control.rate(0.0) == pytest.approx(0.8 * 200)  # 2 answers within no time (0.01 s at least)


def test_after_a_cut_early_in_a_streak_the_next_rests_on_the_pace_answered_since() -> None:
    # The first guess is 4x the limit. Sending on at 200/s, LiveVox answers 50/s (one
    # send in four) and refuses the rest; the next cut, 0.1 s later, starts from those
    # 50/s instead of one 0.8 step from 160 (to 130, and five more cuts to get below 50).
    control = ThrottleControl(None)
    _cold_cut(control)
    for step in range(1, 21):
        now = step * 0.005
        control.on_send(now)
        if step % 4 == 2:
            control.successes.add(now)
        elif control.on_throttle(now):
            assert now == 0.1
    assert control.cuts == 2
    assert control.rate(0.1) == pytest.approx(0.8 * 50)  # the 5 answered since the cut came 0.02 s apart


def test_with_nothing_answered_since_the_early_cut_the_next_is_one_step_down() -> None:
    # A server that stopped answering tells no pace: the cut is one 0.8 step from the rate.
    control = ThrottleControl(None)
    _cold_cut(control)
    before = control.rate(0.1)
    assert before is not None
    assert control.on_throttle(0.1)
    assert control.rate(0.1) == pytest.approx(0.8 * before)
