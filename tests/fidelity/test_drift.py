"""The simulator's drift knob: answers deviate exactly as planted, per simulator, until cleared."""

from __future__ import annotations

from typing import Any

import aiohttp

from livevox_async.testing import (
    Drift,
    EnumValueAdded,
    KeyRenamed,
    ListKeyChanged,
    Simulator,
    StatusChanged,
    StringForInteger,
)
from livevox_async.testing.pytest_plugin import SimulatorFactory


async def get(sim: Simulator, path: str, **params: int) -> tuple[int, Any]:
    creds = sim.credentials("Sysadmin")
    async with aiohttp.ClientSession(sim.base_url) as http:
        login = await http.post(
            "/session/login",
            json={"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password},
            headers={"LV-Access": creds.access_token},
        )
        headers = {"LV-Session": (await login.json())["sessionId"]}
        async with http.get(path, params={k: str(v) for k, v in params.items()}, headers=headers) as answer:
            return answer.status, await answer.json()


async def test_each_kind_of_change_is_applied_to_the_answer(livevox_sim: Simulator) -> None:
    agent = livevox_sim.state.record("agents", 100001)
    livevox_sim.drift.add(
        KeyRenamed("agents.read", "loginId", "loginName"),
        StringForInteger("agents.read", "wrapUpTime"),
        KeyRenamed("agents.read", "assignedService[].id", "serviceId"),
        EnumValueAdded("resource_groups.read", "type", "ROUND_ROBIN"),
        ListKeyChanged("voices.list", "voices"),
        StatusChanged("lcid_packages.list", 404),
    )
    status, read = await get(livevox_sim, "/configuration/agents/100001")
    _, group = await get(livevox_sim, "/configuration/resourceGroups/501")
    _, voices = await get(livevox_sim, "/configuration/util/voices", count=2, offset=0)
    gone, error = await get(livevox_sim, "/configuration/lcidPackages", count=2, offset=0)
    expected = {k: v for k, v in agent.items() if k != "loginId"}
    expected |= {"loginName": agent["loginId"], "wrapUpTime": str(agent["wrapUpTime"])}
    expected["assignedService"] = [{"serviceId": e["id"]} for e in agent["assignedService"]]
    assert (status, read) == (200, expected)
    assert group["type"] == "ROUND_ROBIN"
    assert voices == {
        "voices": livevox_sim.state.records("voices")[:2],
        "next": "configuration/util/voices?count=2&offset=2",
    }
    assert (gone, error) == (
        404,
        {"code": 404, "message": "List LCID Packages answered 404 (simulator drift)"},
    )


async def test_clearing_the_drift_restores_the_schemas_answers(livevox_sim_factory: SimulatorFactory) -> None:
    drifted = await livevox_sim_factory(drift=Drift.sample())
    clean = await livevox_sim_factory()
    assert "loginName" in (await get(drifted, "/configuration/agents/100001"))[1]
    assert (await get(clean, "/configuration/agents/100001"))[1] == clean.state.record("agents", 100001)
    drifted.drift.clear()
    assert (await get(drifted, "/configuration/agents/100001"))[1] == drifted.state.record("agents", 100001)
    assert len(drifted.config.drift.changes) == 5  # the config's drift is a copy, untouched


async def test_error_answers_are_not_drifted(livevox_sim: Simulator) -> None:
    livevox_sim.drift.add(KeyRenamed("agents.read", "code", "codigo"))
    found, body = await get(livevox_sim, "/configuration/agents/1")
    assert (found, body) == (404, {"code": 404, "message": "agents 1 does not exist"})
