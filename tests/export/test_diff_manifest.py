"""diff_exports trusts nothing on disk: a manifest entry pointing outside the export, unknown
names, wrong types, a symlinked family file, or a family file that disagrees with its manifest
is an ExportError naming the entry (or the file and line), never a read of the wrong file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from export_support import Export

from livevox_async import ExportError
from livevox_async.tenant import diff_exports

ANOTHER_SHA = "0" * 64
"""Set in an edited manifest so the diff cannot skip the family as unchanged."""


def _family(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["families"]["voices"].update(sha256=ANOTHER_SHA, **changes)

    return edit


def _edit(directory: Path, change: Callable[[dict[str, Any]], object]) -> None:
    manifest = orjson.loads((directory / "manifest.json").read_bytes())
    change(manifest)
    (directory / "manifest.json").write_bytes(orjson.dumps(manifest))


def _extra_family(manifest: dict[str, Any]) -> None:
    manifest["families"]["nope"] = {"file": "nope.jsonl", "count": 0, "requests": 0, "sha256": ANOTHER_SHA}


MANIFEST_EDITS: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "outside": (
        _family(file="../outside.jsonl"),
        "families['voices'].file must be 'voices.jsonl', got '../outside.jsonl'",
    ),
    "absolute": (
        _family(file="/etc/passwd"),
        "families['voices'].file must be 'voices.jsonl', got '/etc/passwd'",
    ),
    "another family's file": (
        _family(file="agents.jsonl"),
        "families['voices'].file must be 'voices.jsonl', got 'agents.jsonl'",
    ),
    "unknown family": (_extra_family, "families['nope'] is not a family an export writes"),
    "count a string": (
        _family(count="10"),
        "is not an export manifest: expected int, got str @ manifest.json.families['voices'].count",
    ),
    "negative count": (_family(count=-1), "families['voices'].count must not be negative, got -1"),
    "file not a string": (
        _family(file=["voices.jsonl"]),
        "is not an export manifest: expected str, got list @ manifest.json.families['voices'].file",
    ),
    "unknown format": (lambda m: m.update(format=2), "has format 2; this livevox-async reads format 1"),
    "no families": (
        lambda m: m.pop("families"),
        "is not an export manifest: required field missing @ manifest.json.families",
    ),
}


@pytest.fixture
async def two_exports(export: Export, tmp_path: Path) -> tuple[Path, Path]:
    await export(tmp_path / "old", families=["voices"])
    await export(tmp_path / "new", families=["voices"])
    return tmp_path / "old", tmp_path / "new"


@pytest.mark.parametrize("edit", list(MANIFEST_EDITS))
async def test_a_bad_manifest_entry_is_named(
    two_exports: tuple[Path, Path], tmp_path: Path, edit: str
) -> None:
    old, new = two_exports
    (tmp_path / "outside.jsonl").write_bytes(b'{"id": 1, "secret": "not part of any export"}\n')
    change, what = MANIFEST_EDITS[edit]
    _edit(new, change)
    where = re.escape(str(new / "manifest.json"))
    with pytest.raises(ExportError, match=f"^{where}:? {re.escape(what)}$"):
        diff_exports(old, new)


async def test_a_symlinked_family_file_is_refused(two_exports: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = two_exports
    outside = tmp_path / "outside.jsonl"
    outside.write_bytes((new / "voices.jsonl").read_bytes())
    (new / "voices.jsonl").unlink()
    (new / "voices.jsonl").symlink_to(outside)
    _edit(new, _family())
    with pytest.raises(ExportError, match=f"^{re.escape(str(new / 'voices.jsonl'))} is a symbolic link"):
        diff_exports(old, new)


def _lines(path: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    path.write_bytes(b"".join(change(path.read_bytes().splitlines(keepends=True))))


FILE_EDITS: dict[str, tuple[Callable[[list[bytes]], list[bytes]], str]] = {
    "garbage": (lambda lines: [*lines[:2], b"garbage\n", *lines[3:]], r", line 3: not JSON \(.+\)"),
    "repeated id": (
        lambda lines: [*lines[:2], lines[1], *lines[3:]],
        r", line 3: id (\d+) after \1 \(each id once, ascending\)",
    ),
    "string id": (
        lambda lines: [*lines[:2], b'{"id": "3"}\n', *lines[3:]],
        ", line 3: the record's id is not an integer",
    ),
    "a line lost": (lambda lines: lines[:-1], " holds 9 records; its manifest says 10"),
}


@pytest.mark.parametrize("edit", list(FILE_EDITS))
async def test_a_family_file_that_disagrees_with_its_manifest_is_named(
    two_exports: tuple[Path, Path], edit: str
) -> None:
    old, new = two_exports
    change, what = FILE_EDITS[edit]
    _lines(new / "voices.jsonl", change)
    _edit(new, _family())
    with pytest.raises(ExportError, match=f"^{re.escape(str(new / 'voices.jsonl'))}{what}$"):
        diff_exports(old, new)
