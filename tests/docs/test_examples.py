"""Every code example in docs/ runs as written, against a simulator.

Scripts run as a user would run them, in a fresh process whose `LIVEVOX_*` variables
point at the simulator; a test file (a block titled `test_….py`) runs under pytest in a
directory with no configuration, warnings as errors; shell examples run in bash; the
aiohttp.web application (`app.py`) is served and queried by `test_applications.py`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from docs_support import run, shell_script, user_env

from docs._examples import Example, all_examples
from livevox_async.testing import Simulator

PAGE_COLUMNS = 80
"""Columns of code a page shows at 1280 px without scrolling (Material's content width)."""
EXAMPLES = all_examples()
SCRIPTS = [e for e in EXAMPLES if e.language == "python" and e.title is None]
TEST_FILES = [e for e in EXAMPLES if e.is_test_file]
SHELL = [e for e in EXAMPLES if e.language == "sh"]


def test_every_example_is_run_by_a_test() -> None:
    driven = {"applications.md#app.py"}  # test_applications.py
    covered = {e.name for e in SCRIPTS + TEST_FILES + SHELL} | driven
    assert {e.name for e in EXAMPLES} == covered
    assert len(SCRIPTS) >= 10
    assert TEST_FILES
    assert SHELL


def test_examples_fit_the_width_a_page_shows() -> None:
    too_wide = [
        f"{e.name}: {line}" for e in EXAMPLES for line in e.code.splitlines() if len(line) > PAGE_COLUMNS
    ]
    assert too_wide == []


@pytest.mark.parametrize("example", SCRIPTS, ids=lambda e: e.name)
async def test_script_runs(example: Example, docs_sim: Simulator, tmp_path: Path) -> None:
    done = await run(
        sys.executable, "-X", "dev", "-W", "error", "-c", example.code, env=user_env(docs_sim), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    # -X dev reports slow callbacks on a loaded machine; warnings and unclosed resources fail
    assert "Warning" not in done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
    assert done.stdout, "an example should show what it did"


@pytest.mark.parametrize("example", TEST_FILES, ids=lambda e: e.name)
async def test_user_test_file_passes_in_strict_mode_without_warnings(
    example: Example, tmp_path: Path
) -> None:
    assert example.title is not None
    (tmp_path / example.title).write_text(example.code)
    done = await run(
        sys.executable,
        "-X",
        "dev",
        "-m",
        "pytest",
        "-W",
        "error",
        "-p",
        "no:cacheprovider",
        example.title,
        env=user_env(),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    tests = example.code.count("\nasync def test_") + example.code.count("\ndef test_")
    assert re.fullmatch(rf"=+ {tests} passed in [\d.]+s =+", done.stdout.strip().splitlines()[-1]), (
        done.stdout
    )
    assert "warning" not in done.stdout.lower()
    assert re.search(r"asyncio: mode=(Mode\.)?strict", done.stdout, re.IGNORECASE), done.stdout


@pytest.mark.parametrize("example", SHELL, ids=lambda e: e.name)
async def test_shell_example_runs(example: Example, docs_sim: Simulator, tmp_path: Path) -> None:
    done = await run("bash", "-c", shell_script(example.code), env=user_env(docs_sim), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
