"""Helpers shared by the export tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from livevox_async import ExportResult

Export = Callable[..., Awaitable[ExportResult]]
"""export(out_dir, credentials=None, **export_configuration kwargs)"""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]
