"""References re-mapped: source id -> natural key -> target id (or the create that makes it).

A reference found in a record becomes a marker, `{"$ref": "services", "key": [...]}`
(or `{"$ref": ..., "id": n, "why": ...}` when the id names nothing known), so records
of two tenants compare by key. Writing a body turns each marker into a target id, into
`{"$created": "<action id>"}` for an object this plan creates, or refuses with `Blocked`
saying why — a read-only object missing in the target, an ambiguous key, a create that
is itself blocked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._generated.operations import OPERATIONS
from ._errors import Blocked
from ._keys import Key, KeyIndex, show, token
from ._plan import Action
from ._values import CREATED, REF


def _marker(index: KeyIndex, family: str, value: Any) -> dict[str, Any]:
    try:
        return {REF: family, "key": index.key(family, value)}
    except Blocked as exc:
        return {REF: family, "id": value, "why": exc.reason}


class Resolver:
    """Rewrites references between the two tenants; `creates` are the plan's creates so far."""

    def __init__(self, source: KeyIndex, target: KeyIndex, creates: Mapping[tuple[str, str], Action]) -> None:
        self.source = source
        self.target = target
        self.creates = creates

    def source_marker(self, family: str, value: Any) -> dict[str, Any]:
        """A reference of a source record as a key marker."""
        return _marker(self.source, family, value)

    def target_marker(self, family: str, value: Any) -> dict[str, Any]:
        """A reference of a target record as a key marker."""
        return _marker(self.target, family, value)

    def to_target(self, family: str, marker: Any) -> Any:
        """A key marker as the target's id (or a created-id placeholder); Blocked if there is none."""
        if not isinstance(marker, dict) or "key" not in marker:
            why = marker.get("why") if isinstance(marker, dict) else None
            raise Blocked(f"it refers to {why or f'{family} {marker!r}, which cannot be resolved'}")
        return self.target_id(family, marker["key"])

    def target_id(self, family: str, key: Key) -> Any:
        """The target's id of the `family` object with `key`, or the placeholder of its create."""
        shown = f"{family} {show(key)!r}"
        in_source = self.source.ids(family, key)
        if len(in_source) > 1:
            raise Blocked(f"{shown} is ambiguous: {len(in_source)} objects in the source have that key")
        found = self.target.ids(family, key)
        if len(found) > 1:
            raise Blocked(f"{shown} is ambiguous: {len(found)} objects in the target have that key")
        if found:
            return found[0]
        create = self.creates.get((family, token(key)))
        if create is not None:
            if create.blocked is not None:
                raise Blocked(f"it needs {shown}, whose create is blocked")
            return {CREATED: create.id}
        if f"{family}.create" in OPERATIONS:
            raise Blocked(f"{shown} is not in the target, and {family} is not planned")
        raise Blocked(f"{shown} does not exist in the target (LiveVox cannot create {family}: it must exist)")
