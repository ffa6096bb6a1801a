"""`ManualClock`: a clock for the client's rate limiter that moves only when told.

Give it to `LiveVox(clock=...)` (or a `TokenBucket`) and no real time passes in the
limiter: `advance()` runs every timer that falls due, in order, so a test of pacing
asserts exact counts on a loaded machine. Pair it with `SimulatorConfig(frozen_clock=True)`
and `Simulator.advance()` to move the server's rate limit in step.

    >>> clock = ManualClock()
    >>> fired = []
    >>> handle = clock.call_later(0.5, lambda: fired.append(clock.now()))
    >>> asyncio.run(clock.advance(1.0))
    >>> fired, clock.now()
    ([0.5], 1.0)
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable


class ManualHandle:
    """What `ManualClock.call_later` returns: a timer that can be cancelled."""

    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """Satisfies the limiter's `Clock`; time starts at 0 and moves only by `advance()`."""

    def __init__(self) -> None:
        self.time = 0.0
        self._timers: list[tuple[float, int, Callable[[], None], ManualHandle]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.time

    def call_later(self, delay: float, callback: Callable[[], None]) -> ManualHandle:
        handle = ManualHandle()
        heapq.heappush(self._timers, (self.time + delay, next(self._order), callback, handle))
        return handle

    async def advance(self, seconds: float) -> None:
        """Move `seconds` forward, running each timer due on the way at its own time.

        After each timer (and at the end) the event loop runs what became ready, a few
        rounds of `asyncio.sleep(0)`: enough for a waiter woken by a grant to resume.
        """
        target = self.time + seconds
        while self._timers and self._timers[0][0] <= target + 1e-12:
            when, _, callback, handle = heapq.heappop(self._timers)
            self.time = max(self.time, when)
            if not handle.cancelled:
                callback()
                await self.settle()
        self.time = target
        await self.settle()

    @staticmethod
    async def settle(rounds: int = 10) -> None:
        """Let the event loop run what is ready (`rounds` turns), with no time passing."""
        for _ in range(rounds):
            await asyncio.sleep(0)
