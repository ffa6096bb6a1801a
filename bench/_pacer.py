"""A bare asyncio pacer: the baseline of the pacing rows (no HTTP, no SDK).

The plainest token bucket an asyncio program would write: refilled when used, one
`call_later` timer for the head waiter, first come first served. A bucket that holds one
token loses whatever time a late timer wakes up (asyncio's timers are late by up to about
a millisecond: epoll waits in whole milliseconds), so at burst 1 even this one stays
below R; the SDK's limiter is compared with it at the same R and burst, in the same run.

    >>> rate = asyncio.run(paced_rate(rate=50, burst=1, seconds=0.5))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import collections
import time


class BarePacer:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens = rate, burst, burst
        self.last: float | None = None
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.timer: asyncio.TimerHandle | None = None
        self.loop = asyncio.get_running_loop()

    def _refill(self) -> None:
        now = self.loop.time()
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now

    async def acquire(self) -> None:
        self._refill()
        if not self.waiters and self.tokens >= 1:
            self.tokens -= 1
            return
        future = self.loop.create_future()
        self.waiters.append(future)
        if self.timer is None:
            self._arm()
        await future

    def _arm(self) -> None:
        self.timer = self.loop.call_later(max(0.0, (1 - self.tokens) / self.rate), self._fire)

    def _fire(self) -> None:
        self.timer = None
        self._refill()
        while self.waiters and self.tokens >= 1:
            self.tokens -= 1
            self.waiters.popleft().set_result(None)
        if self.waiters:
            self._arm()


async def paced_rate(*, rate: float, burst: float, seconds: float, workers: int = 16) -> tuple[float, float]:
    """(grants per second, client CPU µs per grant) of a `BarePacer` kept busy by `workers`."""
    pacer = BarePacer(rate, burst)
    granted = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal granted
        while time.perf_counter() < stop:
            await pacer.acquire()
            granted += 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return granted / wall, cpu / max(granted, 1) * 1e6
