"""`manifest.json`, typed: what a finished export wrote, family by family, and what it cost.

An export writes it last (`Manifest.to_json`); the diff and the planner read it back
(`read_manifest`), checked: the known format, known family names, each family's file
`<family>.jsonl`, exact JSON types (`"3"` is no count). Keys this version does not know
are left alone. A default value is not written (no `vanished` key when nothing vanished),
so the file is the same as that of the dictionaries it replaced.

    >>> text = b'''{"format": 1, "sdk": "livevox-async 0.1", "api_version": null,
    ...   "client_id": 7, "started": "s", "finished": "f",
    ...   "families": {"voices": {"file": "voices.jsonl", "count": 10, "requests": 11,
    ...     "sha256": "ab", "listing": {"info_size": 10, "listed": 10,
    ...     "repeated_ids_dropped": 0, "short_pages": 0, "disagreements": []}}},
    ...   "skipped": {"users": "refused"},
    ...   "totals": {"objects": 10, "vanished": 0, "requests": 11, "http_requests": 12,
    ...     "throttles": 0, "retries": 0, "relogins": 0, "seconds": 0.2}}'''
    >>> manifest = Manifest.from_json(text, "manifest.json")
    >>> manifest.totals.objects, manifest.families["voices"].listing.info_size
    (10, 10)
    >>> manifest.families["voices"].vanished, manifest.skipped
    ([], {'users': 'refused'})
    >>> Manifest.from_json(manifest.to_json(), "again") == manifest
    True
    >>> b'"vanished": []' in manifest.to_json()  # a default is left out
    False
    >>> try:
    ...     Manifest.from_json(text.replace(b'"count": 10', b'"count": "10"'), "m.json")
    ... except ExportError as exc:
    ...     print(exc)
    m.json is not an export manifest: expected int, got str @ manifest.json.families['voices'].count
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

import attrs
import orjson
from cattrs import Converter
from cattrs.gen import make_dict_unstructure_fn

from .. import _json
from .._exceptions import ExportError
from .._generated.operations import OPERATIONS
from ._checkpoint import STRUCTURE_ERRORS, strict_converter, structure_problems
from ._export_dir import MANIFEST, read_file
from ._export_plan import AUDIT_LOG, family_names

FORMAT = 1
"""The `format` of the `manifest.json` this version writes and reads."""


@attrs.frozen
class ManifestListing:
    """What the walk over a family's list verified (from the paginator's `ListReport`)."""

    info_size: int | None
    """The size `/info` announced (None: the family has no `/info`, or it was not asked)."""
    listed: int | None
    """Ids the list held, each once."""
    repeated_ids_dropped: int
    short_pages: int
    """Pages holding fewer items than asked although more followed."""
    disagreements: list[str]
    """Each way LiveVox contradicted itself, in words (`/info announced 0 items; …`)."""


@attrs.frozen
class FamilyManifest:
    """One exported family: its file, verified, and what the export noticed about it."""

    file: str
    """`<family>.jsonl`, in the export directory."""
    count: int
    """Lines in the file: one object each."""
    requests: int
    """Calls whose answers the export kept for this family, over every run of the export (a
    resume adds its own; retries and calls cut off by an interruption are not counted)."""
    sha256: str
    not_exported: dict[str, str] = attrs.Factory(dict)
    """Per-item reads the session may not call: operation id → why (refused reads)."""
    vanished: list[int] = attrs.Factory(list)
    """Ids listed but gone when read (every read answered 404); not in the file."""
    missing_reads: dict[str, int] = attrs.Factory(dict)
    """Per read: objects that answered 404 to it alone (written as `null`)."""
    empty_by_404: bool = False
    """The list answered 404: an empty family, or a wrong (inferred) path."""
    listing: ManifestListing | None = None
    """What the listing verified; None for a family without a list (clients, audit log)."""


@attrs.frozen
class ManifestTotals:
    """Sums over the families, and what the run that finished the export cost.

    `objects`, `vanished` and `requests` sum the families' (every run of the export);
    `http_requests` (each attempt, the login included), `throttles`, `retries`,
    `relogins` and `seconds` count the run that wrote the manifest only.
    """

    objects: int
    vanished: int
    requests: int
    http_requests: int
    throttles: int
    retries: int
    relogins: int
    seconds: float


@attrs.frozen
class Manifest:
    """The whole of `manifest.json`."""

    format: int
    sdk: str
    """`livevox-async <version>` that wrote the export."""
    api_version: str | None
    client_id: int
    """The LiveVox client the export was read from."""
    started: str
    """When the export began (ISO 8601, UTC; its first run when it was resumed)."""
    finished: str
    families: dict[str, FamilyManifest]
    """Families exported, by name (the audit log as `audit_log`)."""
    skipped: dict[str, str]
    """Families not exported, with the reason (refused by the role check or by LiveVox)."""
    totals: ManifestTotals

    def to_json(self) -> bytes:
        """The bytes of `manifest.json`: indented, keys sorted, defaults left out."""
        return (
            orjson.dumps(_converter.unstructure(self), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
            + b"\n"
        )

    @classmethod
    def from_json(cls, data: bytes, path: str | Path) -> Self:
        """A manifest read back from `data` (`path` names it in errors); `ExportError` when it
        is not one, or not of this version's format."""
        try:
            raw = _json.loads(data)
        except _json.JSONDecodeError:
            raise ExportError(f"{path} is not valid JSON") from None
        if isinstance(raw, dict) and raw.get("format", FORMAT) != FORMAT:
            raise ExportError(
                f"{path} has format {raw['format']!r}; this livevox-async reads format {FORMAT}"
            )
        try:
            manifest: Self = _converter.structure(raw, cls)
        except STRUCTURE_ERRORS as exc:
            raise ExportError(
                f"{path} is not an export manifest: {structure_problems(exc, MANIFEST)}"
            ) from None
        _check_names(manifest, path)
        return manifest


def _check_names(manifest: Manifest, path: str | Path) -> None:
    """What the JSON types cannot say: names an export writes, files in the directory."""
    known = {*family_names(), OPERATIONS[AUDIT_LOG].family}
    for name, family in manifest.families.items():
        entry = f"{path}: families[{name!r}]"
        if name not in known:
            raise ExportError(f"{entry} is not a family an export writes")
        if family.file != f"{name}.jsonl":
            raise ExportError(f"{entry}.file must be {name + '.jsonl'!r}, got {family.file!r}")
        if family.count < 0:
            raise ExportError(f"{entry}.count must not be negative, got {family.count}")


def read_manifest(directory: Path) -> Manifest:
    """The manifest of the complete export in `directory`; `ExportError` if there is none or it is
    not one (never through a symlink)."""
    path = directory / MANIFEST
    data = read_file(path)
    if data is None:
        raise ExportError(f"{directory} is not a complete export (no {MANIFEST})")
    return Manifest.from_json(data, path)


def _manifest_converter() -> Converter:
    conv = strict_converter(forbid_extra_keys=False)
    conv.register_unstructure_hook(
        FamilyManifest, make_dict_unstructure_fn(FamilyManifest, conv, _cattrs_omit_if_default=True)
    )
    return conv


_converter = _manifest_converter()
