"""Two exported records compared field by field; lists as sets of members unless ordered.

The schema says which lists keep their order (`x-livevox-ordered`, the marking plan and
apply use) and which hold ids of another family (`x-livevox-ref`). An ordered list is
compared position by position; every other list is a set: its members added and
removed, objects by their id (with the natural key `names` finds for a referenced
family), plain values by value. An object member present on both sides is compared
field by field under `path[id=N]`.

    >>> old = {"agents.related": {"service": [{"id": 40001}, {"id": 40002}]}}
    >>> new = {"agents.related": {"service": [{"id": 40002}, {"id": 40003}]}}
    >>> names = lambda family, object_id, side: f"S{object_id}" if family == "services" else None
    >>> for change in record_changes(old, new, names):
    ...     print(change)
    agents.related.service: + 40003 S40003, - 40001 S40001
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, TypeAlias

import attrs

from .._generated.operations import OPERATIONS
from .._json import dumps_sorted
from .._relation import EACH, FieldPath
from ._relations import ordered, references

MISSING = "<absent>"
"""What a `FieldChange` holds for a key one side does not have."""

Side: TypeAlias = Literal["old", "new"]
Names: TypeAlias = Callable[[str, Any, Side], "str | None"]
"""(family, id, side to look in first) -> the object's natural key as shown, None when unknown."""


@attrs.frozen
class FieldChange:
    """One value that differs: its dotted path within the record (`agents.read.phone`).

    A field holding the id of another object (`x-livevox-ref`) carries that object's natural
    key on each side, None when unknown (its family not exported, or no id):

    >>> print(FieldChange("services.read.callCenterId", 101, 102, "East", "West"))
    services.read.callCenterId: 101 East → 102 West
    """

    path: str
    old: Any
    new: Any
    old_key: str | None = None
    new_key: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {Member(self.old, self.old_key)} → {Member(self.new, self.new_key)}"


@attrs.frozen
class Member:
    """An object by its id and natural key (`100031`, `"JSMITH00031"`) — or, in a list of
    plain values, the value itself. `key` is None when unknown (its family not exported).

    >>> str(Member(100031, "JSMITH00031")), str(Member("5551234567"))
    ('100031 JSMITH00031', "'5551234567'")
    """

    id: Any
    key: str | None = None

    def __str__(self) -> str:
        return repr(self.id) if self.key is None else f"{self.id!r} {self.key}"


@attrs.frozen
class MemberChange:
    """A list compared as a set: the members only in the new export, and only in the old one."""

    path: str
    added: tuple[Member, ...] = ()
    removed: tuple[Member, ...] = ()

    def __str__(self) -> str:
        signed = [f"+ {m}" for m in self.added] + [f"- {m}" for m in self.removed]
        return f"{self.path}: {', '.join(signed)}"


Change: TypeAlias = FieldChange | MemberChange


@attrs.frozen
class _MemberRule:
    """How a list's members are told apart: the key of their id (None: the items are ids),
    and the family the ids belong to (None: not declared)."""

    id_field: str | None
    family: str | None


@attrs.frozen
class _Shape:
    """What the schema says of one read's answer: its ordered lists, and its lists of references."""

    ordered: frozenset[FieldPath]
    members: Mapping[FieldPath, _MemberRule]
    scalars: Mapping[FieldPath, str]
    """Fields holding one id of another object: their family."""

    @classmethod
    def of(cls, operation_id: str) -> _Shape:
        op = OPERATIONS.get(operation_id)
        model = op.result if op is not None else None
        members: dict[FieldPath, _MemberRule] = {}
        scalars: dict[FieldPath, str] = {}
        for ref in references(model):
            if ref.path[-1] == EACH:
                members[ref.path[:-1]] = _MemberRule(None, ref.family)
            elif len(ref.path) > 1 and ref.path[-2] == EACH:
                members[ref.path[:-2]] = _MemberRule(ref.path[-1], ref.family)
            else:
                scalars[ref.path] = ref.family
        return cls(ordered(model), members, scalars)


@attrs.frozen
class _Where:
    """A place in a record: the path shown (`agents.related.service`), the schema's path
    within the read's answer (`("service",)`), and the read's shape."""

    path: str
    schema: FieldPath
    shape: _Shape
    names: Names

    def key(self, key: str) -> _Where:
        return attrs.evolve(self, path=f"{self.path}.{key}", schema=(*self.schema, key))

    def item(self, label: str) -> _Where:
        return attrs.evolve(self, path=f"{self.path}[{label}]", schema=(*self.schema, EACH))


def record_changes(old: Mapping[str, Any], new: Mapping[str, Any], names: Names) -> Iterator[Change]:
    """Every difference between two exported records of one object (keys: the reads)."""
    for read in sorted(old.keys() | new.keys()):
        where = _Where(read, (), _Shape.of(read), names)
        yield from _changes(old.get(read, MISSING), new.get(read, MISSING), where)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _changes(old: Any, new: Any, where: _Where) -> Iterator[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            yield from _changes(old.get(key, MISSING), new.get(key, MISSING), where.key(key))
    elif (_is_list(old) or _is_list(new)) and all(_is_list(v) or v in (None, MISSING) for v in (old, new)):
        lists = (old if _is_list(old) else [], new if _is_list(new) else [])
        if where.schema in where.shape.ordered:
            yield from _positional(*lists, where)
        else:
            yield from _as_set(*lists, where)
    elif old != new:
        yield _field_change(old, new, where)


def _field_change(old: Any, new: Any, where: _Where) -> FieldChange:
    """A changed value; a reference named on each side by its object's natural key."""
    family = where.shape.scalars.get(where.schema)
    if family is None:
        return FieldChange(where.path, old, new)
    return FieldChange(where.path, old, new, _key(family, old, where, "old"), _key(family, new, where, "new"))


def _key(family: str, value: Any, where: _Where, side: Side) -> str | None:
    is_id = type(value) in (int, str) and value != MISSING
    return where.names(family, value, side) if is_id else None


def _positional(old: list[Any], new: list[Any], where: _Where) -> Iterator[Change]:
    """An ordered list: item by item (an item one side lacks is `MISSING`)."""
    for index in range(max(len(old), len(new))):
        yield from _changes(
            old[index] if index < len(old) else MISSING,
            new[index] if index < len(new) else MISSING,
            where.item(str(index)),
        )


def _rule(old: list[Any], new: list[Any], where: _Where) -> _MemberRule | None:
    """How the members of this list are identified; None to compare them as whole values
    (no id declared or found, or an id missing, not a plain value, or not unique)."""
    rule = where.shape.members.get(where.schema)
    if rule is None and all(isinstance(i, dict) and "id" in i for i in (*old, *new)):
        rule = _MemberRule("id", None)
    if rule is None:
        return None
    for items in (old, new):
        ids = [_member_id(item, rule) for item in items]
        if any(i is None or isinstance(i, dict | list) for i in ids) or len(set(ids)) != len(ids):
            return None
    return rule


def _member_id(item: Any, rule: _MemberRule) -> Any:
    if rule.id_field is None:
        return item
    return item.get(rule.id_field) if isinstance(item, dict) else None


def _as_set(old: list[Any], new: list[Any], where: _Where) -> Iterator[Change]:
    rule = _rule(old, new, where)
    if rule is None:
        yield from _as_values(old, new, where)
        return
    old_by = {_member_id(i, rule): i for i in old}
    new_by = {_member_id(i, rule): i for i in new}
    added = tuple(_named(i, rule, where, "new") for i in new_by if i not in old_by)
    removed = tuple(_named(i, rule, where, "old") for i in old_by if i not in new_by)
    if added or removed:
        yield MemberChange(where.path, added, removed)
    if rule.id_field is not None:  # objects: compare the attributes of those on both sides
        for member_id in (i for i in old_by if i in new_by):
            label = f"{rule.id_field}={member_id!r}"
            yield from _changes(old_by[member_id], new_by[member_id], where.item(label))


def _named(member_id: Any, rule: _MemberRule, where: _Where, side: Side) -> Member:
    key = where.names(rule.family, member_id, side) if rule.family is not None else None
    return Member(member_id, key)


def _as_values(old: list[Any], new: list[Any], where: _Where) -> Iterator[Change]:
    """Members compared as whole values (a value twice is two members)."""
    old_count = Counter(dumps_sorted(i) for i in old)
    new_count = Counter(dumps_sorted(i) for i in new)
    added = tuple(Member(item) for item in _surplus(new, old_count))
    removed = tuple(Member(item) for item in _surplus(old, new_count))
    if added or removed:
        yield MemberChange(where.path, added, removed)


def _surplus(items: list[Any], other: Counter[bytes]) -> Iterator[Any]:
    """The items beyond as many of each value as `other` counts, in their order."""
    seen: Counter[bytes] = Counter()
    for item in items:
        token = dumps_sorted(item)
        seen[token] += 1
        if seen[token] > other[token]:
            yield item
