"""`WireAnswer`: an answer as LiveVox sent it, for `lv.raw`, `lv.request` and the probe.

The status and the parsed JSON body (None when the answer has none, e.g. a 204), with no
model in between: a field LiveVox names differently from the schema is still there.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._operation import Operation
from ._response import decode_json
from ._transport import HttpResponse, RequestContext


@attrs.frozen
class WireAnswer:
    """A success answer, undecoded."""

    status: int
    data: Any = attrs.field(repr=False)
    """The parsed JSON body (None when empty); never shown by `repr` (it is tenant data)."""


def decode_wire(op: Operation, response: HttpResponse, context: RequestContext) -> WireAnswer:
    """The answer as parsed JSON, or None for an empty body; still a `DecodeError` if not JSON."""
    data = decode_json(op, response, context) if response.body else None
    return WireAnswer(response.status, data)
