"""docs/plan-apply.md shows what its script prints; the evidence legend resolves every source key."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docs_support import ROOT, run, user_env

from codegen.bundle import SOURCE_KEY
from docs._legend import legend_page
from docs._reference import escape, linked_sources, operation_page
from livevox_async import OPERATIONS, SOURCES

PAGE = ROOT / "docs" / "plan-apply.md"
SCRIPT_AND_OUTPUT = re.compile(r"```python\n(.*?)```\n\nIt prints:\n\n```text\n(.*?)```", re.S)
SCANNED = [
    *(ROOT / "livevox_async").rglob("*.py"),
    *(ROOT / "codegen").rglob("*.py"),
    *(ROOT / "docs").rglob("*.py"),
    *(ROOT / "docs").rglob("*.md"),
    *(ROOT / "schema").glob("*.yaml"),
    ROOT / "README.md",
]
"""Where a source key may be written: every docstring and comment, the schema, the pages."""


async def test_the_restore_script_prints_what_the_page_shows(tmp_path: Path) -> None:
    ((script, shown),) = SCRIPT_AND_OUTPUT.findall(PAGE.read_text())
    done = await run(sys.executable, "-X", "dev", "-W", "error", "-c", script, env=user_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown


def used_keys() -> dict[str, set[str]]:
    """Every source key written anywhere, with the files (or operations) that write it."""
    found: dict[str, set[str]] = {}
    for path in SCANNED:
        for key in SOURCE_KEY.findall(path.read_text()):
            found.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    for op in OPERATIONS.values():
        for key in op.source_keys:
            found.setdefault(key, set()).add(op.id)
    return found


def test_every_source_key_used_anywhere_is_in_the_table_and_on_the_legend() -> None:
    used = used_keys()
    assert {"D-AGT", "G-CM", "G-JD-DIALER"} <= set(used)
    assert {k: sorted(where) for k, where in used.items() if k not in SOURCES} == {}
    legend = legend_page()
    anchored = re.findall(r"^### (\S+) \{#(\S+)\}$", legend, re.M)
    assert [key for key, anchor in anchored if key == anchor] == list(SOURCES)
    for key, source in SOURCES.items():
        entry = legend.split(f"### {key} {{#{key}}}\n\n", 1)[1].split("\n### ", 1)[0]
        assert entry.startswith(f"**{escape(source.title)}**. "), key
        assert (f"<{source.url}>" if source.url else "No public address is known.") in entry, key


def test_operation_pages_link_each_cited_key_to_its_legend_entry() -> None:
    for op in OPERATIONS.values():
        page = operation_page(op)
        for key in op.source_keys:
            assert f"[{key}](../../evidence.md#{key})" in page, (op.id, key)
        unlinked = SOURCE_KEY.findall(re.sub(r"\[[^\]]+\]\([^)]+\)", "", linked_sources(op)))
        assert unlinked == [], op.id
    assert linked_sources(OPERATIONS["agents.read"]) == (
        "[G-CM](../../evidence.md#G-CM) readAgent; [G-JD-DIALER](../../evidence.md#G-JD-DIALER); "
        "[G-JD-METRICS](../../evidence.md#G-JD-METRICS)"
    )
