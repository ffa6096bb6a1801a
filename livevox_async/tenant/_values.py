"""Field values compared and rewritten: references to keys and back, lists as sets, minimal updates.

Compared values are canonical: `null` and an absent key are the same (no value), and a
list is a set unless the schema marks it ordered (`x-livevox-ordered`).

`update_body` is public: the minimal body of an update from two reads of one tenant,
with an explicit JSON `null` for a field the desired state clears (absent is not null:
an absent key leaves a field alone, `null` clears it).

    >>> from livevox_async import OPERATIONS
    >>> current = {"name": "Denver", "managerName": "Ann", "open": True}
    >>> desired = {"name": "Denver", "open": False}
    >>> update_body(OPERATIONS["call_centers.update"], current, desired)
    {'managerName': None, 'open': False}
    >>> canonical([{"id": 2}, {"id": 1}], frozenset()) == canonical([{"id": 1}, {"id": 2}], frozenset())
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .._json import dumps_sorted
from .._operation import Operation
from .._relation import EACH, FieldPath, Reference
from ._relations import ordered, wire_fields

REF = "$ref"
"""Marker key of a reference rewritten as a key: `{"$ref": "services", "key": [...]}`."""
CREATED = "$created"
"""Marker key of an id known once a create of this plan has run: `{"$created": "<action id>"}`."""

Rewrite = Callable[[str, Any], Any]
"""(family referenced, value found) -> value to put there."""


def _walk(value: Any, path: FieldPath, family: str, rewrite: Rewrite) -> Any:
    if not path:
        return value if value is None else rewrite(family, value)
    head, rest = path[0], path[1:]
    if head == EACH:
        return [_walk(item, rest, family, rewrite) for item in value] if isinstance(value, list) else value
    if isinstance(value, dict) and value.get(head) is not None:
        return {**value, head: _walk(value[head], rest, family, rewrite)}
    return value


def map_references(record: Mapping[str, Any], refs: Iterable[Reference], rewrite: Rewrite) -> dict[str, Any]:
    """A copy of `record` with every value at a reference's path passed through `rewrite`."""
    out: Any = dict(record)
    for ref in refs:
        out = _walk(out, ref.path, ref.family, rewrite)
    result: dict[str, Any] = out
    return result


def canonical(value: Any, ordered_paths: frozenset[FieldPath], path: FieldPath = ()) -> Any:
    """`value` made comparable: `null`s dropped, unordered lists sorted."""
    if isinstance(value, dict):
        return {k: canonical(v, ordered_paths, (*path, k)) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        items = [canonical(v, ordered_paths, (*path, EACH)) for v in value]
        return items if path in ordered_paths else sorted(items, key=dumps_sorted)
    return value


def project(record: Mapping[str, Any] | None, fields: Iterable[str]) -> dict[str, Any]:
    """The `fields` of `record` that hold a value."""
    if record is None:
        return {}
    return {f: record[f] for f in sorted(fields) if record.get(f) is not None}


def changed_fields(
    fields: Iterable[str],
    current: Mapping[str, Any],
    desired: Mapping[str, Any],
    ordered_paths: frozenset[FieldPath],
) -> list[str]:
    """The `fields` whose canonical values differ, sorted."""
    return [
        f
        for f in sorted(fields)
        if canonical(current.get(f), ordered_paths, (f,)) != canonical(desired.get(f), ordered_paths, (f,))
    ]


def update_body(op: Operation, current: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
    """The minimal body of update `op` that turns `current` into `desired` (wire JSON of one tenant).

    Only the fields of `op`'s body model that differ are set; a field `current` holds
    and `desired` lacks is set to `None`, sent as JSON `null` (LiveVox clears it).
    Send it with `await lv.runtime.execute(op, path={"id": ...}, body=body)`.
    """
    order = ordered(op.body)
    return {f: desired.get(f) for f in changed_fields(wire_fields(op.body), current, desired, order)}
