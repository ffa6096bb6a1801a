"""A per-access-token token bucket, as a server (not a client) applies it.

Every LiveVox session belongs to the API access token it logged in with, so the
simulator keeps one bucket per token: `rate` tokens a second, at most `burst` saved
up. A request that finds the bucket empty is refused (429) and costs nothing.

    >>> limit = RateLimit(rate=2.0, burst=1.0)
    >>> limit.take(0, now=0.0), limit.take(0, now=0.0), limit.take(0, now=0.5)
    (0.0, 0.5, 0.0)
"""

from __future__ import annotations

import math


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class RateLimit:
    """Token buckets keyed by access-token index; `hidden` drops `Retry-After` from 429s."""

    def __init__(self, rate: float, burst: float = 1.0, *, hidden: bool = False) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive (use None to disable the limit)")
        self.rate = rate
        self.capacity = max(1.0, burst)
        self.hidden = hidden
        self._buckets: dict[int, _Bucket] = {}

    def take(self, token_index: int, now: float) -> float:
        """Spend one token: 0.0 when granted, else the seconds until one is available."""
        bucket = self._buckets.get(token_index)
        if bucket is None:
            bucket = self._buckets[token_index] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def retry_after(self, wait: float) -> str | None:
        """The `Retry-After` value for a refusal: whole seconds, at least 1; None when hidden."""
        return None if self.hidden else str(max(1, math.ceil(wait)))
