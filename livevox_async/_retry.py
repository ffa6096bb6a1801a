"""When to send a request again: one pure decision, made of small checkers.

Each attempt of a call ends in an `Outcome`: LiveVox's answer (decoded, for a success)
or the typed error of a failure. A success is returned; anything else goes to the
client's retry policy, `decide(op, outcome, state)`, which answers with a `Decision`:

- `RetryAfter(seconds, throttle=...)`: send again after the wait;
- `RenewSession(login=...)`: the session expired (401): log in again, or take the id
  another call renewed meanwhile, and send again;
- `GiveUp(rate_limited=...)`: raise the answer's error (or `RateLimitError`).

`state` (`AttemptState`) is where the call stands: its retries and throttle retries
so far, whether it renewed its session, the client's `RetryBudget`. The decision
changes nothing: the client counts, waits, logs in and spends the budget.

`RetryPolicy` decides by asking its checkers in order; the first that decides wins,
and a failure none decides on is raised. The standard chain, built from its knobs
(`RetryPolicy.standard_checkers()`), in the manner of botocore's `retries/standard.py`:

1. `SessionExpiredChecker`: a 401 for a session id: one re-login per call; a 401 for an
   id another call renewed meanwhile is resent without one (a few times at most).
2. `ThrottledRetryableChecker`: a throttle (429, or 503 by default): wait `Retry-After`
   (up to a cap) or back off, counted apart from the retries; a non-idempotent
   operation is resent only after a literal 429 (a 503 may have been processed).
3. `MaxAttemptsChecker`: no attempts left (or `RequestOptions(retry=False)`): give up.
4. `RetryQuotaChecker`: the client's retry budget is below half: give up.
5. `TransientRetryableChecker`: a 5xx of an idempotent operation, a transport failure
   of one, a connection never made (any operation), an unparseable 2xx body: back off.

Any object with a `decide` method (`RetryDecider`) may stand in for `RetryPolicy`;
a chain of one's own is `RetryPolicy(checkers=...)`:

    >>> from livevox_async import OPERATIONS
    >>> class RetryConflicts:  # a checker of one's own: resend a 409 once, after 2 s
    ...     def check(self, op, outcome, state):
    ...         if outcome.status == 409 and state.retries == 0:
    ...             return RetryAfter(2.0)
    ...         return None
    >>> base = RetryPolicy(max_attempts=6)
    >>> policy = RetryPolicy(max_attempts=6, checkers=(RetryConflicts(), *base.standard_checkers()))
    >>> conflict = Outcome.answered(409)
    >>> policy.decide(OPERATIONS["agents.update"], conflict, AttemptState(RetryBudget()))
    RetryAfter(seconds=2.0, throttle=False)
    >>> base.decide(OPERATIONS["agents.update"], conflict, AttemptState(RetryBudget()))
    GiveUp(rate_limited=False)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

from ._exceptions import ConfigurationError, ConnectError, DecodeError, ResponseTooLarge, TransportError
from ._transport import HttpResponse, RequestContext

if TYPE_CHECKING:
    from ._operation import Operation

T = TypeVar("T")

MAX_RENEWED_ELSEWHERE = 3
"""Resends of one call after a 401 for a session another call renewed meanwhile (each one
means a login happened between its send and its answer); past this the server is expiring
sessions as fast as they are made, and the 401 is raised."""


# -- what the decision reads ------------------------------------------------------------------


@attrs.define(slots=True)  # not frozen: one is made per attempt, and a frozen init costs 4x
class Outcome(Generic[T]):
    """How one attempt ended: an answer (decoded when it is a success) or a failure.

    A value: nothing changes an outcome once its attempt made it (a checker only reads it).
    """

    response: HttpResponse | None
    """LiveVox's answer; None when no usable HTTP answer arrived (see `error`)."""
    context: RequestContext | None
    """What the request was (operation, method, redacted path, request id)."""
    session_id: str | None = attrs.field(default=None, repr=False)
    """The session id the request carried (None for the Session API's own calls)."""
    result: T | None = None
    """The decoded body of a success."""
    error: TransportError | DecodeError | None = None
    """Why there is no usable answer: a transport failure, or a success whose body did not decode."""
    throttled: bool = False
    """The answer is a throttle (`LiveVox(is_throttle=...)`; 429 and 503 by default)."""
    renewed_elsewhere: bool = False
    """A 401 for a session id that another call has replaced since this request went out."""

    @classmethod
    def answered(cls, status: int, headers: dict[str, str] | None = None, **fields: Any) -> Outcome[Any]:
        """An answer with this status and no body: for tests and docs of a decision.

        >>> Outcome.answered(429, {"Retry-After": "3"}, throttled=True).retry_after
        3.0
        """
        response = HttpResponse(status, CIMultiDictProxy(CIMultiDict(headers or {})), b"")
        return cls(response, None, **fields)

    @property
    def ok(self) -> bool:
        """A success (2xx) whose body decoded."""
        return self.error is None and self.response is not None and 200 <= self.response.status < 300

    @property
    def status(self) -> int | None:
        """The answer's status; None when there was none."""
        return self.response.status if self.response is not None else None

    @property
    def retry_after(self) -> float | None:
        """The answer's `Retry-After`, in seconds (None when absent or unreadable)."""
        if self.response is None:
            return None
        return parse_retry_after(self.response.headers.get("Retry-After"))


@attrs.define
class RetryBudget:
    """Tokens for retries shared by every call of a client: -1 per retry, +`refill` per
    success; no retry while at most half are left (the gRPC retry-throttling rule)."""

    capacity: float = 100.0
    refill: float = 0.1
    tokens: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.tokens = self.capacity

    def can_spend(self) -> bool:
        return self.tokens > self.capacity / 2

    def spend(self) -> None:
        self.tokens -= 1

    def on_success(self) -> None:
        self.tokens = min(self.capacity, self.tokens + self.refill)


@attrs.frozen(slots=True)
class AttemptState:
    """Where a call stands after its attempts so far: what the decision counts."""

    budget: RetryBudget = attrs.field(eq=False)
    """The client's retry budget (read by the decision; spent by the client)."""
    retry_enabled: bool = True
    """False under `RequestOptions(retry=False)`: no resend but after a session renewal."""
    started: float = 0.0
    """When the call began, on the client's clock."""
    retries: int = 0
    """Resends after a failure or a retryable status (each spends from the budget)."""
    throttles: int = 0
    """Resends after a throttle, counted apart."""
    renewed: bool = False
    """The call has logged in again after a 401 (once per call)."""
    renewed_elsewhere: int = 0
    """Resends after a 401 for a session id another call had renewed."""

    @property
    def attempts(self) -> int:
        """Requests sent so far, the last one included."""
        return 1 + self.retries + self.throttles + self.renewed + self.renewed_elsewhere

    def after(self, decision: RetryAfter | RenewSession) -> AttemptState:
        """The state once `decision` is carried out.

        >>> AttemptState(RetryBudget()).after(RetryAfter(0.5, throttle=True)).throttles
        1
        """
        if isinstance(decision, RenewSession):
            if decision.login:
                return attrs.evolve(self, renewed=True)
            return attrs.evolve(self, renewed_elsewhere=self.renewed_elsewhere + 1)
        if decision.throttle:
            return attrs.evolve(self, throttles=self.throttles + 1)
        return attrs.evolve(self, retries=self.retries + 1)


# -- what the decision answers ----------------------------------------------------------------


@attrs.frozen(slots=True)
class RetryAfter:
    """Send again after `seconds`."""

    seconds: float
    throttle: bool = False
    """A throttle retry: counted in `AttemptState.throttles`, spends no budget (any other
    resend spends one token of the client's `RetryBudget`)."""


@attrs.frozen(slots=True)
class RenewSession:
    """The session expired: renew it and send again."""

    login: bool = True
    """False: another call renewed it meanwhile; send again with its new id, no login."""


@attrs.frozen(slots=True)
class GiveUp:
    """Raise: the failure's own error, or the answer's typed `APIError`."""

    rate_limited: bool = False
    """Raise `RateLimitError` instead: throttling outlasted the retries or `Retry-After`'s cap."""


Decision: TypeAlias = RetryAfter | RenewSession | GiveUp
GIVE_UP = GiveUp()


class Checker(Protocol):
    """One rule of a `RetryPolicy`: a decision, or None to leave it to the next checker."""

    def check(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision | None: ...


class RetryDecider(Protocol):
    """What `LiveVox(retry=...)` takes: `RetryPolicy`, or any object deciding so."""

    def decide(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision:
        """What to do after an attempt that did not succeed. Pure: it changes nothing."""
        ...


# -- the standard checkers ----------------------------------------------------------------------


@attrs.frozen
class SessionExpiredChecker:
    """A 401 for a session id: log in again once per call, or resend with the id another
    call renewed meanwhile (up to `max_renewed_elsewhere` times); else not for this checker."""

    max_renewed_elsewhere: int = MAX_RENEWED_ELSEWHERE

    def check(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision | None:
        if outcome.error is not None or outcome.status != 401 or outcome.session_id is None:
            return None
        if outcome.renewed_elsewhere:
            return RenewSession(login=False) if state.renewed_elsewhere < self.max_renewed_elsewhere else None
        return None if state.renewed else RenewSession()


@attrs.frozen
class ThrottledRetryableChecker:
    """A throttle: wait `Retry-After` (or back off) up to `max_retries` times, counted apart.

    A non-idempotent operation gives up unless the answer is a literal 429 (not processed,
    by definition; a 503 may have been). A `Retry-After` past `retry_after_cap` gives up.
    """

    max_retries: int
    retry_after_cap: float
    backoff: Callable[[int], float]
    """Seconds before the n-th throttle retry when LiveVox names no wait."""

    def check(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision | None:
        if outcome.error is not None or not outcome.throttled:
            return None
        if not (op.idempotent or outcome.status == 429):
            return GIVE_UP
        retry_after = outcome.retry_after
        if retry_after is not None and retry_after > self.retry_after_cap:
            return GiveUp(rate_limited=True)
        if not state.retry_enabled or state.throttles >= self.max_retries:
            return GiveUp(rate_limited=True)
        wait = retry_after if retry_after is not None else self.backoff(state.throttles + 1)
        return RetryAfter(wait, throttle=True)


@attrs.frozen
class MaxAttemptsChecker:
    """No retry once `max_attempts` attempts were made (or under `RequestOptions(retry=False)`)."""

    max_attempts: int

    def check(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision | None:
        if not state.retry_enabled or state.retries + 1 >= self.max_attempts:
            return GIVE_UP
        return None


@attrs.frozen
class RetryQuotaChecker:
    """No retry while the client's `RetryBudget` is at half or below."""

    def check(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision | None:
        return None if state.budget.can_spend() else GIVE_UP


@attrs.frozen
class TransientRetryableChecker:
    """Back off and resend what another attempt may cure; else not for this checker.

    A connection never made: any operation. A 400/401/403/404/409, an answer past
    `max_body_size` or a body that does not match the schema: never (the same answer would
    come). A status of `statuses`, another transport failure or an unparseable 2xx body:
    idempotent operations only.
    """

    statuses: frozenset[int]
    backoff: Callable[[int], float]
    """Seconds before the n-th retry."""

    def check(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision | None:
        return RetryAfter(self.backoff(state.retries + 1)) if self.retryable(op, outcome) else None

    def retryable(self, op: Operation, outcome: Outcome[Any]) -> bool:
        failure = outcome.error
        if failure is None:
            return op.idempotent and outcome.status in self.statuses
        if isinstance(failure, ConnectError):
            return True  # never sent: safe for any operation
        if isinstance(failure, ResponseTooLarge):
            return False
        if isinstance(failure, DecodeError):
            return op.idempotent and not failure.problems  # unparseable body; a schema mismatch repeats
        return op.idempotent


# -- the policy ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a client retries: the knobs of the standard checkers, or a chain of one's own.

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
    jitter: Callable[[], float] = attrs.field(default=random.random, repr=False, eq=False)
    """A uniform draw in [0, 1) scaling each backoff (full jitter); fix it for exact waits."""
    checkers: Sequence[Checker] | None = None
    """The chain asked in order, first decision wins; None: `standard_checkers()`. Given
    checkers are used as they are (the knobs above reach only the standard ones)."""
    _chain: tuple[Checker, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigurationError(f"max_attempts must be >= 1, got {self.max_attempts}")
        chain = self.standard_checkers() if self.checkers is None else tuple(self.checkers)
        object.__setattr__(self, "_chain", chain)

    def standard_checkers(self) -> tuple[Checker, ...]:
        """The standard chain with this policy's knobs (see the module docstring)."""
        throttle_retries = self.max_throttle_retries if self.max_attempts > 1 else 0
        return (
            SessionExpiredChecker(),
            ThrottledRetryableChecker(throttle_retries, self.retry_after_cap, self.backoff),
            MaxAttemptsChecker(self.max_attempts),
            RetryQuotaChecker(),
            TransientRetryableChecker(self.retry_statuses, self.backoff),
        )

    def decide(self, op: Operation, outcome: Outcome[Any], state: AttemptState) -> Decision:
        """The first checker's decision; `GiveUp()` when none decides."""
        for checker in self._chain:
            decision = checker.check(op, outcome, state)
            if decision is not None:
                return decision
        return GIVE_UP

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay before retry `attempt` (from 1): `min(cap, base * 2**(attempt-1))` x jitter.

        >>> RetryPolicy(backoff_base=0.1, backoff_cap=5, jitter=lambda: 0.5).backoff(3)
        0.2
        """
        return min(self.backoff_cap, self.backoff_base * 2.0 ** (attempt - 1)) * self.jitter()


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
