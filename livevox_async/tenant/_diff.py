"""`diff_exports`: configuration drift between two exports, object by object, field by field.

    >>> drift = diff_exports("export-monday/", "export-tuesday/")   # doctest: +SKIP
    >>> for family, changes in drift.families.items():               # doctest: +SKIP
    ...     print(family, len(changes.added), len(changes.removed), len(changes.changed))

Both directories must be complete exports (with `manifest.json`). Files are read as
streams, merged by id, so memory stays flat however large the tenant.

Nothing on disk is trusted: the manifest must have the known format, known family
names, each family's file `<family>.jsonl` in the directory (never a symlink) and
integer counts; each file must hold that many records with integer ids in ascending
order. Anything else is an `ExportError` naming the entry, or the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson

from .._exceptions import ExportError
from ._export_dir import read_lines
from ._manifest import read_manifest

MISSING = "<absent>"


@attrs.frozen
class FieldChange:
    """One value that differs: its dotted path within the record (`agents.read.phone`)."""

    path: str
    old: Any
    new: Any


@attrs.frozen
class ObjectChange:
    id: Any
    fields: tuple[FieldChange, ...]


@attrs.frozen
class FamilyDiff:
    added: tuple[Any, ...] = ()
    """Ids present only in the new export."""
    removed: tuple[Any, ...] = ()
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


def _field_changes(old: Any, new: Any, path: str) -> Iterator[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            sub = f"{path}.{key}" if path else key
            if key not in new:
                yield FieldChange(sub, old[key], MISSING)
            elif key not in old:
                yield FieldChange(sub, MISSING, new[key])
            else:
                yield from _field_changes(old[key], new[key], sub)
    elif old != new:
        yield FieldChange(path, old, new)


def _diff_family(old_file: Path, old_count: int, new_file: Path, new_count: int) -> FamilyDiff:
    added, removed, changed = [], [], []
    old_iter, new_iter = _records(old_file, old_count), _records(new_file, new_count)
    old, new = next(old_iter, None), next(new_iter, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old["id"] < new["id"]):
            assert old is not None
            removed.append(old["id"])
            old = next(old_iter, None)
        elif old is None or new["id"] < old["id"]:
            added.append(new["id"])
            new = next(new_iter, None)
        else:
            fields = tuple(_field_changes(old, new, ""))
            if fields:
                changed.append(ObjectChange(old["id"], fields))
            old, new = next(old_iter, None), next(new_iter, None)
    return FamilyDiff(tuple(added), tuple(removed), tuple(changed))


def diff_exports(old_dir: str | os.PathLike[str], new_dir: str | os.PathLike[str]) -> ExportDiff:
    """Added, removed and changed objects per family between two complete exports."""
    old_path, new_path = Path(old_dir), Path(new_dir)
    old_families = read_manifest(old_path).families
    new_families = read_manifest(new_path).families
    families = {}
    for name in sorted(old_families.keys() & new_families.keys()):
        old, new = old_families[name], new_families[name]
        if old.sha256 == new.sha256:
            continue
        family = _diff_family(old_path / old.file, old.count, new_path / new.file, new.count)
        if not family.is_empty:
            families[name] = family
    return ExportDiff(
        families,
        tuple(sorted(old_families.keys() - new_families.keys())),
        tuple(sorted(new_families.keys() - old_families.keys())),
    )
