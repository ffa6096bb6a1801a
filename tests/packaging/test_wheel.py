"""The built wheel, installed in a fresh virtualenv, serves a user's test file as documented.

Slow (a build and two installs from the package index, about a minute), so it runs only
with LIVEVOX_TEST_WHEEL=1: `make test-wheel`, which `.ci/run` calls.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

import livevox_async
from docs._examples import example
from livevox_async.testing.pytest_plugin import ASYNCIO_MISSING

ROOT = Path(__file__).resolve().parents[2]
USER_TEST = example("testing.md", "test_with_simulator.py")
USER_TEST_FILE = USER_TEST.title or "test_with_simulator.py"  # example() found it by this title

pytestmark = pytest.mark.skipif(
    os.environ.get("LIVEVOX_TEST_WHEEL") != "1",
    reason="builds the wheel and installs it in a fresh virtualenv (~1 min): make test-wheel",
)


def sh(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command outside this checkout's environment (no PYTHONPATH, no pytest variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON", "LIVEVOX_"))}
    args = [str(part) for part in command]
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def build_wheel(out: Path) -> Path:
    done = sh(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, ROOT)
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("livevox_async-*.whl")
    return wheel


def test_wheel_metadata_license_and_plugin_from_a_fresh_virtualenv(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    version = livevox_async.__version__
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"livevox_async-{version}.dist-info"
        metadata = HeaderParser().parsestr(archive.read(f"{info}/METADATA").decode())
        license_text = archive.read(f"{info}/licenses/LICENSE").decode()
    assert license_text == (ROOT / "LICENSE").read_text()
    assert metadata["Version"] == version
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    assert sorted(metadata.get_all("Provides-Extra") or []) == ["cli", "otel", "test"]
    assert "Programming Language :: Python :: 3.13" in (metadata.get_all("Classifier") or [])
    assert "make " not in metadata.get_payload()
    assert not [n for n in names if n.startswith(("tests/", "docs/", "schema/", "codegen/"))]

    venv, project = tmp_path / "venv", tmp_path / "project"
    project.mkdir()
    (project / USER_TEST_FILE).write_text(USER_TEST.code)
    assert sh(sys.executable, "-m", "venv", venv).returncode == 0
    python = venv / "bin" / "python"

    # pytest alone: the fixtures say what is missing instead of "fixture not found"
    installed = sh(python, "-m", "pip", "install", "--quiet", wheel, "pytest")
    assert installed.returncode == 0, installed.stderr
    bare = sh(python, "-m", "pytest", "-p", "no:cacheprovider", project, cwd=project)
    assert bare.returncode == 1, bare.stdout
    assert ASYNCIO_MISSING in bare.stdout

    # the test extra: the documented test file passes in strict mode, warnings as errors
    installed = sh(python, "-m", "pip", "install", "--quiet", f"{wheel}[test]")
    assert installed.returncode == 0, installed.stderr
    done = sh(python, "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"asyncio: mode=(Mode\.)?strict", done.stdout, re.IGNORECASE), done.stdout
    assert re.fullmatch(r"=+ 3 passed in [\d.]+s =+", done.stdout.strip().splitlines()[-1]), done.stdout
    assert "warning" not in done.stdout.lower()
    assert f"livevox-async-{version}" in done.stdout  # the plugin came from the wheel's entry point
    where = sh(python, "-c", "import livevox_async; print(livevox_async.__file__)", cwd=project)
    assert where.stdout.startswith(str(venv))
