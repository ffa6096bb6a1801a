"""Fixtures for plan/apply tests: two simulators with different seeds (source and target)."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_support import SMALL, Tenants

from livevox_async.testing.pytest_plugin import SimulatorFactory


@pytest.fixture
async def tenants(livevox_sim_factory: SimulatorFactory, tmp_path: Path) -> Tenants:
    """A source (seed 1) and a target (seed 2) tenant of the same small size."""
    source = await livevox_sim_factory(seed=1, size=SMALL)
    target = await livevox_sim_factory(seed=2, size=SMALL)
    return Tenants(source, target, tmp_path)
