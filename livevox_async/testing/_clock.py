"""`SimClock`: the simulator's time, which tests can move forward.

Session idle expiry and the rate limiter read `monotonic()`; `lastModified` stamps of
changed collections read `epoch_ms()`. Both are the real clocks plus an offset that
only grows, so `advance()` ages every session at once without sleeping:

    >>> clock = SimClock()
    >>> before = clock.monotonic()
    >>> clock.advance(7200)
    >>> clock.monotonic() - before >= 7200
    True

A frozen clock stands still between `advance()` calls, so a test of anything timed
(the rate limiter's refill, idle expiry) is exact on a loaded machine:

    >>> frozen = SimClock(frozen=True)
    >>> start = frozen.monotonic()
    >>> frozen.monotonic() == start
    True
    >>> frozen.advance(0.25)
    >>> frozen.monotonic() - start
    0.25
"""

from __future__ import annotations

import time


class SimClock:
    """Real monotonic and wall time, shifted by what `advance()` added.

    `frozen=True` takes both readings once, at construction, and from then on moves
    only by `advance()`.
    """

    def __init__(self, *, frozen: bool = False) -> None:
        self._offset = 0.0
        self._frozen_at = (time.monotonic(), time.time()) if frozen else None

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (idle timeouts, token buckets)."""
        base = time.monotonic() if self._frozen_at is None else self._frozen_at[0]
        return base + self._offset

    def epoch_ms(self) -> int:
        """Milliseconds since 1970, LiveVox's date format."""
        base = time.time() if self._frozen_at is None else self._frozen_at[1]
        return int((base + self._offset) * 1000)

    def advance(self, seconds: float) -> None:
        """Move time forward, e.g. past the session idle timeout."""
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        self._offset += seconds
