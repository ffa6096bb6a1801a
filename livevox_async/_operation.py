"""`Operation`: one LiveVox API method described as data.

The generated table (`_generated/operations.py`) holds one `Operation` per method of
the schema; generated resource methods hand theirs to the runtime, and the simulator
(`livevox_async.testing`) serves the same table. Nothing here does I/O.

    >>> from livevox_async import OPERATIONS
    >>> op = OPERATIONS["agents.read"]
    >>> op.method, op.path, op.agent_allowed
    ('GET', '/configuration/agents/{id}', True)
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

Evidence = Literal["doc", "code", "inferred"]
"""How a fact is known: LiveVox's docs, public client code, or an inference from a pattern."""


@attrs.frozen(slots=True)
class EvidenceParts:
    """How each part of an operation is known; the operation's `evidence` is the weakest.

    >>> from livevox_async import OPERATIONS
    >>> str(OPERATIONS["agents.create"].evidence_parts)
    'path doc, body doc, response inferred'
    """

    path: Evidence
    """The verb and path."""
    body: Evidence | None
    """The request body; None when the method takes none."""
    response: Evidence
    """The success status and the shape of the answer."""

    def __str__(self) -> str:
        body = f", body {self.body}" if self.body else ""
        return f"path {self.path}{body}, response {self.response}"


@attrs.frozen(slots=True)
class Param:
    """A path or query parameter: its Python name, wire name and type."""

    name: str
    wire: str
    location: Literal["path", "query"]
    required: bool
    type: type[Any]
    secret: bool = False
    """Never shown in logs or errors (the session id in Session API paths)."""


@attrs.frozen(slots=True)
class Operation:
    """Everything the runtime and the simulator need to know about one method."""

    id: str
    """Dotted id, `family.method` (`agents.read`)."""
    summary: str
    """LiveVox's own name for the method (`Read Agent`)."""
    method: str
    """HTTP verb."""
    path: str
    """Unversioned path template (`/configuration/agents/{id}`)."""
    params: tuple[Param, ...]
    body: type[Any] | None
    """Request model, when the method takes a JSON body."""
    result: type[Any] | None
    """Response model of a 200 answer (the item model for lists)."""
    status: int
    """The success status: 200, 201 (create, `{"id": n}`) or 204 (no body)."""
    list_key: str | None
    """Key of the array in a list answer (`{"agent": [...], "next": ...}`)."""
    id_key: str
    """Key holding an item's id (`id`; `serviceId`, `callCenterId` for some families)."""
    agent_allowed: bool
    """One of the 20 Configuration methods an agent session may call."""
    roles: frozenset[str]
    """User roles that may call it; empty for Session methods (anyone)."""
    manager_power: str | None
    """Optional power a Manager needs, where LiveVox documents one."""
    idempotent: bool
    """Safe to send again after a failure whose outcome is unknown."""
    session_required: bool
    """Needs an `LV-Session` header (every method but four Session ones)."""
    sends_access_token: bool
    """Sends the `LV-Access` token (login, and change password as LiveVox's own client does)."""
    evidence: Evidence
    """The weakest of `evidence_parts`."""
    evidence_parts: EvidenceParts
    source: str
    """Where the facts come from, in words (`G-CM readAgent; G-JD-DIALER`)."""
    source_keys: tuple[str, ...]
    """The source keys `source` cites, each resolved in `livevox_async.SOURCES`."""
    _path_params: tuple[Param, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Read on every call's path building: worked out once per operation.
        object.__setattr__(self, "_path_params", tuple(p for p in self.params if p.location == "path"))

    @property
    def family(self) -> str:
        """The resource family (`agents`), i.e. the attribute on the client."""
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The method name within its family (`read`)."""
        return self.id.split(".", 1)[1]

    @property
    def category(self) -> str:
        """The API category, the first path segment (`configuration`, `session`)."""
        return self.path.split("/", 2)[1]

    @property
    def is_list(self) -> bool:
        """Answers a page of items (`count`/`offset`, wrapper with `next`)."""
        return self.list_key is not None

    def path_params(self) -> tuple[Param, ...]:
        """The parameters that go into the path, in order.

        >>> from livevox_async import OPERATIONS
        >>> " then ".join(p.name for p in OPERATIONS["agents.add_service"].path_params())
        'id then service_id'
        """
        return self._path_params

    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")
