"""The simulator the documentation's examples run against (a small tenant, seed 1)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from livevox_async.testing import Simulator, SimulatorConfig, TenantSize

DOCS_TENANT = TenantSize(call_centers=1, services=2, agents=10)


@pytest.fixture
async def docs_sim() -> AsyncIterator[Simulator]:
    async with Simulator(SimulatorConfig(seed=1, size=DOCS_TENANT)) as sim:
        yield sim
