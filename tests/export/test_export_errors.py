"""What goes wrong on disk is a typed ExportError saying what and how to go on, never a traceback:
a full disk, a damaged state.json, a garbage line in a checkpoint file, an item without its id."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from export_support import Export, interrupted_export, same_files

from livevox_async import ExportError
from livevox_async.testing import Simulator

FAMILIES = ["agents", "voices"]


def failing_writes(monkeypatch: pytest.MonkeyPatch, name: str, code: int) -> None:
    """Every write to a file called `name` fails with `code`, as the kernel would report it."""
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(f"/{name}"):
            raise OSError(code, os.strerror(code))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize(
    ("code", "what"),
    [
        pytest.param(errno.ENOSPC, ": the disk is full (No space left on device)", id="ENOSPC"),
        pytest.param(errno.EDQUOT, ": the disk is full (Disk quota exceeded)", id="EDQUOT"),
        pytest.param(errno.EROFS, " (Read-only file system)", id="EROFS"),
    ],
)
async def test_a_failing_disk_keeps_the_checkpoint_and_resume_finishes(
    export: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, what: str
) -> None:
    reference = await export(tmp_path / "reference", families=FAMILIES)
    out = tmp_path / "out"
    failing_writes(monkeypatch, "agents.jsonl.part", code)
    with pytest.raises(ExportError) as caught:
        await export(out, families=FAMILIES)
    part = out / ".checkpoint" / "agents.jsonl.part"
    then = "once there is free space" if code != errno.EROFS else "once it is fixed"
    assert str(caught.value) == (
        f"cannot write {part}{what}; the checkpoint is kept: "
        f"run the export again with resume=True (--resume) {then}"
    )
    assert (out / ".checkpoint" / "state.json").is_file()
    monkeypatch.undo()
    same_files(await export(out, families=FAMILIES, resume=True), reference)


def _edit_state(edit: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        state = orjson.loads(path.read_bytes())
        edit(state)
        path.write_bytes(orjson.dumps(state))

    return change


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE: dict[str, tuple[Callable[[Path], object], str]] = {
    "truncated": (_truncate, r"state\.json is not valid JSON \(.+\)"),
    "not an object": (lambda p: p.write_bytes(b"[]"), r"state\.json is not a JSON object"),
    "deleted": (lambda p: p.unlink(), r"state\.json is missing"),
    "wrong type": (
        _edit_state(lambda s: s["families"]["agents"].update(requests="12")),
        re.escape("expected int, got str @ state.json.families['agents'].requests"),
    ),
    "missing key": (
        _edit_state(lambda s: s.pop("client_id")),
        re.escape("required field missing @ state.json.client_id"),
    ),
    "unknown key": (
        _edit_state(lambda s: s.update(extra=1)),
        re.escape("unknown field extra @ state.json"),
    ),
    "done without a file": (
        _edit_state(lambda s: s["families"]["agents"].update(done=True)),
        re.escape("a family marked done lacks its file, count or sha256 @ state.json.families['agents']"),
    ),
    "another format": (
        _edit_state(lambda s: s.update(format=2)),
        re.escape("format 2 is not 1, the one this livevox-async writes @ state.json"),
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
async def test_a_damaged_state_json_is_named_before_anything_is_fetched(
    export: Export, livevox_sim: Simulator, tmp_path: Path, damage: str
) -> None:
    out = tmp_path / "out"
    await interrupted_export(livevox_sim, out, FAMILIES)
    spoil, what = DAMAGE[damage]
    spoil(out / ".checkpoint" / "state.json")
    livevox_sim.request_log.clear()
    checkpoint = re.escape(str(out / ".checkpoint"))
    with pytest.raises(
        ExportError,
        match=f"^the checkpoint {checkpoint} is damaged: {what}; delete {checkpoint} to start over$",
    ):
        await export(out, families=FAMILIES, resume=True)
    assert livevox_sim.request_log == []


def _replace_line(path: Path, number: int, line: bytes) -> bytes:
    """Put `line` in place of line `number` (1-based); the line it replaced."""
    lines = path.read_bytes().splitlines(keepends=True)
    old, lines[number - 1] = lines[number - 1], line
    path.write_bytes(b"".join(lines))
    return old


async def test_a_garbage_line_in_the_records_is_named_and_a_partial_last_line_is_cut(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    reference = await export(tmp_path / "reference", families=FAMILIES)
    out = tmp_path / "out"
    await interrupted_export(livevox_sim, out, FAMILIES)
    checkpoint = out / ".checkpoint"
    part = checkpoint / "agents.jsonl.part"
    old = _replace_line(part, 5, b"not json\n")
    with pytest.raises(ExportError) as caught:
        await export(out, families=FAMILIES, resume=True)
    assert re.fullmatch(
        f"{re.escape(str(part))}, line 5: not JSON \\(.+\\); the checkpoint is damaged: "
        f"delete {re.escape(str(checkpoint))} to start over",
        str(caught.value),
    ), caught.value
    _replace_line(part, 5, old)
    with part.open("ab") as f:
        f.write(b'{"id": 100')  # a crash mid-line: cut off, that record is fetched again
    same_files(await export(out, families=FAMILIES, resume=True), reference)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        (
            b"[1, 2]\n",
            "{items}, line 240: not a JSON object; the checkpoint is damaged: delete {ck} to start over",
        ),
        (b"{oops\n", None),
        (b'{"name": "x"}\n', "agents: the item on line 240 of {items} has no 'id'"),
    ],
)
async def test_a_bad_line_in_the_listed_items_is_named(
    export: Export, livevox_sim: Simulator, tmp_path: Path, line: bytes, what: str | None
) -> None:
    out = tmp_path / "out"
    await interrupted_export(livevox_sim, out, FAMILIES)
    checkpoint = out / ".checkpoint"
    items = checkpoint / "agents.items.jsonl"
    _replace_line(items, 240, line)
    with pytest.raises(ExportError) as caught:
        await export(out, families=FAMILIES, resume=True)
    if what is None:
        assert str(caught.value).startswith(f"{items}, line 240: not JSON (")
    else:
        assert str(caught.value) == what.format(items=items, ck=checkpoint)
