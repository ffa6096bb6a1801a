"""What a `DecodeError` says when LiveVox's answer is not shaped as the schema says.

It names the operation and how sure the schema is of it (evidence per part), and says
how to get the same answer undecoded; the problems (JSON paths) follow it:

    >>> from livevox_async import OPERATIONS
    >>> for part in schema_mismatch(OPERATIONS["agents.read"]).split("; "):
    ...     print(part)
    the answer to agents.read does not match the schema (evidence: path code, response code)
    lv.raw.agents.read(...) returns it as LiveVox sent it
    >>> schema_mismatch(OPERATIONS["session.list_active"]).split("; ")[1]
    'lv.request("GET", "/session/sessions") returns it as LiveVox sent it'
"""

from __future__ import annotations

from ._generated.raw import RAW_FAMILIES
from ._operation import Operation


def raw_call(op: Operation) -> str:
    """The call that returns `op`'s answer as wire JSON."""
    if op.family in RAW_FAMILIES:
        return f"lv.raw.{op.family}.{op.name}(...)"
    return f'lv.request("{op.method}", "{op.path}")'


def schema_mismatch(op: Operation) -> str:
    return (
        f"the answer to {op.id} does not match the schema (evidence: {op.evidence_parts}); "
        f"{raw_call(op)} returns it as LiveVox sent it"
    )
