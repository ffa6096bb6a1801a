"""`Problem`: an error answer, raised anywhere while handling a request.

LiveVox answers errors with `{"code": <status>, "message": "..."}`; the dispatcher turns
a raised `Problem` into exactly that body.

    >>> Problem(404, "no agent with id 7").body()
    b'{"code":404,"message":"no agent with id 7"}'
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson


class Problem(Exception):
    """An HTTP error status plus LiveVox's `{code, message}` body."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers

    def body(self) -> bytes:
        return error_body(self.status, self.message)


def error_body(status: int, message: str) -> bytes:
    """LiveVox's error body; `code` is the HTTP status."""
    return orjson.dumps({"code": status, "message": message})
