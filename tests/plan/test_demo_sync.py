"""`make demo-sync` runs as the README and the docs show it: export, plan, apply, plan again."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from livevox_async.tenant import Plan

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("<!-- --8<-- [start:demo-sync] -->\n```text\n", "```\n<!-- --8<-- [end:demo-sync] -->")


def shown_run() -> str:
    """The run of `make demo-sync` the README shows (and docs/plan-apply.md includes)."""
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(MARKERS[0]) + len(MARKERS[0]) : readme.index(MARKERS[1])]
    lines = block.splitlines(keepends=True)
    assert lines[:2] == ["$ make demo-sync\n", ".venv/bin/python -m livevox_async.tenant._demo demo-sync\n"]
    return "".join(lines[2:])


def masked(text: str) -> str:
    """What differs between two runs masked: addresses and timing."""
    text = re.sub(r"http://127\.0\.0\.1:\d+", "URL", text)
    return re.sub(r"writing, \d+\.\ds \(\d+\.\d/s\)", "writing, SECONDS", text)


async def test_demo_sync_runs_as_shown_and_the_plan_after_apply_is_empty(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEVOX_")}
    env |= {"PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "livevox_async.tenant._demo",
        "demo-sync",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 240)
    assert (process.returncode, stderr.decode()) == (0, "")
    assert masked(stdout.decode()) == masked(shown_run()) + "\n"
    out = tmp_path / "demo-sync"
    assert Plan.read(out / "replan.json").is_empty
    assert len(Plan.read(out / "plan.json").runnable) == 10
    assert [line.count('"password"') for line in (out / "passwords.jsonl").read_text().splitlines()] == [1]
