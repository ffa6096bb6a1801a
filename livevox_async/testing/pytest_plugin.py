"""The `livevox` pytest plugin: simulator fixtures for code that talks to LiveVox.

    async def test_reads_an_agent(livevox_sim):
        async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
            agent = await lv.agents.read(100001)
        assert agent.login_id == livevox_sim.state.record("agents", 100001)["loginId"]

    async def test_survives_throttling(livevox_sim_factory):
        sim = await livevox_sim_factory(rate_limit=20, hidden_rate_limit=True)
        ...

`livevox_sim` is a running simulator with a small tenant (3 call centers, 20 services,
250 agents, seed 1); `livevox_sim_factory(**SimulatorConfig kwargs)` starts more (the
size defaults to that tenant) and stops them after the test.

pytest loads this plugin wherever livevox-async is installed; the fixtures are offered
only when pytest-asyncio (the `test` extra) is installed too, so the plugin never
breaks a test run that does not use them.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("pytest_asyncio") is not None:
    from ._fixtures import TEST_TENANT, SimulatorFactory, livevox_sim, livevox_sim_factory

    __all__ = ["TEST_TENANT", "SimulatorFactory", "livevox_sim", "livevox_sim_factory"]
