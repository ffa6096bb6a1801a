"""The exceptions livevox-async raises. Every one derives from `LiveVoxError`.

    LiveVoxError
    ├── ConfigurationError        the client was set up wrongly (unknown region, http:// to a remote host, …)
    ├── TransportError            no usable HTTP answer arrived
    │   ├── ConnectError          could not connect; the request was never sent
    │   ├── ReadTimeout           connected, but the answer stalled past the timeout (a TimeoutError)
    │   ├── ConnectionLost        the connection broke while sending or reading (reset, truncated body)
    │   ├── ProtocolError         the peer did not speak valid HTTP
    │   └── ResponseTooLarge      the answer is larger than `max_body_size` (decompressed); never retried
    ├── DeadlineExceeded          the call's overall deadline passed (retries and waits included)
    ├── DecodeError               an answer arrived but is not the JSON the schema describes
    ├── PaginationError           a list's pages contradict each other so that items would be lost or repeated
    ├── ExportError               an export cannot start or go on (output directory, unknown family)
    └── APIError                  LiveVox answered with an error status
        ├── BadRequestError       400: invalid request or parameters
        ├── AuthenticationError   401: bad credentials, or the session expired twice in a row
        ├── PermissionDeniedError 403: the session (agent or user role) may not call this method;
        │                              also raised *before sending* when the SDK knows the answer
        ├── NotFoundError         404: no such object
        ├── ConflictError         409: a duplicate (same name or login id)
        ├── RateLimitError        429, or 503 judged a throttle: retries ran out
        └── ServerError           5xx: LiveVox failed

Every error carries the operation id (`agents.read`), the HTTP method and a *redacted*
path (session ids are cut out of Session API paths), and, where there was an answer, the
status, LiveVox's `code`/`message` and the request id the SDK sent in
`LV_REQUEST_TRACKING_ID`. No error's `str` or `repr` ever holds a password, an access
token or a session id. Every error survives `pickle` and `copy` (multiprocessing,
Celery, pytest-xdist) as the same class with the same `str` and attributes.

    >>> from livevox_async import NotFoundError
    >>> try:                                                  # doctest: +SKIP
    ...     await lv.agents.read(999)
    ... except NotFoundError as exc:
    ...     print(exc.status, exc.operation)
    404 agents.read
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypedDict, TypeVar, Unpack
from urllib.parse import quote

SessionKind = Literal["agent", "user"]
REDACTED = "***"
E = TypeVar("E", bound="LiveVoxError")


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by `***`: as is, URL-quoted, in any letter case.

    Every message the SDK builds from what a server wrote goes through here first, with
    the secrets of the session that was used (its password, access token, current and
    previous session ids): a server may echo any of them.

    >>> redact("no user jsmith with password Hunter2! (hunter2%21)", ["hunter2!"])
    'no user jsmith with password *** (***)'
    """
    forms = {form for secret in secrets if secret for form in (secret, quote(secret, safe=""))}
    if not forms:
        return text
    pattern = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.sub(pattern, REDACTED, text, flags=re.IGNORECASE)


class RequestInfo(TypedDict, total=False):
    """Where an error happened; every key optional. Never holds a secret."""

    operation: str | None
    method: str | None
    path: str | None
    """Redacted: no session id."""
    request_id: str | None


class AnswerInfo(RequestInfo, total=False):
    """`RequestInfo` plus LiveVox's `{code, message}` error body."""

    code: int | None
    lv_message: str | None


class LiveVoxError(Exception):
    """Root of every error this SDK raises."""

    operation: str | None
    method: str | None
    path: str | None
    request_id: str | None
    outcome_unknown: bool = False
    """True when the call may have taken effect though no answer says so: a create (or another
    call that is not idempotent) whose answer was lost; it was not sent again. The message
    says how to check (a create: list the family and look for its natural key)."""

    def __init__(self, message: str, **where: Unpack[RequestInfo]) -> None:
        super().__init__(message)
        self.message = message
        self.operation = where.get("operation")
        self.method = where.get("method")
        self.path = where.get("path")
        self.request_id = where.get("request_id")

    def __str__(self) -> str:
        where = f"{self.method} {self.path}" if self.method and self.path else None
        context = ", ".join(
            part
            for part in (
                self.operation,
                where,
                f"request id {self.request_id}" if self.request_id else None,
            )
            if part
        )
        return f"{self.message} [{context}]" if context else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled and copied as its class, `args` and attributes (`__init__` is not run again:
        every class takes its own keywords). What is pickled is what `str` shows: redacted."""
        return (_rebuild, (type(self), self.args), self.__dict__)


def amended(error: E, note: str) -> E:
    """A copy of `error` whose message ends with `; note` (the original is left as it was).

    >>> amended(ConfigurationError("bad rate"), "give a number of requests per second")
    ConfigurationError('bad rate; give a number of requests per second')
    """
    again = copy.copy(error)
    again.message = f"{error.message}; {note}"
    again.args = (again.message,)
    return again


def _rebuild(cls: type[LiveVoxError], args: tuple[Any, ...]) -> LiveVoxError:
    """An unpickled or copied error before its attributes are set back (`__reduce__`)."""
    error = cls.__new__(cls, *args)
    error.args = args  # OSError's `__new__` (TimeoutError's) leaves them to `__init__`
    return error


class ConfigurationError(LiveVoxError, ValueError):
    """The client was configured wrongly; nothing was sent."""


class TransportError(LiveVoxError):
    """No usable HTTP answer arrived (connection, timeout or protocol trouble)."""


class ConnectError(TransportError):
    """The connection could not be made; the request was never sent, so any call may retry.

    `host` and `port` are where the SDK tried to connect.
    """

    def __init__(
        self, message: str, *, host: str | None = None, port: int | None = None, **where: Unpack[RequestInfo]
    ) -> None:
        super().__init__(message, **where)
        self.host = host
        self.port = port


class ReadTimeout(TransportError, TimeoutError):
    """Connected, but the answer did not come within the timeout (also a `TimeoutError`).

    Once a call gives up, `attempts` is how many requests it sent and `elapsed` the seconds
    it took, on the client's clock; the message says both.
    """

    attempts: int | None = None
    elapsed: float | None = None


class ConnectionLost(TransportError):
    """The connection broke while the request was sent or the answer read."""


class ProtocolError(TransportError):
    """The peer's answer was not valid HTTP (this is never a LiveVox 400)."""


class ResponseTooLarge(TransportError):
    """The answer is larger than the client's `max_body_size` (`LiveVox(max_body_size=...)`).

    Raised without reading further once the announced `Content-Length`, or the body read so
    far (decompressed, as it would be held in memory), passes the cap; the connection is
    closed. Never retried: the same request would get the same answer.
    """

    def __init__(self, message: str, *, max_body_size: int, **where: Unpack[RequestInfo]) -> None:
        super().__init__(message, **where)
        self.max_body_size = max_body_size


class DeadlineExceeded(LiveVoxError, TimeoutError):
    """The call's overall deadline passed before it could finish."""


class DecodeError(LiveVoxError):
    """An answer arrived but is not what the schema describes.

    `problems` lists each mismatch with its JSON path (`$.agent[3].id: expected int`).
    The body itself is never included: it may hold personal data.
    """

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[str] = (),
        status: int | None = None,
        content_type: str | None = None,
        length: int | None = None,
        **where: Unpack[RequestInfo],
    ) -> None:
        if problems:
            message = f"{message}: " + "; ".join(problems[:5]) + (" …" if len(problems) > 5 else "")
        super().__init__(message, **where)
        self.problems = tuple(problems)
        self.status = status
        self.content_type = content_type
        self.length = length


class PaginationError(LiveVoxError):
    """A list's pages contradict each other beyond repair (design §10).

    Raised when a page holds only items already listed (the server ignores `offset`, or
    its pages loop) or an id does not fit in 64 bits; `offset` is where in the list.
    Disagreements the paginator can repair are kept in `Paginator.report` instead.
    """

    def __init__(self, message: str, *, offset: int | None = None, **where: Unpack[RequestInfo]) -> None:
        super().__init__(message, **where)
        self.offset = offset


class ExportError(LiveVoxError):
    """An export cannot start or continue: the output directory or the request is wrong.

    When several families failed, `failures` holds each one's error by family name (a
    single failure is raised as itself).
    """

    def __init__(
        self,
        message: str,
        *,
        failures: Mapping[str, LiveVoxError] | None = None,
        **where: Unpack[RequestInfo],
    ) -> None:
        super().__init__(message, **where)
        self.failures: dict[str, LiveVoxError] = dict(failures or {})


class APIError(LiveVoxError):
    """LiveVox answered with an error status.

    `status` is the HTTP status; `code` and `lv_message` are LiveVox's `{code, message}`
    body when it sent one.
    """

    status: int

    def __init__(self, message: str, *, status: int, **answer: Unpack[AnswerInfo]) -> None:
        super().__init__(
            message,
            operation=answer.get("operation"),
            method=answer.get("method"),
            path=answer.get("path"),
            request_id=answer.get("request_id"),
        )
        self.status = status
        self.code = answer.get("code")
        self.lv_message = answer.get("lv_message")


class BadRequestError(APIError):
    """400: LiveVox rejected the request as invalid."""


class AuthenticationError(APIError):
    """401: bad credentials or access token, or the session was refused after a fresh login."""


class PermissionDeniedError(APIError):
    """403: this session may not call this method.

    Role-aware: says whether the session is an agent or a user session (`session_kind`),
    which roles may call the method (`roles`) and the Manager power it needs
    (`manager_power`), and whether the SDK refused it before sending (`local`) or LiveVox
    answered 403.
    """

    def __init__(
        self,
        message: str,
        *,
        session_kind: SessionKind | None,
        roles: Sequence[str],
        manager_power: str | None,
        agent_allowed: bool,
        local: bool,
        status: int = 403,
        **answer: Unpack[AnswerInfo],
    ) -> None:
        super().__init__(message, status=status, **answer)
        self.session_kind = session_kind
        self.roles = tuple(roles)
        self.manager_power = manager_power
        self.agent_allowed = agent_allowed
        self.local = local


class NotFoundError(APIError):
    """404: no such object."""


class ConflictError(APIError):
    """409: the object conflicts with an existing one (duplicate name or login id)."""


class RateLimitError(APIError):
    """LiveVox kept throttling (429, or a 503 judged a throttle) until retries ran out.

    `retry_after` is the wait LiveVox asked for last, in seconds, when it said one.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        retry_after: float | None = None,
        **answer: Unpack[AnswerInfo],
    ) -> None:
        super().__init__(message, status=status, **answer)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: LiveVox failed to handle the request."""
