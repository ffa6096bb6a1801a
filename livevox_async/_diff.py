"""`diff_exports`: configuration drift between two exports, object by object, field by field.

    >>> drift = diff_exports("export-monday/", "export-tuesday/")   # doctest: +SKIP
    >>> for family, changes in drift.families.items():               # doctest: +SKIP
    ...     print(family, len(changes.added), len(changes.removed), len(changes.changed))

Both directories must be complete exports (with `manifest.json`). Files are read as
streams, merged by id, so memory stays flat however large the tenant.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson

from ._exceptions import ExportError
from ._export_dir import MANIFEST

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


def _manifest(directory: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = orjson.loads((directory / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise ExportError(f"{directory} is not a complete export (no {MANIFEST})") from None
    except orjson.JSONDecodeError:
        raise ExportError(f"{directory}/{MANIFEST} is not valid JSON") from None
    return data


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as f:
        for line in f:
            yield orjson.loads(line)


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


def _diff_family(old_file: Path, new_file: Path) -> FamilyDiff:
    added, removed, changed = [], [], []
    old_iter, new_iter = _records(old_file), _records(new_file)
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
    old_families = _manifest(old_path)["families"]
    new_families = _manifest(new_path)["families"]
    families = {}
    for name in sorted(old_families.keys() & new_families.keys()):
        if old_families[name]["sha256"] == new_families[name]["sha256"]:
            continue
        family = _diff_family(old_path / old_families[name]["file"], new_path / new_families[name]["file"])
        if not family.is_empty:
            families[name] = family
    return ExportDiff(
        families,
        tuple(sorted(old_families.keys() - new_families.keys())),
        tuple(sorted(new_families.keys() - old_families.keys())),
    )
