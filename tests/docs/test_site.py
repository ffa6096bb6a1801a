"""The documentation site builds with warnings as errors and holds one page per operation.

`make docs` runs it (LIVEVOX_TEST_DOCS_SITE=1) after installing the `docs` dependency
group; the plain suite skips it, since building the site takes half a minute.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest

from livevox_async import ENVIRONMENT, OPERATIONS, SOURCES, LiveVoxError

pytestmark = pytest.mark.skipif(
    os.environ.get("LIVEVOX_TEST_DOCS_SITE") != "1", reason="builds the documentation site: make docs"
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    return out


def exception_classes(cls: type[BaseException]) -> list[type[BaseException]]:
    return [cls, *(d for child in cls.__subclasses__() for d in exception_classes(child))]


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text()


def test_one_page_per_operation_with_its_facts(site: Path) -> None:
    pages = sorted(site.glob("reference/operations/*/*/index.html"))
    assert len(pages) == len(OPERATIONS)
    for op in OPERATIONS.values():
        text = page(site, f"reference/operations/{op.family}/{op.name}")
        assert html.escape(f"{op.method} {op.path}", quote=False) in text, op.id
        assert f'<h1 id="{op.id.replace(".", "")}">{op.id}<' in text, op.id
        assert f"<strong>{op.evidence}</strong>" in text, op.id


def test_the_index_links_every_operation(site: Path) -> None:
    index = page(site, "reference/operations")
    for op in OPERATIONS.values():
        assert f'href="{op.family}/{op.name}/"' in index, op.id


def test_models_and_command_line_pages(site: Path) -> None:
    models = page(site, "reference/models")
    for op in OPERATIONS.values():
        for model in (op.body, op.result):
            if model is not None:
                assert f'id="{model.__name__.lower()}"' in models, model
    cli = page(site, "reference/cli")
    assert all(f"<code>{name}</code>" in cli for name in ENVIRONMENT)
    assert "Usage: livevox export [OPTIONS]" in cli
    assert "usage: livevox-sim" in cli


def test_included_text_is_rendered(site: Path) -> None:
    assert "Each id once." in page(site, "export")
    assert "--8&lt;--" not in page(site, "export")
    errors = page(site, "errors")
    assert "generated: exception tree" not in errors
    for cls in exception_classes(LiveVoxError):
        assert f"<code>{cls.__name__}</code>" in errors, cls
    assert "Keep a Changelog" in page(site, "changelog")


def test_the_evidence_legend_holds_every_key_the_operation_pages_link_to(site: Path) -> None:
    legend = page(site, "reference/evidence")
    for key in SOURCES:
        assert f'<h3 id="{key}">{key}' in legend, key
    assert '<h2 id="levels">' in legend
    for op in OPERATIONS.values():
        text = page(site, f"reference/operations/{op.family}/{op.name}")
        for key in op.source_keys:
            assert f'<a href="../../../evidence/#{key}">{key}</a>' in text, (op.id, key)
        assert '<a href="../../../evidence/#levels">levels</a>' in text, op.id


def test_the_plan_and_apply_page_shows_a_real_run_and_the_guarantees(site: Path) -> None:
    text = page(site, "plan-apply")
    assert "--8&lt;--" not in text
    assert "$ make demo-sync" in text
    assert "Re-plan: no changes (the target matches the source)." in text
    assert "Identity by natural key." in text
    assert "Convergence" in text
