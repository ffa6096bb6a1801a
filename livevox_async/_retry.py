"""When and how long to wait before sending a request again.

- `RetryPolicy`: how many attempts, full-jitter exponential backoff
  (`uniform(0, min(cap, base * 2**attempt))`), and a `RetryBudget` shared by every
  call of a client so that a failing LiveVox is not stormed: each retry spends a token,
  each success earns back a fraction, and retries stop while the budget is below half
  (the gRPC retry-throttling rule).
- `parse_retry_after`: the `Retry-After` header as seconds or an HTTP date, clamped.

Which failures are retryable is decided by the client (`_client.py`): only idempotent
operations, never 400/403/404/409, but a connection that was never made may retry
any operation.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import attrs

from ._exceptions import ConfigurationError


@attrs.define
class RetryBudget:
    """Tokens for retries: -1 per retry, +`refill` per success; retry only above half."""

    capacity: float = 100.0
    refill: float = 0.1
    tokens: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.tokens = self.capacity

    def try_spend(self) -> bool:
        if self.tokens <= self.capacity / 2:
            return False
        self.tokens -= 1
        return True

    def on_success(self) -> None:
        self.tokens = min(self.capacity, self.tokens + self.refill)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a client retries.

    >>> RetryPolicy(max_attempts=5, backoff_base=0.2, backoff_cap=10)  # doctest: +ELLIPSIS
    RetryPolicy(max_attempts=5, ...)
    """

    max_attempts: int = 4
    """Attempts in all, the first included (1 disables retries)."""
    backoff_base: float = 0.1
    backoff_cap: float = 5.0
    max_throttle_retries: int = 8
    """Retries after throttling (429 / throttling 503); counted apart from `max_attempts`."""
    retry_after_cap: float = 60.0
    """The longest `Retry-After` honoured; a longer one gives up with RateLimitError."""
    retry_statuses: frozenset[int] = frozenset({500, 502, 503, 504})
    """Server statuses worth another attempt (for idempotent operations)."""

    def __attrs_post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigurationError(f"max_attempts must be >= 1, got {self.max_attempts}")

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter delay before attempt `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return (rng or random).uniform(0, ceiling)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or HTTP date), >= 0.

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT",
    ...                   now=datetime(2015, 10, 21, 7, 27, 30, tzinfo=UTC))
    30.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds == float("inf"):  # NaN, inf
        return None
    return max(seconds, 0.0)
