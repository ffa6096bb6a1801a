"""The `livevox` pytest plugin: simulator fixtures for code that talks to LiveVox.

pytest loads it wherever livevox-async is installed. With the `test` extra
(`pip install 'livevox-async[test]'`, which brings pytest-asyncio) a test file needs
nothing else, in pytest-asyncio's default (strict) mode:

    import pytest
    from livevox_async import LiveVox

    @pytest.mark.asyncio
    async def test_reads_an_agent(livevox_sim):
        async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
            agent = await lv.agents.read(100001)
        assert agent.login_id == livevox_sim.state.record("agents", 100001)["loginId"]

    @pytest.mark.asyncio
    async def test_survives_throttling(livevox_sim_factory):
        sim = await livevox_sim_factory(rate_limit=20, hidden_rate_limit=True)
        ...

- `livevox_sim`: a running simulator with a small tenant (3 call centers, 20 services,
  250 agents, seed 1), stopped after the test.
- `livevox_sim_factory(**SimulatorConfig fields)`: starts simulators (the size defaults
  to that tenant); all are stopped after the test.

Both run in the test's function-scoped event loop (`loop_scope="function"`). A test
that runs in a wider loop (`@pytest.mark.asyncio(loop_scope="module")`) should start
its own `Simulator` in a fixture of that loop scope.

pytest-asyncio 1.x warns on every run whose configuration leaves
`asyncio_default_fixture_loop_scope` unset. Where pytest-asyncio knows the value
`fixture-scope` (1.5 and later), this plugin makes that value the option's default:
it is the behaviour pytest-asyncio has when the option is unset, so no fixture changes
loop, and the warning is not given. A value set in your configuration or with `-o`
still wins.

Without pytest-asyncio the two fixtures exist but fail with a line saying what to
install, so a run that does not use them is never disturbed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from typing import Any, NoReturn

import pytest

ASYNCIO_MISSING = (
    "the livevox_sim and livevox_sim_factory fixtures need pytest-asyncio: pip install 'livevox-async[test]'"
)
LOOP_SCOPE_OPTION = "asyncio_default_fixture_loop_scope"
LOOP_SCOPE_DEFAULT = "fixture-scope"
"""pytest-asyncio's own behaviour when the option is unset (a value it accepts from 1.5)."""


def _knows_fixture_scope(version: str) -> bool:
    """Whether this pytest-asyncio version accepts `fixture-scope`.

    >>> _knows_fixture_scope("1.5.0"), _knows_fixture_scope("1.4.2"), _knows_fixture_scope("0.24.0")
    (True, False, False)
    >>> _knows_fixture_scope("2.0.0rc1"), _knows_fixture_scope("unknown")
    (True, False)
    """
    release = re.match(r"(\d+)\.(\d+)", version)
    return release is not None and (int(release[1]), int(release[2])) >= (1, 5)


@pytest.hookimpl
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser) -> None:
    """Default pytest-asyncio's fixture loop scope to its current behaviour (see above)."""
    if not early_config.pluginmanager.has_plugin("asyncio"):
        return
    if not _knows_fixture_scope(importlib.metadata.version("pytest-asyncio")):
        return
    parser.addini(
        LOOP_SCOPE_OPTION,
        type="string",
        help=f"default scope of the asyncio event loop used to execute async fixtures "
        f"(default set by livevox-async: {LOOP_SCOPE_DEFAULT}, pytest-asyncio's behaviour when unset)",
        default=LOOP_SCOPE_DEFAULT,
    )


if importlib.util.find_spec("pytest_asyncio") is not None:
    from ._fixtures import TEST_TENANT, SimulatorFactory, livevox_sim, livevox_sim_factory

    __all__ = ["TEST_TENANT", "SimulatorFactory", "livevox_sim", "livevox_sim_factory"]
else:

    def _unavailable(name: str) -> Any:
        @pytest.fixture(name=name)
        def fixture() -> NoReturn:
            pytest.fail(ASYNCIO_MISSING, pytrace=False)

        return fixture

    livevox_sim = _unavailable("livevox_sim")
    livevox_sim_factory = _unavailable("livevox_sim_factory")

    __all__ = ["livevox_sim", "livevox_sim_factory"]
