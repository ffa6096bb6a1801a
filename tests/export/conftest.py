"""Fixtures for export tests: a client on the simulator and a helper to export with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from export_support import Export

from livevox_async import Credentials, LiveVox
from livevox_async.tenant import ExportResult, export_configuration
from livevox_async.testing import Simulator


@pytest.fixture
def export(livevox_sim: Simulator) -> Export:
    """export(out_dir, credentials=None, **export_configuration kwargs) with a fresh client."""

    async def run(out: Path, credentials: Credentials | None = None, **kwargs: Any) -> ExportResult:
        async with LiveVox(
            credentials or livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url
        ) as lv:
            return await export_configuration(lv, out, **kwargs)

    return run
