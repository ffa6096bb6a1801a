"""Natural keys: how an object is recognised in another tenant, where its id means nothing.

A key is a JSON list of the natural-key fields' values; a field that references another
object contributes that object's key. A term code is `[["Collections 0001"], "Sale"]`:
its service's key and its own name.

    >>> index = KeyIndex(snapshot, "source")                  # doctest: +SKIP
    >>> index.key("term_codes", 1200001)                      # doctest: +SKIP
    [['Collections 0001'], 'Sale']
    >>> show([["Collections 0001"], "Sale"])
    'Collections 0001 / Sale'
"""

from __future__ import annotations

from typing import Any, TypeAlias

from .._json import dumps_sorted
from ._errors import Blocked
from ._relations import rules
from ._snapshot import Snapshot

Key: TypeAlias = list[Any]
"""A natural key as JSON: field values, a referenced object's key for a reference."""


def token(key: Key) -> str:
    """A key as one string (dictionary key, part of an action id)."""
    return dumps_sorted(key).decode()


def _flat(value: Any) -> list[str]:
    if isinstance(value, list):
        return [part for item in value for part in _flat(item)]
    return [value if isinstance(value, str) else dumps_sorted(value).decode()]


def show(key: Key | None) -> str:
    """A key for people: its parts joined by ` / `."""
    return " / ".join(_flat(key)) if key is not None else "(no key)"


class KeyIndex:
    """The natural key of every object of one export, and the objects of every key."""

    def __init__(self, snapshot: Snapshot, side: str) -> None:
        self.snapshot = snapshot
        self.side = side
        self._keys: dict[tuple[str, Any], Key | Blocked] = {}
        self._by_key: dict[str, dict[str, tuple[Key, list[Any]]]] = {}

    def key(self, family: str, object_id: Any) -> Key:
        """The object's key; Blocked saying why it has none."""
        found = self._keys.get((family, object_id))
        if found is None:
            try:
                found = self._compute(family, object_id)
            except Blocked as exc:
                found = exc
            self._keys[family, object_id] = found
        if isinstance(found, Blocked):
            raise found
        return found

    def _compute(self, family: str, object_id: Any) -> Key:
        if self.snapshot.problem(family) == "not read":
            raise Blocked(f"{family} was not read from the {self.side}")
        record = self.snapshot.main(family, object_id)
        if record is None:
            raise Blocked(f"{family} {object_id} is not in the {self.side}")
        r = rules(family)
        refs = r.key_references()
        key: Key = []
        for field in r.key:
            value = record.get(field)
            if value is None:
                raise Blocked(f"{family} {object_id} in the {self.side} has no {field} (its natural key)")
            key.append(self.key(refs[field], value) if field in refs else value)
        return key

    def by_key(self, family: str) -> dict[str, tuple[Key, list[Any]]]:
        """token -> (key, ids holding it), for every keyed object of `family`."""
        if family not in self._by_key:
            found: dict[str, tuple[Key, list[Any]]] = {}
            for object_id in self.snapshot.records(family):
                try:
                    key = self.key(family, object_id)
                except Blocked:
                    continue
                found.setdefault(token(key), (key, []))[1].append(object_id)
            self._by_key[family] = found
        return self._by_key[family]

    def unkeyed(self, family: str) -> list[tuple[Any, str]]:
        """(id, why) of the objects of `family` that have no natural key."""
        missing = []
        for object_id in self.snapshot.records(family):
            try:
                self.key(family, object_id)
            except Blocked as exc:
                missing.append((object_id, exc.reason))
        return missing

    def ids(self, family: str, key: Key) -> list[Any]:
        """The objects of `family` holding `key` (more than one: the key is ambiguous)."""
        entry = self.by_key(family).get(token(key))
        return entry[1] if entry is not None else []
