"""Every request says who sends it: `livevox-async/<v> aiohttp/<v> python/<x.y.z>`.

Logins, logouts, Session API calls, configuration calls, raw requests and the resends
after a fault all carry it, as the simulator records it (`LoggedRequest.user_agent`).
"""

from __future__ import annotations

import platform
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import aiohttp

import livevox_async
from livevox_async import LiveVox, RetryPolicy
from livevox_async.testing import Simulator

EXPECTED = (
    f"livevox-async/{livevox_async.__version__} aiohttp/{aiohttp.__version__} "
    f"python/{platform.python_version()}"
)


def test_the_user_agent_names_the_one_version_source() -> None:
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert project["tool"]["hatch"]["version"]["path"] == "livevox_async/__init__.py"
    shape = r"livevox-async/\d+\.\d+\.\d+\S* aiohttp/\d+\.\d+\S* python/\d+\.\d+\.\d+\S*"
    assert re.fullmatch(shape, EXPECTED)


async def test_every_request_carries_the_user_agent(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    livevox_sim.faults.script("500", times=1, operation="agents.info")  # a resend carries it too
    retry = RetryPolicy(max_attempts=2, backoff_base=0.001, backoff_cap=0.001)
    async with make_client(retry=retry) as lv:
        await lv.agents.info()
        assert await lv.session.validate()
        await lv.request("GET", "/configuration/agents/info")
        await lv.raw.services.info()
    operations = [entry.operation for entry in livevox_sim.request_log]
    assert operations == [
        "session.login",
        "agents.info",
        "agents.info",
        "session.validate",
        "agents.info",
        "services.info",
        "session.logout",
    ]
    assert [entry.user_agent for entry in livevox_sim.request_log] == [EXPECTED] * len(operations)
