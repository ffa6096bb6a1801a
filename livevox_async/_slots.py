"""`Slots`: at most `size` holders at once, first come first served (the in-flight cap).

What `asyncio.Semaphore` does, with its common case spared the coroutines: `try_take()`
is a plain call that succeeds when a slot is free and nobody queues for one, and only a
caller that has to wait awaits `take()`. A slot given back goes straight to the longest
waiter (no barging); a waiter cancelled after it was handed one passes it on.

    >>> slots = Slots(2)
    >>> slots.try_take(), slots.try_take(), slots.try_take()
    (True, True, False)
    >>> slots.give_back()
    >>> slots.try_take()
    True
"""

from __future__ import annotations

import asyncio
import collections


class Slots:
    """A FIFO counting semaphore; see the module docstring."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def try_take(self) -> bool:
        """Take a slot if one is free and nobody waits for one; False: `take` waits."""
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        """Wait in line for a slot."""
        if self.try_take():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.give_back()  # handed a slot, then cancelled before it could be used
            elif future in self._waiters:  # `give_back` drops cancelled waiters as it meets them
                self._waiters.remove(future)
            raise

    def give_back(self) -> None:
        """Free a slot: the longest waiter gets it, or it is free for the next `try_take`."""
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self._free += 1
