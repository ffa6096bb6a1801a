"""Reading answers: an error status becomes a typed `APIError`; a body becomes a model.

Bodies are decoded only after the whole answer arrived with a success status; a body
that is not JSON (an HTML error page with 200, a truncated document) or not shaped as
the schema says raises `DecodeError` with the status, length and request id, never
the body itself (nor, as its `__context__`, the parser's error, which holds the body).
LiveVox's error message is kept in the typed error with every secret of the session
used cut out (`redact`): a server may echo the password, the access token or a session id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

import orjson

from ._converter import structure
from ._credentials import Credentials
from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectError,
    DecodeError,
    LiveVoxError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TransportError,
    amended,
    redact,
)
from ._generated.operations import OPERATIONS
from ._generated.relations import NATURAL_KEYS
from ._json import JSONDecodeError, loads
from ._mismatch import schema_mismatch
from ._operation import Operation
from ._pagination import Page
from ._permissions import permission_error
from ._transport import HttpResponse, RequestContext

T = TypeVar("T")
E = TypeVar("E", bound=LiveVoxError)

ERROR_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}
MAX_MESSAGE = 300


def error_body(response: HttpResponse, secrets: Sequence[str]) -> tuple[int | None, str | None]:
    """LiveVox's `{code, message}`, when the answer carries one; the message redacted, then cut."""
    try:
        data = orjson.loads(response.body) if response.body else None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        return None, None
    code = data.get("code")
    message = data.get("message")
    return (
        code if type(code) is int else None,
        redact(message, secrets)[:MAX_MESSAGE] if isinstance(message, str) else None,
    )


def api_error(
    op: Operation,
    response: HttpResponse,
    context: RequestContext,
    *,
    credentials: Credentials | None,
    secrets: Sequence[str],
) -> APIError:
    """The typed error for an error status; `secrets` are cut out of LiveVox's message."""
    code, message = error_body(response, secrets)
    status = response.status
    where = {
        "operation": op.id,
        "method": context.method,
        "path": context.path,
        "request_id": context.request_id,
    }
    if status == 403:
        return permission_error(
            op,
            credentials=credentials,
            reason=message or "forbidden",
            local=False,
            code=code,
            lv_message=message,
            method=context.method,
            path=context.path,
            request_id=context.request_id,
        )
    text = f"LiveVox answered {status}" + (f": {message}" if message else "")
    cls = ERROR_CLASSES.get(status, ServerError if status >= 500 else APIError)
    return cls(text, status=status, code=code, lv_message=message, **where)


def lost_answer(op: Operation, error: E) -> E:
    """`error` of a call that is not idempotent, if its answer was lost: marked `outcome_unknown`.

    The request went out (not a `ConnectError`) but no answer says what happened: LiveVox may
    have done it. A create's message says how to look for it: its natural key and the list.

    >>> from livevox_async import OPERATIONS, ConnectionLost
    >>> lost = lost_answer(OPERATIONS["agents.create"], ConnectionLost("the connection broke"))
    >>> lost.outcome_unknown, str(lost)  # doctest: +NORMALIZE_WHITESPACE
    (True, 'the connection broke; the create may have happened (outcome unknown) and was not
    sent again: look for it by its login_id with lv.agents.list() or lv.agents.search(...)
    before creating it again')
    """
    if not isinstance(error, DecodeError | TransportError) or isinstance(error, ConnectError):
        return error
    key = NATURAL_KEYS.get(op.family)
    if op.status == 201 and key:
        search = f" or lv.{op.family}.search(...)" if f"{op.family}.search" in OPERATIONS else ""
        note = (
            "the create may have happened (outcome unknown) and was not sent again: look for it "
            f"by its {' and '.join(map(_snake, key))} with lv.{op.family}.list(){search} "
            "before creating it again"
        )
    else:
        note = f"{op.id} may have taken effect (outcome unknown) and was not sent again: check first"
    lost = amended(error, note)
    lost.outcome_unknown = True
    return lost


def _snake(wire: str) -> str:
    """A wire field's Python name: `loginId` -> `login_id`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", wire).lower()


def throttle_error(
    op: Operation,
    response: HttpResponse,
    context: RequestContext,
    *,
    secrets: Sequence[str],
    retry_after: float | None,
) -> RateLimitError:
    """The error for a throttling answer once its retries ran out; `secrets` cut out as above."""
    code, message = error_body(response, secrets)
    asked = f", asked to wait {retry_after:g}s" if retry_after is not None else ""
    return RateLimitError(
        f"LiveVox kept throttling (last answer {response.status}{asked})"
        + (f": {message}" if message else ""),
        retry_after=retry_after,
        status=response.status,
        code=code,
        lv_message=message,
        operation=op.id,
        method=context.method,
        path=context.path,
        request_id=context.request_id,
    )


def _decode_error(
    op: Operation, response: HttpResponse, context: RequestContext, message: str, problems: Sequence[str] = ()
) -> DecodeError:
    return DecodeError(
        message,
        problems=problems,
        status=response.status,
        content_type=response.content_type or None,
        length=len(response.body),
        operation=op.id,
        method=context.method,
        path=context.path,
        request_id=context.request_id,
    )


# Each DecodeError below is raised outside the `except` that saw the failure, so that it has
# no `__context__`: orjson's JSONDecodeError keeps the whole document (`.doc`), and a login
# answer cut in half still holds the session id.


def decode_json(op: Operation, response: HttpResponse, context: RequestContext) -> Any:
    """The body as parsed JSON, unchecked against the schema (exports keep the wire form)."""
    content_type = response.content_type
    if content_type and not content_type.endswith("json"):
        raise _decode_error(op, response, context, f"expected a JSON answer, got {content_type}")
    try:
        return loads(response.body)  # exact integers, however large
    except JSONDecodeError as exc:
        message = f"answer is not valid JSON ({exc.msg} at byte {exc.pos} of {len(response.body)})"
    raise _decode_error(op, response, context, message)


def _structured(
    op: Operation, response: HttpResponse, context: RequestContext, data: Any, cls: Any, path: str = "$"
) -> Any:
    """`data` decoded into `cls`, or a DecodeError with the answer's context."""
    try:
        return structure(data, cls, path=path)
    except DecodeError as exc:
        problems = exc.problems
    raise _decode_error(op, response, context, schema_mismatch(op), problems)


def decode_model(op: Operation, response: HttpResponse, context: RequestContext, model: type[T]) -> T:
    """The 200 body of `op` as `model`."""
    result: T = _structured(op, response, context, decode_json(op, response, context), model)
    return result


def decode_page(
    op: Operation,
    response: HttpResponse,
    context: RequestContext,
    model: type[T],
    offset: int,
    count: int,
) -> Page[T]:
    """One page of a list answer, `{<list key>: [...], "next": ...}`, asked for `count` items.

    A page holding more items than were asked is refused before any item is decoded.
    """
    assert op.list_key is not None
    data = decode_json(op, response, context)
    if not isinstance(data, dict):
        raise _decode_error(op, response, context, schema_mismatch(op), ["$: expected a JSON object"])
    raw = data.get(op.list_key)
    if raw is None:
        raw = []  # LiveVox may leave the key out of an empty page; a wrong type is decoded (and refused)
    if isinstance(raw, list) and len(raw) > count:
        problem = f"$.{op.list_key}: {len(raw)} items for count={count}"
        raise _decode_error(op, response, context, schema_mismatch(op), [problem])
    next_uri = data.get("next")
    if not isinstance(next_uri, str | None):
        raise _decode_error(op, response, context, schema_mismatch(op), ["$.next: expected a string"])
    items = _structured(op, response, context, raw, list[model], f"$.{op.list_key}")  # type: ignore[valid-type]
    return Page(offset=offset, items=items, raw=raw, next=next_uri or None)
