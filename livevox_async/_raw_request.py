"""`lv.request(method, path, ...)`: any LiveVox call, by verb and path, answering wire JSON.

The way around an operation the schema lacks or gets wrong. A path the table knows
(`/configuration/agents/17`) is sent as that operation, so the SDK's role check still
applies; any other path is sent as it is. Either way the call goes through the client's
sessions (re-login on 401), limiter, retries and typed errors; it is retried only when
its verb is idempotent (GET, PUT, DELETE: never a POST).

    >>> op, values = request_operation("GET", "/configuration/agents/17")
    >>> op.id, values, op.idempotent
    ('agents.read', {'id': '17'}, True)
    >>> op, values = request_operation("post", "/configuration/agents/17/notes")
    >>> op.id, op.path, values["p3"], op.idempotent
    ('request', '/{p0}/{p1}/{p2}/{p3}', 'notes', False)
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import attrs

from ._exceptions import ConfigurationError
from ._generated.operations import OPERATIONS
from ._operation import EvidenceParts, Operation, Param

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
SESSION_ID_LIKE = re.compile(r"[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}")
"""A path segment shaped like a session id (a UUID): redacted in logs and errors."""


def _segments(path: str) -> list[str]:
    if not path.startswith("/") or "?" in path or "#" in path:
        raise ConfigurationError(
            f"path must be an absolute path without a query, e.g. /configuration/agents (got {path!r}); "
            "give query parameters as query={...}"
        )
    return [unquote(s) for s in path.strip("/").split("/")]


def _known(method: str, segments: list[str]) -> tuple[Operation, dict[str, str]] | None:
    """The table's operation for this verb and path, literal segments preferred over `{id}`."""
    found = []
    for op in OPERATIONS.values():
        pattern = op.path.strip("/").split("/")
        if op.method != method or len(pattern) != len(segments):
            continue
        if all(p.startswith("{") or p == s for p, s in zip(pattern, segments, strict=True)):
            values = {p[1:-1]: s for p, s in zip(pattern, segments, strict=True) if p.startswith("{")}
            found.append((len(values), op, values))
    if not found:
        return None
    _, op, values = min(found, key=lambda f: f[0])
    return op, values


def _unknown(method: str, segments: list[str]) -> tuple[Operation, dict[str, str]]:
    """A path the table does not know: every segment a parameter, no role check (LiveVox decides).

    A segment shaped like a session id is kept out of logs and errors, as the table's are.
    """
    names = [f"p{i}" for i in range(len(segments))]
    op = Operation(
        id="request",
        summary=f"{method} request",
        method=method,
        path="".join(f"/{{{n}}}" for n in names),
        params=tuple(
            Param(n, n, "path", True, str, secret=bool(SESSION_ID_LIKE.fullmatch(s)))
            for n, s in zip(names, segments, strict=True)
        ),
        body=None,
        result=None,
        status=200,
        list_key=None,
        id_key="id",
        agent_allowed=True,
        roles=frozenset(),
        manager_power=None,
        idempotent=method in IDEMPOTENT_METHODS,
        session_required=True,
        sends_access_token=False,
        evidence="inferred",
        evidence_parts=EvidenceParts("inferred", None, "inferred"),
        source="a raw request: not in the schema",
        source_keys=(),
    )
    return op, dict(zip(names, segments, strict=True))


def request_operation(method: str, path: str) -> tuple[Operation, dict[str, str]]:
    """The operation a raw request is sent as, and its path parameter values."""
    verb = method.upper()
    segments = _segments(path)
    known = _known(verb, segments)
    if known is None:
        return _unknown(verb, segments)
    op, values = known
    return attrs.evolve(op, idempotent=verb in IDEMPOTENT_METHODS), values
