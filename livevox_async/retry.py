"""The retry decision, for a policy of one's own: `LiveVox(retry=...)`.

`RetryPolicy` (also in `livevox_async`) has the knobs; its checkers, the attempt's
`Outcome`, the call's `AttemptState` and the `Decision` values are here. See
`livevox_async._retry` for the rules and an example.

    >>> from livevox_async.retry import GiveUp, RetryPolicy
    >>> class NeverRetry:
    ...     def decide(self, op, outcome, state):
    ...         return GiveUp()
    >>> policy: RetryDecider = NeverRetry()
"""

from ._retry import (
    MAX_RENEWED_ELSEWHERE,
    AttemptState,
    Checker,
    Decision,
    GiveUp,
    MaxAttemptsChecker,
    Outcome,
    RenewSession,
    RetryAfter,
    RetryBudget,
    RetryDecider,
    RetryPolicy,
    RetryQuotaChecker,
    SessionExpiredChecker,
    ThrottledRetryableChecker,
    TransientRetryableChecker,
    parse_retry_after,
)

__all__ = [
    "MAX_RENEWED_ELSEWHERE",
    "AttemptState",
    "Checker",
    "Decision",
    "GiveUp",
    "MaxAttemptsChecker",
    "Outcome",
    "RenewSession",
    "RetryAfter",
    "RetryBudget",
    "RetryDecider",
    "RetryPolicy",
    "RetryQuotaChecker",
    "SessionExpiredChecker",
    "ThrottledRetryableChecker",
    "TransientRetryableChecker",
    "parse_retry_after",
]
