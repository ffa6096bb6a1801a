"""The `livevox` pytest plugin in a user's project: strict mode, no configuration, no warnings.

Each test runs pytest in a fresh directory that holds only a user's test file (and,
where said, a configuration of the user's own), with this checkout on the path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from livevox_async.testing.pytest_plugin import ASYNCIO_MISSING

ROOT = Path(__file__).resolve().parents[2]
USER_TEST = """
import pytest

from livevox_async import LiveVox


@pytest.mark.asyncio
async def test_lists_the_agents(livevox_sim):
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        agents = await lv.agents.list().collect()
    assert len(agents) == 250


@pytest.mark.asyncio
async def test_factory(livevox_sim_factory):
    sim = await livevox_sim_factory(frozen_clock=True)
    assert sim.config.frozen_clock
"""


def run_pytest(
    project: Path, *args: str, launcher: list[str] | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`pytest -W error` in `project`, as its owner would run it (`launcher`: how pytest is started)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env = {**inherited, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    pytest = launcher or [sys.executable, "-m", "pytest"]
    command = [*pytest, "-W", "error", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def test_fixtures_work_in_strict_mode_with_no_configuration_and_no_warning(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TEST)
    done = run_pytest(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"asyncio: mode=(Mode\.)?strict", done.stdout, re.IGNORECASE), done.stdout
    assert "asyncio_default_fixture_loop_scope=fixture-scope" in done.stdout
    assert re.fullmatch(r"=+ 2 passed in [\d.]+s =+", done.stdout.strip().splitlines()[-1]), done.stdout
    assert "warning" not in done.stdout.lower()


def test_the_users_own_loop_scope_setting_wins(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    done = run_pytest(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "asyncio_default_fixture_loop_scope=function" in done.stdout
    assert " 2 passed in " in done.stdout


def test_without_pytest_asyncio_the_fixtures_say_what_to_install(tmp_path: Path) -> None:
    # pytest-asyncio made unimportable; only the livevox plugin loaded (the wheel test
    # checks the same in a virtualenv that never had pytest-asyncio)
    (tmp_path / "test_user.py").write_text("def test_needs_the_simulator(livevox_sim):\n    pass\n")
    hide = (
        "import sys; sys.modules['pytest_asyncio'] = None; import pytest; sys.exit(pytest.main(sys.argv[1:]))"
    )
    done = run_pytest(
        tmp_path,
        "-p",
        "livevox_async.testing.pytest_plugin",
        launcher=[sys.executable, "-c", hide],
        extra_env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert ASYNCIO_MISSING in done.stdout
    assert "fixture 'livevox_sim' not found" not in done.stdout
    assert re.fullmatch(r"=+ 1 error in [\d.]+s =+", done.stdout.strip().splitlines()[-1]), done.stdout
