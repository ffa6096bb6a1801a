"""Helpers shared by the export tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from livevox_async import LiveVox
from livevox_async.tenant import ExportResult, Progress, export_configuration
from livevox_async.testing import Simulator

Export = Callable[..., Awaitable[ExportResult]]
"""export(out_dir, credentials=None, **export_configuration kwargs)"""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


async def interrupted_export(sim: Simulator, out: Path, families: list[str], *, after: int = 100) -> None:
    """Export `families` into `out` and cancel it once `agents` has `after` records written,
    leaving a checkpoint to resume (with its `.checkpoint/agents.items.jsonl` complete)."""
    reached = asyncio.Event()

    def progress(event: Progress) -> None:
        if event.family == "agents" and event.phase == "reading" and event.done >= after:
            reached.set()

    async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url) as lv:
        task = asyncio.ensure_future(
            export_configuration(lv, out, families, concurrency=4, progress=progress)
        )
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert (out / ".checkpoint" / "state.json").is_file()


def same_files(result: ExportResult, reference: ExportResult) -> None:
    """Every family file of `result` is byte-identical to the one of `reference`."""
    assert result.manifest.families.keys() == reference.manifest.families.keys()
    for name, family in reference.manifest.families.items():
        assert (result.out_dir / family.file).read_bytes() == (
            reference.out_dir / family.file
        ).read_bytes(), name
