"""`TokenBucket`: the client-side rate limiter, adaptive to LiveVox throttling.

- A bucket holds up to `burst` tokens and refills at `rate` tokens per second; each
  request attempt takes one.
- A late timer costs no pace: while a waiter is queued, its token keeps accruing up to
  `TIMER_SLACK` (1 ms) past a full bucket, so the grant a timer hands over late (asyncio's
  timers run late by up to about a millisecond: epoll waits in whole milliseconds) is
  dated when its token fell due, and the next one follows it sooner. The bucket is never
  more than that ahead of an exact one: over any T seconds it grants at most
  `burst + rate x (T + TIMER_SLACK)` tokens (at `burst=1`, no two grants closer than
  `1/rate - TIMER_SLACK`).
- Waiters are served strictly first-come, first-served: a newcomer never takes a
  token while others wait (no barging), and only the head waiter has a timer.
- Cancellation-safe: a waiter cancelled before its grant leaves the queue; one
  cancelled after its grant gives the token back.
- The clock is injectable (`Clock`), monotonic by default (the event loop's).
- Adaptive (`ThrottleControl`): on a throttle (429 / throttling 503) the rate is cut
  to `beta` times the rate LiveVox answered (at most once per `cut_window` seconds),
  then climbs back along a CUBIC curve towards and past that rate, capped by the configured maximum and by
  twice the measured send rate. With no configured rate the bucket lets everything
  through until the first throttle, then starts from the answered rate. Paced at a
  configured rate, a lone throttle (none other within `cut_window`) is taken for jitter
  and not cut for.

    >>> bucket = TokenBucket(rate=10, burst=3)
    >>> waited = await bucket.acquire()        # doctest: +SKIP
    >>> bucket.stats()                         # doctest: +SKIP
    LimiterStats(rate=10.0, tokens=2.0, waiting=0, granted=1, throttles=0, cuts=0)
"""

from __future__ import annotations

import asyncio
import collections
import math
from collections.abc import Callable
from typing import Protocol

import attrs

from ._exceptions import ConfigurationError

EPSILON = 1e-9
"""Token arithmetic is in floats: a token counts as whole within this much."""
TIMER_SLACK = 1e-3
"""Seconds a queued waiter's token accrues past a full bucket (a timer's lateness, made up)."""
EARLY_CUT_WINDOW = 0.1
JITTER_SHARE = 0.05
"""At a configured rate, throttles under this share of the sends of the last window are jitter."""
"""Seconds between cuts early in a streak (before `cut_window` has passed since it began)."""


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Time for the limiter: a monotonic `now()` and a way to be called back later."""

    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle: ...


class LoopClock:
    """The running event loop's monotonic clock (bound on first use: on Python 3.11 each
    `asyncio.get_running_loop()` costs a `getpid()` system call)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None

    def _bound(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def now(self) -> float:
        loop = self._loop  # once per request: spare the call to `_bound`
        return (loop if loop is not None else self._bound()).time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return self._bound().call_later(delay, callback)


@attrs.frozen
class LimiterStats:
    """A snapshot of a bucket: current rate (None = not limiting), tokens, queue, counters."""

    rate: float | None
    tokens: float
    waiting: int
    granted: int
    throttles: int
    cuts: int


class EventRate:
    """Events per second over a sliding window, or since `start` when that is sooner."""

    def __init__(self, window: float = 1.0, *, shortest: float = 0.01) -> None:
        self.window = window
        self.shortest = shortest
        self._times: collections.deque[float] = collections.deque(maxlen=100_000)
        self.total = 0
        """Events ever counted (the window forgets; this does not)."""

    def add(self, now: float) -> float | None:
        """Count an event at `now`; return when the one before it happened (None: the first)."""
        times = self._times
        last = times[-1] if times else None
        times.append(now)
        self.total += 1
        return last

    def count(self, now: float) -> int:
        """Events within the window ending at `now`."""
        times = self._times
        while times and times[0] <= now - self.window:
            times.popleft()
        return len(times)

    def per_second(self, now: float, *, start: float | None = None) -> float:
        events = self.count(now)
        if not events:
            return 0.0
        since = self._times[0] if start is None else start
        return events / min(self.window, max(now - since, self.shortest))

    def pace_since(self, total: int) -> float:
        """Events per second among those counted since `self.total` was `total`: the gaps
        between the first of them and the last (0.0 with fewer than two). Counted up to now
        instead, the wait for the next event would read as part of the pace."""
        events = min(self.total - total, len(self._times))
        if events < 2:
            return 0.0
        spread = self._times[-1] - self._times[-events]
        return (events - 1) / spread if spread > 0 else 0.0


class ThrottleControl:
    """The adaptive part: what rate to allow, learned from throttles (CUBIC, as botocore).

    On a throttle the rate drops to `beta` times the rate LiveVox actually *answered*
    successfully over the last second, or since the current streak of sends began when
    that is sooner (the sends that were throttled tell nothing about the limit, nor does a
    quiet spell: a send more than a second after the last one starts a new streak), then
    climbs back along a CUBIC curve that flattens at that rate and only slowly probes
    beyond it. botocore bases the cut on the rate it sent, which after a burst of
    throttles is far above the limit and takes many cuts to come down.

    Early in a streak, when less than `cut_window` has passed since it began, the estimate
    rests on little data: the streak's first cut is then one `beta` step from the current
    rate (the answered rate only while there is no rate yet), a later one starts from what
    LiveVox answered since the cut before it, and cuts may follow each other sooner: every
    `EARLY_CUT_WINDOW` (0.1 s), so a first guess far above the limit comes down within a
    fraction of a second instead of one step a second.
    """

    def __init__(
        self,
        max_rate: float | None,
        *,
        beta: float = 0.8,
        scale: float = 0.4,
        cut_window: float = 1.0,
        min_rate: float = 0.5,
    ) -> None:
        self.max_rate = max_rate
        self.beta = beta
        self.scale = scale
        self.cut_window = cut_window
        self.min_rate = min_rate
        self.enabled = max_rate is not None
        self._rate_at_cut = max_rate or 0.0
        self._cut_at: float | None = None
        self._answered_at_cut = 0
        """`successes.total` when the rate was last cut."""
        self._k = 0.0
        self.sends = EventRate()
        self.successes = EventRate()
        self._streak_start: float | None = None
        self._recent_throttles = EventRate(cut_window)
        self.throttles = 0
        self.cuts = 0

    def on_send(self, now: float) -> None:
        last = self.sends.add(now)
        if last is None or now - last > self.sends.window:
            self._streak_start = now  # a new streak: the quiet time before it says nothing of the limit

    def rate(self, now: float) -> float | None:
        """The fill rate to use now; None while not limiting at all."""
        if not self.enabled:
            return None
        if self._cut_at is None:
            return self.max_rate
        elapsed = now - self._cut_at
        cubic = self.scale * (elapsed - self._k) ** 3 + self._rate_at_cut
        sent = self.sends.per_second(now)
        if sent > 0:
            cubic = min(cubic, 2 * sent + 1)
        if self.max_rate is not None:
            cubic = min(cubic, self.max_rate)
        return max(cubic, self.min_rate)

    def on_throttle(self, now: float) -> bool:
        """Note a throttle; cut the rate unless one was cut within `cut_window`. True if cut.

        Paced at a configured rate, scattered throttles are jitter: a request that reached
        the server a little early, or a server that stalled and took two at once. A lone
        throttle (no other within `cut_window`) is not cut for, nor are throttles that are
        under `JITTER_SHARE` of the window's sends (at 200/s, a few a second); more are a
        limit lower than told, and cut.
        """
        self.throttles += 1
        previous = self._recent_throttles.add(now)
        if self.max_rate is not None and self._is_jitter(now, previous):
            return False
        started = self._streak_start if self._streak_start is not None else now
        window = self.cut_window if now - started >= self.cut_window else EARLY_CUT_WINDOW
        if self._cut_at is not None and now - self._cut_at < window:
            return False
        base = max(self._cut_base(now, started), self.min_rate / self.beta)
        self._rate_at_cut = base
        self._k = math.cbrt(base * (1 - self.beta) / self.scale)
        self._cut_at = now
        self._answered_at_cut = self.successes.total
        self.enabled = True
        self.cuts += 1
        return True

    def _is_jitter(self, now: float, previous: float | None) -> bool:
        """Whether a throttle at a configured rate is jitter (see `on_throttle`)."""
        if previous is None or now - previous >= self.cut_window:
            return True
        sent_per_window = self.sends.count(now) * self.cut_window / self.sends.window
        return self._recent_throttles.count(now) < JITTER_SHARE * sent_per_window

    def _cut_base(self, now: float, started: float) -> float:
        """The rate a cut starts from (the rate then drops to `beta` times it).

        What LiveVox answered, once that rests on a whole `cut_window` of the streak. Earlier,
        a few answers say little: a server that stalls for 100 ms and then takes the queued
        requests at once refuses most of them, and their answered rate looks like 30/s under
        a limit of 200. So early in a streak the first cut is one `beta` step from the current
        rate (the answered rate only while there is no rate yet: from a cold start, where it
        counts the server's saved-up burst too and so reads high). After a cut in the streak,
        the answers since it are the server's own pace: it was refusing then, so it had
        nothing saved up, and while refusals go on it answers exactly its limit. The next
        cut starts from that pace (at most the current rate), instead of one more `beta` step
        from a first guess that may be twice the limit or more.
        """
        current = self.rate(now)
        if current is None:
            answered = self.successes.per_second(now, start=started)
            return answered if answered > 0 else self.sends.per_second(now) * self.beta
        if now - started >= self.cut_window:
            answered = self.successes.per_second(now, start=started)
        elif self._cut_at is not None and self._cut_at >= started:
            answered = self.successes.pace_since(self._answered_at_cut)
        else:
            return current
        return min(answered, current) if answered > 0 else current


class TokenBucket:
    """FIFO token bucket; see the module docstring."""

    def __init__(
        self,
        rate: float | None = None,
        burst: float = 3,
        *,
        adaptive: bool = True,
        clock: Clock | None = None,
    ) -> None:
        if rate is not None and not (math.isfinite(rate) and rate > 0):
            raise ConfigurationError(f"rate must be a finite number > 0 requests/second, got {rate}")
        if not (math.isfinite(burst) and burst >= 1):
            raise ConfigurationError(f"burst must be a finite number >= 1, got {burst}")
        self.burst = float(burst)
        self.adaptive = adaptive
        self.control = ThrottleControl(rate)
        self._clock = clock or LoopClock()
        self._tokens = self.burst
        self._last: float | None = None
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._timer: TimerHandle | None = None
        self.granted = 0

    def _refill(self, now: float) -> float | None:
        rate = self.control.rate(now)
        if self._last is not None and rate is not None:
            # A queued waiter is owed its token from when it fell due: the time its timer
            # runs late is not lost to the cap (up to TIMER_SLACK; see the module docstring).
            cap = self.burst + rate * TIMER_SLACK if self._waiters else self.burst
            self._tokens = min(cap, self._tokens + (now - self._last) * rate)
        self._last = now
        return rate

    def _take(self, now: float) -> None:
        self.granted += 1
        self.control.on_send(now)

    def try_acquire(self) -> bool:
        """Take a token if one is free now and nobody waits for one; False: `acquire` waits.

        The fast path of `acquire` without a coroutine: `0.0 if b.try_acquire() else await b.acquire()`.
        """
        now = self._clock.now()
        return self._grant(now, self._refill(now))

    async def acquire(self) -> float:
        """Wait for a token, first come first served; return the seconds waited."""
        now = self._clock.now()
        rate = self._refill(now)
        if self._grant(now, rate):
            return 0.0
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()  # slow path only
        self._waiters.append(future)
        if len(self._waiters) == 1:
            self._schedule(rate)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.refund()  # granted, then cancelled before it could be used
                raise
            was_head = bool(self._waiters) and self._waiters[0] is future
            if was_head or future in self._waiters:  # a timer may have popped it already
                self._waiters.remove(future)
            if not was_head:
                raise
            self._wake()
            raise
        return self._clock.now() - now

    def _grant(self, now: float, rate: float | None) -> bool:
        """Take a token now unless others wait (no barging) or none is whole."""
        if self._waiters or (rate is not None and self._tokens < 1 - EPSILON):
            return False
        if rate is not None:
            self._tokens -= 1
        self._take(now)
        return True

    def refund(self) -> None:
        """Give back a granted token that no request used; the next waiter may take it."""
        self._tokens = min(self.burst, self._tokens + 1)
        self.granted -= 1
        self._wake()

    def _schedule(self, rate: float | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._waiters:
            return
        delay = 0.0 if rate is None else max(0.0, (1 - self._tokens) / rate)
        self._timer = self._clock.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._wake()

    def _wake(self) -> None:
        now = self._clock.now()
        rate = self._refill(now)
        while self._waiters and (rate is None or self._tokens >= 1 - EPSILON):
            future = self._waiters.popleft()
            if future.done():
                continue
            if rate is not None:
                self._tokens -= 1
            self._take(now)
            future.set_result(None)
        self._schedule(rate)

    def on_success(self) -> None:
        """LiveVox answered a request sent with one of this bucket's tokens (not throttled)."""
        self.control.successes.add(self._clock.now())

    def on_throttle(self) -> None:
        """LiveVox throttled a request sent with one of this bucket's tokens."""
        if not self.adaptive:
            self.control.throttles += 1
            return
        now = self._clock.now()
        self._refill(now)
        if self.control.on_throttle(now):
            self._tokens = min(self._tokens, 1.0)
            self._schedule(self.control.rate(now))

    @property
    def rate(self) -> float | None:
        """The current fill rate (requests/second), None while not limiting."""
        return self.control.rate(self._clock.now())

    def stats(self) -> LimiterStats:
        now = self._clock.now()
        rate = self._refill(now)
        return LimiterStats(
            rate=rate,
            tokens=self._tokens,
            waiting=len(self._waiters),
            granted=self.granted,
            throttles=self.control.throttles,
            cuts=self.control.cuts,
        )
