"""The code examples of the documentation pages, for the tests that run them.

A page's ` ```python ` and ` ```sh ` blocks are examples; ` ```text ` blocks are output
and are not run. A python block may carry a title (` ```python title="app.py" `): a
title `test_….py` marks a user's test file, run under pytest; any other title names a
module that a test imports and drives.

    >>> page = "Intro\\n\\n```python title=\\"test_x.py\\"\\nassert True\\n```\\n\\n```text\\nout\\n```\\n"
    >>> [(e.language, e.title, e.code) for e in examples_in("page.md", page)]
    [('python', 'test_x.py', 'assert True\\n')]
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

DOCS = Path(__file__).resolve().parent
_BLOCK = re.compile(r'^```(python|sh)(?: title="([^"]+)")?\n(.*?)^```', re.M | re.S)


@attrs.frozen
class Example:
    """One code block of a page: where it is, its language, its title and its code."""

    page: str
    number: int
    language: str
    title: str | None
    code: str

    @property
    def name(self) -> str:
        """`testing.md#2` (`#title` when it has one): a test id that says where it is."""
        return f"{self.page}#{self.title or self.number}"

    @property
    def is_test_file(self) -> bool:
        return self.title is not None and self.title.startswith("test_")


def examples_in(page: str, text: str) -> list[Example]:
    """Every example block of one page's Markdown, in order."""
    return [
        Example(page, number, language, title or None, code)
        for number, (language, title, code) in enumerate(_BLOCK.findall(text), start=1)
    ]


def all_examples() -> list[Example]:
    """Every example of every page under `docs/` (the PyPI description included)."""
    return [
        example
        for path in sorted(DOCS.rglob("*.md"))
        for example in examples_in(path.relative_to(DOCS).as_posix(), path.read_text())
    ]


def example(page: str, title: str) -> Example:
    """The example titled `title` on `page` (`example("testing.md", "test_with_simulator.py")`)."""
    return next(e for e in all_examples() if e.page == page and e.title == title)
