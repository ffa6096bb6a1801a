"""The export directory: one export (or resume) at a time across processes, no symlink followed."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from export_support import Export, interrupted_export, same_files

from livevox_async import ExportError
from livevox_async.tenant import ExportResult
from livevox_async.testing import Simulator

LOCK_HOLDER = """
import fcntl, os, sys
fd = os.open(os.path.join(sys.argv[1], ".export.lock"), os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def busy(out: Path) -> str:
    return (
        f"^another export is running in {re.escape(str(out))}; wait for it to end or use another directory$"
    )


def link_refused(path: Path) -> str:
    return f"^{re.escape(str(path))} is a symbolic link; an export never follows one"


async def test_a_lock_held_by_another_process_refuses_the_export(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LOCK_HOLDER,
        str(out),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdin is not None
    assert holder.stdout is not None
    try:
        assert await holder.stdout.readline() == b"locked\n"
        with pytest.raises(ExportError, match=busy(out)):
            await export(out, families=["voices"])
        with pytest.raises(ExportError, match=busy(out)):
            await export(out, families=["voices"], resume=True)
        assert livevox_sim.request_log == []  # refused before even logging in
    finally:
        holder.stdin.close()
        await holder.wait()
    # The lock file the other process left is not export data: the directory is empty.
    result = await export(out, families=["voices"])
    assert result.manifest.families["voices"].count == 10
    assert sorted(os.listdir(out)) == ["manifest.json", "voices.jsonl"]


async def test_two_exports_into_one_directory_at_once(export: Export, tmp_path: Path) -> None:
    out = tmp_path / "out"
    reference = await export(tmp_path / "reference", families=["agents"])
    outcomes = await asyncio.gather(
        export(out, families=["agents"]), export(out, families=["agents"]), return_exceptions=True
    )
    finished = [o for o in outcomes if isinstance(o, ExportResult)]
    refused = [o for o in outcomes if isinstance(o, ExportError)]
    assert (len(finished), len(refused)) == (1, 1), outcomes
    assert re.match(busy(out), str(refused[0]))
    same_files(finished[0], reference)
    assert finished[0].manifest.families["agents"].count == 250


async def test_two_resumes_of_one_directory_at_once(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    reference = await export(tmp_path / "reference", families=["agents", "voices"])
    await interrupted_export(livevox_sim, out, ["agents", "voices"])
    assert ".export.lock" not in os.listdir(out)  # the cancelled export removed its lock file
    outcomes = await asyncio.gather(
        export(out, families=["agents", "voices"], resume=True),
        export(out, families=["agents", "voices"], resume=True),
        return_exceptions=True,
    )
    finished = [o for o in outcomes if isinstance(o, ExportResult)]
    refused = [o for o in outcomes if isinstance(o, ExportError)]
    assert (len(finished), len(refused)) == (1, 1), outcomes
    assert re.match(busy(out), str(refused[0]))
    same_files(finished[0], reference)
    assert sorted(os.listdir(out)) == ["agents.jsonl", "manifest.json", "voices.jsonl"]


@pytest.mark.parametrize("name", [".write-test", ".export.lock", ".checkpoint", "notes.txt"])
async def test_a_symlink_in_the_directory_is_refused_and_its_target_untouched(
    export: Export, livevox_sim: Simulator, tmp_path: Path, name: str
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(precious)
    with pytest.raises(ExportError, match=link_refused(out / name)):
        await export(out, families=["voices"])
    assert precious.read_text() == "keep me"
    assert sorted(os.listdir(out)) == [name]
    assert livevox_sim.request_log == []


async def test_an_output_directory_that_is_a_symlink_is_refused(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ExportError, match=link_refused(out)):
        await export(out, families=["voices"])
    assert os.listdir(elsewhere) == []
    assert livevox_sim.request_log == []


@pytest.mark.parametrize("name", ["agents.jsonl.part", "agents.items.jsonl", "state.json"])
async def test_a_symlink_in_the_checkpoint_is_refused_on_resume(
    export: Export, livevox_sim: Simulator, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out"
    await interrupted_export(livevox_sim, out, ["agents", "voices"])
    planted = out / ".checkpoint" / name
    outside = tmp_path / "outside"
    outside.write_bytes(planted.read_bytes())
    planted.unlink()
    planted.symlink_to(outside)
    before = outside.read_bytes()
    livevox_sim.request_log.clear()
    with pytest.raises(ExportError, match=link_refused(planted)):
        await export(out, families=["agents", "voices"], resume=True)
    assert outside.read_bytes() == before
    assert livevox_sim.request_log == []
