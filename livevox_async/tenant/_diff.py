"""`diff_exports`: configuration drift between two exports, object by object, field by field.

    >>> drift = diff_exports("export-monday/", "export-tuesday/")   # doctest: +SKIP
    >>> for family, changes in drift.families.items():               # doctest: +SKIP
    ...     print(family, len(changes.added), len(changes.removed), len(changes.changed))

Both directories must be complete exports (with `manifest.json`). Files are read as
streams, merged by id, so memory stays flat however large the tenant: what is kept is
the natural key of each object of the families whose names are shown (those with
differences and those their lists refer to), read from the export being diffed.

Objects added, removed and changed are shown by id with their natural key (the
schema's `x-livevox-natural-key`, the one plan and apply match by). Lists are sets of
members unless the schema marks them ordered (see `_diff_values`): one agent added to a
service is `MemberChange("services.related.agent", added=(Member(100031, "JSMITH00031"),))`,
not the list twice. A member whose family was not exported is shown by id alone.

Nothing on disk is trusted: the manifest must have the known format, known family
names, each family's file `<family>.jsonl` in the directory (never a symlink) and
integer counts; each file must hold that many records with integer ids in ascending
order. Anything else is an `ExportError` naming the entry, or the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeAlias

import attrs
import orjson

from .._exceptions import ExportError
from .._generated.relations import NATURAL_KEYS
from ._diff_values import MISSING, Change, FieldChange, Member, MemberChange, Side, record_changes
from ._errors import Blocked
from ._export_dir import read_lines
from ._keys import KeyIndex, show
from ._manifest import Manifest, read_manifest
from ._relations import rules
from ._snapshot import FamilyRecords, Snapshot

__all__ = ["MISSING", "ExportDiff", "FamilyDiff", "FieldChange", "Member", "MemberChange", "ObjectChange"]


@attrs.frozen
class ObjectChange:
    """An object in both exports that differs: scalar fields (`fields`, ordered lists item by
    item) and lists compared as sets (`members`)."""

    id: Any
    fields: tuple[FieldChange, ...]
    members: tuple[MemberChange, ...] = ()
    key: str | None = None
    """The object's natural key as shown (from the new export), None when it has none."""


@attrs.frozen
class FamilyDiff:
    added: tuple[Member, ...] = ()
    """Objects present only in the new export (id and natural key)."""
    removed: tuple[Member, ...] = ()
    """Objects present only in the old export."""
    changed: tuple[ObjectChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@attrs.frozen
class ExportDiff:
    families: dict[str, FamilyDiff]
    """Families with at least one difference."""
    only_old: tuple[str, ...] = ()
    """Families exported only in the old export (e.g. skipped in the new one)."""
    only_new: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.families or self.only_old or self.only_new)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values (tuples as lists), for `livevox diff --json`."""
        data: dict[str, Any] = orjson.loads(orjson.dumps(attrs.asdict(self, recurse=True)))
        return data


_Source: TypeAlias = tuple[Path, int]
"""A family file and the count its manifest gives."""


def _records(path: Path, expected: int) -> Iterator[dict[str, Any]]:
    """The records of a family file, checked: integer ids, ascending, as many as the manifest says."""
    last: int | None = None
    line = 0
    for line, record in read_lines(path):
        record_id = record.get("id")
        if type(record_id) is not int:
            raise ExportError(f"{path}, line {line}: the record's id is not an integer")
        if last is not None and record_id <= last:
            raise ExportError(f"{path}, line {line}: id {record_id} after {last} (each id once, ascending)")
        last = record_id
        yield record
    if line != expected:
        raise ExportError(f"{path} holds {line} records; its manifest says {expected}")


class _KeyRecords(Mapping[str, FamilyRecords]):
    """The natural-key fields of one export's keyed families, each read when first asked for
    (a family the export did not write is absent: its objects are shown by id alone)."""

    def __init__(self, directory: Path, manifest: Manifest) -> None:
        self._directory = directory
        self._entries = {n: e for n, e in manifest.families.items() if n in NATURAL_KEYS}
        self._read: dict[str, FamilyRecords] = {}

    def __getitem__(self, family: str) -> FamilyRecords:
        if family not in self._read:
            entry = self._entries[family]
            r = rules(family)
            records = {}
            for record in _records(self._directory / entry.file, entry.count):
                main = record.get(r.main.id)
                fields = {f: main.get(f) for f in r.key} if isinstance(main, dict) else {}
                records[record["id"]] = {r.main.id: fields}
            self._read[family] = FamilyRecords(records, None)
        return self._read[family]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class _Names:
    """Natural keys as shown, looked up in the old or the new export (the other one if absent)."""

    def __init__(self, old: tuple[Path, Manifest], new: tuple[Path, Manifest]) -> None:
        self._index = {
            side: KeyIndex(Snapshot(path, 0, _KeyRecords(path, manifest)), f"{side} export")
            for side, (path, manifest) in (("old", old), ("new", new))
        }

    def __call__(self, family: str, object_id: Any, side: Side) -> str | None:
        other: Side = "old" if side == "new" else "new"
        for index in (self._index[side], self._index[other]):
            try:
                return show(index.key(family, object_id))
            except Blocked:
                continue
        return None

    def member(self, family: str, object_id: Any, side: Side) -> Member:
        return Member(object_id, self(family, object_id, side))


def _object_change(old: dict[str, Any], new: dict[str, Any], family: str, names: _Names) -> ObjectChange:
    changes: list[Change] = list(record_changes(old, new, names))
    return ObjectChange(
        old["id"],
        tuple(c for c in changes if isinstance(c, FieldChange)),
        tuple(c for c in changes if isinstance(c, MemberChange)),
        names(family, old["id"], "new"),
    )


def _diff_family(name: str, old: _Source, new: _Source, names: _Names) -> FamilyDiff:
    added, removed, changed = [], [], []
    old_iter, new_iter = _records(*old), _records(*new)
    old_record, new_record = next(old_iter, None), next(new_iter, None)
    while old_record is not None or new_record is not None:
        if new_record is None or (old_record is not None and old_record["id"] < new_record["id"]):
            assert old_record is not None
            removed.append(names.member(name, old_record["id"], "old"))
            old_record = next(old_iter, None)
        elif old_record is None or new_record["id"] < old_record["id"]:
            added.append(names.member(name, new_record["id"], "new"))
            new_record = next(new_iter, None)
        else:
            change = _object_change(old_record, new_record, name, names)
            if change.fields or change.members:
                changed.append(change)
            old_record, new_record = next(old_iter, None), next(new_iter, None)
    return FamilyDiff(tuple(added), tuple(removed), tuple(changed))


def diff_exports(old_dir: str | os.PathLike[str], new_dir: str | os.PathLike[str]) -> ExportDiff:
    """Added, removed and changed objects per family between two complete exports."""
    old_path, new_path = Path(old_dir), Path(new_dir)
    old_manifest, new_manifest = read_manifest(old_path), read_manifest(new_path)
    old_families, new_families = old_manifest.families, new_manifest.families
    names = _Names((old_path, old_manifest), (new_path, new_manifest))
    families = {}
    for name in sorted(old_families.keys() & new_families.keys()):
        old, new = old_families[name], new_families[name]
        if old.sha256 == new.sha256:
            continue
        family = _diff_family(name, (old_path / old.file, old.count), (new_path / new.file, new.count), names)
        if not family.is_empty:
            families[name] = family
    return ExportDiff(
        families,
        tuple(sorted(old_families.keys() - new_families.keys())),
        tuple(sorted(new_families.keys() - old_families.keys())),
    )
