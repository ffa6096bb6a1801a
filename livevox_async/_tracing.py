"""What a call tells a tracer: the seam `LiveVox(tracer=...)` plugs into.

The client opens one *call trace* per SDK call (`lv.agents.read(1234)`), and inside it
one *attempt trace* per HTTP request it sends for that call (the first, each retry, each
resend after a throttle or a re-login). A tracer is anything with `call()`; the one the
SDK ships is `livevox_async.otel.OpenTelemetryTracer` (the `otel` extra), which makes
each call a span and each attempt a child span.

What reaches a tracer is chosen here, not by the tracer: the operation id, the method,
the redacted path (`/configuration/v6.0/agents/1234`; never a session id or a query
string), statuses, counts and seconds, the error's class name. No header, body, token,
session id or error message is handed over, so no tracer can leak one.

    >>> from contextlib import contextmanager
    >>> class Printer:
    ...     @contextmanager
    ...     def call(self, call):
    ...         print("call", call.operation, call.path)
    ...         trace = PrintedCall()
    ...         yield trace
    ...         print("ended", trace.ended)
    >>> class PrintedCall:
    ...     ended = None
    ...     @contextmanager
    ...     def attempt(self, attempt):
    ...         yield attempt
    ...         print("attempt", attempt.number, attempt.status)
    ...     def end(self, summary):
    ...         self.ended = (summary.status, summary.attempts, summary.error)
    >>> with Printer().call(CallInfo("agents.read", "GET", "/configuration/v6.0/agents/7")) as t:
    ...     with t.attempt(AttemptInfo(1)) as a:
    ...         a.answered(200, "lvasync-000000000001")
    ...     t.end(CallSummary(status=200, attempts=1))
    call agents.read /configuration/v6.0/agents/7
    attempt 1 200
    ended (200, 1, None)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

import attrs

from ._retry import Decision, Outcome, RetryAfter


@attrs.frozen(slots=True)
class CallInfo:
    """The call being made: operation id, HTTP method, redacted path."""

    operation: str
    method: str
    path: str


@attrs.define(slots=True)
class AttemptInfo:
    """One HTTP request of a call; `answered()` fills in what came back."""

    number: int
    """1 for the first request of the call, 2 for the next one, …"""
    status: int | None = None
    request_id: str | None = None
    """The `LV_REQUEST_TRACKING_ID` the request carried (ours, not a secret)."""

    def answered(self, status: int, request_id: str) -> None:
        self.status = status
        self.request_id = request_id


@attrs.frozen(slots=True, kw_only=True)
class CallSummary:
    """How a call ended."""

    status: int | None = None
    """The last HTTP status LiveVox answered (None when nothing came back)."""
    attempts: int = 0
    """HTTP requests sent for this call."""
    retries: int = 0
    """Of those, resent after a failure (a server error, a lost connection)."""
    throttles: int = 0
    """Answers that said "slow down" (429, throttling 503)."""
    waited: float = 0.0
    """Seconds spent waiting: for limiter tokens and between attempts."""
    error: str | None = None
    """The class name of the error the call raised (`RateLimitError`), if it did."""


class CallTrace(Protocol):
    """What a tracer hands back for one call."""

    def attempt(self, attempt: AttemptInfo) -> AbstractContextManager[AttemptInfo]:
        """The context one HTTP request of the call is sent in."""
        ...

    def end(self, summary: CallSummary) -> None:
        """How the call ended; called once, before the call's context exits."""
        ...


class Tracer(Protocol):
    """What `LiveVox(tracer=...)` accepts."""

    def call(self, call: CallInfo) -> AbstractContextManager[CallTrace]:
        """The context one SDK call runs in (its retries included)."""
        ...


@attrs.define(slots=True)
class CallTally:
    """What the client counts of a traced call, for its `CallSummary` (untraced calls keep none)."""

    trace: CallTrace
    attempts: int = 0
    retries: int = 0
    throttles: int = 0
    waited: float = 0.0
    status: int | None = None

    def sending(self, waited: float) -> None:
        """An attempt goes out, after `waited` seconds for a limiter token."""
        self.attempts += 1
        self.waited += waited

    def decided(self, outcome: Outcome[Any], decision: Decision) -> None:
        """The retry policy's decision after an attempt that did not succeed."""
        self.throttles += outcome.throttled
        if isinstance(decision, RetryAfter):
            self.waited += decision.seconds
            self.retries += not decision.throttle

    def summary(self, error: str | None) -> CallSummary:
        return CallSummary(
            status=self.status,
            attempts=self.attempts,
            retries=self.retries,
            throttles=self.throttles,
            waited=self.waited,
            error=error,
        )
