"""MkDocs hooks (`hooks:` in mkdocs.yml): add the generated reference pages to the site.

`on_files` hands MkDocs the operation pages, the models page, the CLI page and the
evidence legend as generated files (nothing is written into `docs/`); `on_config` puts
the operation pages into the navigation under "API reference", one section per family; `on_page_markdown`
draws the exception tree where a page asks for it.
"""

from __future__ import annotations

from typing import Any

from docs._cli_reference import cli_page
from docs._legend import LEGEND_PAGE, legend_page
from docs._reference import MODELS_PAGE, exception_tree, models_page, operation_nav, operation_pages
from livevox_async import LiveVoxError

API_SECTION = "API reference"
CLI_PAGE = "reference/cli.md"
EXCEPTION_TREE = "<!-- generated: exception tree -->"
"""Where a hand-written page shows the exception classes, drawn from the classes themselves."""


def generated_pages() -> dict[str, str]:
    """Every generated page by its path in the site."""
    return {
        **operation_pages(),
        MODELS_PAGE: models_page(),
        CLI_PAGE: cli_page(),
        LEGEND_PAGE: legend_page(),
    }


def on_config(config: Any) -> Any:
    for entry in config["nav"]:
        if isinstance(entry, dict) and API_SECTION in entry:
            entry[API_SECTION].append({"Operations": operation_nav()})
            return config
    raise ValueError(f"mkdocs.yml nav has no {API_SECTION!r} section for the operation pages")


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for path, content in generated_pages().items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return markdown.replace(EXCEPTION_TREE, exception_tree(LiveVoxError))
