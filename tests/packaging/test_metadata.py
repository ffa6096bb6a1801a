"""What the published package says about itself, read from pyproject.toml and the files it names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import livevox_async

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_version_is_written_once_in_the_package() -> None:
    project = PROJECT["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    source = ROOT / PROJECT["tool"]["hatch"]["version"]["path"]
    written = re.findall(r'^__version__ = "([^"]+)"$', source.read_text(), flags=re.M)
    assert written == [livevox_async.__version__]


def test_the_license_file_is_mit_and_named_in_the_metadata() -> None:
    project = PROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "livevox-async contributors" in text.splitlines()[2]


def test_published_extras_are_cli_and_test_and_tools_are_dependency_groups() -> None:
    assert set(PROJECT["project"]["optional-dependencies"]) == {"cli", "otel", "test"}
    groups = PROJECT["dependency-groups"]
    assert set(groups) == {"dev", "bench", "docs"}
    pinned = [requirement for group in groups.values() for requirement in group if "==" in requirement]
    assert len(pinned) >= 8  # the exact pins live outside the published metadata


def test_classifiers_name_every_python_the_suite_runs_on_and_a_status() -> None:
    classifiers = PROJECT["project"]["classifiers"]
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert [c for c in classifiers if c.startswith("Development Status :: ")] == [
        "Development Status :: 3 - Alpha"
    ]
    assert PROJECT["project"]["authors"] == [{"name": "livevox-async contributors"}]
    assert {"Source", "Issues", "Changelog", "Documentation"} <= set(PROJECT["project"]["urls"])


def test_the_long_description_stands_on_its_own() -> None:
    readme = ROOT / PROJECT["project"]["readme"]
    text = readme.read_text()
    links = re.findall(r"\]\(([^)]+)\)|<(https?://[^>]+)>", text)
    targets = [a or b for a, b in links]
    assert targets
    assert [t for t in targets if not t.startswith("https://")] == []
    commands = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    assert commands
    assert not any(line.startswith("make ") for block in commands for line in block.splitlines())
    assert "pip install 'livevox-async[cli]'" in text


def test_the_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "https://keepachangelog.com/en/1.1.0/" in text
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings[0] == "Unreleased"
    assert livevox_async.__version__ in headings
