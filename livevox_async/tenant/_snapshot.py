"""An export directory read back for planning: its records, and whether each family is whole.

    snapshot = read_snapshot("export-staging/", families={"agents", "services"})
    snapshot.problem("agents")        # None: verified complete; else why not (in words)
    snapshot.main("agents", 100001)   # the agent as agents.read answered

A family counts as complete only when the export verified it: listed (not skipped or
refused), no read refused or missing, no disagreement of the list with itself or with
`/info`, not "empty by 404" (a wrong path looks the same), and the file matching the
manifest's count and sha256. Objects that vanished while the export ran are gone, not
missing: they do not make a family incomplete.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import attrs

from .._exceptions import ExportError
from .._json import loads
from ._errors import PlanError
from ._manifest import FamilyManifest, read_manifest
from ._relations import rules


@attrs.frozen
class FamilyRecords:
    """One exported family: its records by id, and why it is not complete (None if it is)."""

    records: Mapping[Any, dict[str, Any]]
    problem: str | None


@attrs.frozen
class Snapshot:
    """The families of one export that the planner needs."""

    path: Path
    client_id: int
    families: Mapping[str, FamilyRecords]

    def problem(self, family: str) -> str | None:
        """Why `family` is not verified complete in this export; None when it is."""
        found = self.families.get(family)
        return "not read" if found is None else found.problem

    def records(self, family: str) -> Mapping[Any, dict[str, Any]]:
        found = self.families.get(family)
        return found.records if found is not None else {}

    def main(self, family: str, object_id: Any) -> dict[str, Any] | None:
        """The object as its main read answered (`<family>.read`, else its list item)."""
        record = self.records(family).get(object_id)
        if record is None:
            return None
        main: dict[str, Any] | None = record.get(rules(family).main.id)
        return main


def completeness(entry: FamilyManifest) -> str | None:
    """Why a manifest family entry is not a verified, complete read; None when it is."""
    if entry.empty_by_404:
        return "its list answered 404 (empty by 404: an empty family or a wrong path)"
    if entry.not_exported:
        return f"partial: reads not exported ({', '.join(sorted(entry.not_exported))})"
    if entry.missing_reads:
        missing = ", ".join(f"{op} x{n}" for op, n in sorted(entry.missing_reads.items()))
        return f"partial: reads missing ({missing})"
    disagreements = entry.listing.disagreements if entry.listing is not None else []
    if disagreements:
        return "count not verified: " + "; ".join(disagreements)
    return None


def _read_family(directory: Path, name: str, entry: FamilyManifest) -> FamilyRecords:
    path = directory / entry.file
    if os.path.basename(entry.file) != entry.file or not path.is_file():
        return FamilyRecords({}, f"its file {entry.file!r} is missing")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        return FamilyRecords({}, "its file does not match the manifest's sha256")
    records = {}
    for line in data.splitlines():
        record = loads(line)
        records[record["id"]] = record
    if len(records) != entry.count:
        return FamilyRecords({}, f"its file holds {len(records)} objects, the manifest counts {entry.count}")
    return FamilyRecords(records, completeness(entry))


def read_snapshot(directory: str | os.PathLike[str], families: Collection[str]) -> Snapshot:
    """Read `families` of the export in `directory` (absent ones count as "not read").

    Raises:
        PlanError: not a complete export of this SDK's format.
    """
    path = Path(directory)
    try:
        manifest = read_manifest(path)
    except ExportError as exc:
        raise PlanError(exc.message) from None
    found: dict[str, FamilyRecords] = {}
    for name in families:
        if name in manifest.families:
            found[name] = _read_family(path, name, manifest.families[name])
        elif name in manifest.skipped:
            found[name] = FamilyRecords({}, f"skipped by the export: {manifest.skipped[name]}")
    return Snapshot(path, manifest.client_id, found)
