"""Reading answers: an error status becomes a typed `APIError`; a body becomes a model.

Bodies are decoded only after the whole answer arrived with a success status; a body
that is not JSON (an HTML error page with 200, a truncated document) or not shaped as
the schema says raises `DecodeError` with the status, length and request id, never
the body itself.
"""

from __future__ import annotations

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
    DecodeError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from ._json import JSONDecodeError, loads
from ._mismatch import schema_mismatch
from ._operation import Operation
from ._pagination import Page
from ._permissions import permission_error
from ._transport import HttpResponse, RequestContext

T = TypeVar("T")

ERROR_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}
MAX_MESSAGE = 300


def error_body(response: HttpResponse) -> tuple[int | None, str | None]:
    """LiveVox's `{code, message}`, when the answer carries one."""
    try:
        data = orjson.loads(response.body) if response.body else None
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    code = data.get("code")
    message = data.get("message")
    return (
        code if type(code) is int else None,
        message[:MAX_MESSAGE] if isinstance(message, str) else None,
    )


def api_error(
    op: Operation,
    response: HttpResponse,
    context: RequestContext,
    *,
    credentials: Credentials | None,
) -> APIError:
    """The typed error for an error status."""
    code, message = error_body(response)
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


def throttle_error(
    op: Operation,
    response: HttpResponse,
    context: RequestContext,
    *,
    credentials: Credentials | None,
    retry_after: float | None,
) -> RateLimitError:
    """The error for a throttling answer once its retries ran out."""
    code, message = error_body(response)
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


def decode_json(op: Operation, response: HttpResponse, context: RequestContext) -> Any:
    """The body as parsed JSON, unchecked against the schema (exports keep the wire form)."""
    content_type = response.content_type
    if content_type and not content_type.endswith("json"):
        raise _decode_error(op, response, context, f"expected a JSON answer, got {content_type}")
    try:
        return loads(response.body)  # exact integers, however large
    except JSONDecodeError as exc:
        message = f"answer is not valid JSON ({exc.msg} at byte {exc.pos} of {len(response.body)})"
        raise _decode_error(op, response, context, message) from None


def _with_context(
    error: DecodeError, op: Operation, response: HttpResponse, context: RequestContext
) -> DecodeError:
    return _decode_error(op, response, context, schema_mismatch(op), error.problems)


def decode_model(op: Operation, response: HttpResponse, context: RequestContext, model: type[T]) -> T:
    """The 200 body of `op` as `model`."""
    data = decode_json(op, response, context)
    try:
        result: T = structure(data, model)
    except DecodeError as exc:
        raise _with_context(exc, op, response, context) from None
    return result


def decode_page(
    op: Operation, response: HttpResponse, context: RequestContext, model: type[T], offset: int
) -> Page[T]:
    """One page of a list answer: `{<list key>: [...], "next": ...}`."""
    assert op.list_key is not None
    data = decode_json(op, response, context)
    if not isinstance(data, dict):
        raise _decode_error(op, response, context, schema_mismatch(op), ["$: expected a JSON object"])
    raw = data.get(op.list_key)
    if raw is None:
        raw = []  # LiveVox may leave the key out of an empty page; a wrong type is decoded (and refused)
    next_uri = data.get("next")
    if not isinstance(next_uri, str | None):
        raise _decode_error(op, response, context, schema_mismatch(op), ["$.next: expected a string"])
    try:
        items = structure(raw, list[model], path=f"$.{op.list_key}")  # type: ignore[valid-type]
    except DecodeError as exc:
        raise _with_context(exc, op, response, context) from None
    return Page(offset=offset, items=items, raw=raw, next=next_uri or None)
