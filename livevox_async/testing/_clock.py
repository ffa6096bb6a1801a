"""`SimClock`: the simulator's time, which tests can move forward.

Session idle expiry and the rate limiter read `monotonic()`; `lastModified` stamps of
changed collections read `epoch_ms()`. Both are the real clocks plus an offset that
only grows, so `advance()` ages every session at once without sleeping:

    >>> clock = SimClock()
    >>> before = clock.monotonic()
    >>> clock.advance(7200)
    >>> clock.monotonic() - before >= 7200
    True
"""

from __future__ import annotations

import time


class SimClock:
    """Real monotonic and wall time, shifted by what `advance()` added."""

    def __init__(self) -> None:
        self._offset = 0.0

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (idle timeouts, token buckets)."""
        return time.monotonic() + self._offset

    def epoch_ms(self) -> int:
        """Milliseconds since 1970, LiveVox's date format."""
        return int((time.time() + self._offset) * 1000)

    def advance(self, seconds: float) -> None:
        """Move time forward, e.g. past the session idle timeout."""
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        self._offset += seconds
