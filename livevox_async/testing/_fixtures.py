"""The fixtures of the `livevox` pytest plugin (`pytest_plugin.py` shows their use).

They run in the test's function-scoped event loop whatever the project's
`asyncio_default_fixture_loop_scope` says, so they work under pytest-asyncio's strict
and auto modes alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeAlias

import pytest_asyncio

from ._config import SimulatorConfig, TenantSize
from ._simulator import Simulator

TEST_TENANT = TenantSize(call_centers=3, services=20, agents=250)
"""The tenant of the fixtures: 3 call centers, 20 services, 250 agents."""
SimulatorFactory: TypeAlias = Callable[..., Awaitable[Simulator]]


@pytest_asyncio.fixture(loop_scope="function")
async def livevox_sim() -> AsyncIterator[Simulator]:
    """A running simulator with the small test tenant (seed 1)."""
    async with Simulator(SimulatorConfig(seed=1, size=TEST_TENANT)) as sim:
        yield sim


@pytest_asyncio.fixture(loop_scope="function")
async def livevox_sim_factory() -> AsyncIterator[SimulatorFactory]:
    """Start simulators from `SimulatorConfig` keyword arguments; all are stopped after the test."""
    started: list[Simulator] = []

    async def start(**config: Any) -> Simulator:
        config.setdefault("size", TEST_TENANT)
        sim = Simulator(SimulatorConfig(**config))
        await sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in reversed(started):
        await sim.close()
