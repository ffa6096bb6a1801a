"""Fault injection as a plain aiohttp client sees it, and whether the request was processed."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aiohttp
import orjson
import pytest
from sim_support import Api, LogIn

from livevox_async.testing import FaultKind, FaultPlan, Simulator
from livevox_async.testing.pytest_plugin import SimulatorFactory

BROKEN_CONNECTION = (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)
NEW_CATEGORY = {"name": "Faulted"}


async def _read(
    admin: Api, path: str = "/configuration/agents?count=1000&offset=0"
) -> tuple[int, Mapping[str, str], bytes]:
    async with admin.http.get(path, headers=admin.session_headers) as reply:
        return reply.status, reply.headers, await reply.read()


@pytest.mark.parametrize("kind", ["500", "502", "503"])
async def test_server_errors(livevox_sim: Simulator, admin: Api, kind: FaultKind) -> None:
    livevox_sim.faults.script(kind, operation="agents.list")

    status, _, body = await _read(admin)

    assert status == int(kind)
    assert orjson.loads(body)["code"] == int(kind)
    assert livevox_sim.faults.pending() == 0
    assert (await _read(admin))[0] == 200  # the script served its one fault
    assert livevox_sim.request_log[-2].fault == kind


async def test_injected_429_tells_retry_after(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults.script("429")

    status, headers, body = await _read(admin)

    assert (status, headers["Retry-After"]) == (429, "1")
    assert orjson.loads(body) == {"code": 429, "message": "too many requests (injected fault)"}


@pytest.mark.parametrize("kind", ["reset", "truncate"])
async def test_broken_connections(livevox_sim: Simulator, admin: Api, kind: FaultKind) -> None:
    livevox_sim.faults.script(kind, operation="agents.list")

    with pytest.raises(BROKEN_CONNECTION):
        await _read(admin)

    assert (await _read(admin))[0] == 200
    assert (livevox_sim.request_log[-2].fault, livevox_sim.request_log[-2].status) == (kind, 200)


async def test_truncate_announces_the_full_length_and_sends_half(livevox_sim: Simulator, admin: Api) -> None:
    full = len((await _read(admin, "/configuration/agents/100001"))[2])
    livevox_sim.faults.script("truncate", operation="agents.read")

    async with admin.http.get("/configuration/agents/100001", headers=admin.session_headers) as reply:
        announced = reply.content_length
        with pytest.raises(aiohttp.ClientPayloadError):
            await reply.read()

    assert announced == full


async def test_malformed_json_and_html_pages_come_with_200(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults.script("malformed_json", operation="agents.read")
    livevox_sim.faults.script("html_200", operation="agents.read")

    malformed = await _read(admin, "/configuration/agents/100001")
    html = await _read(admin, "/configuration/agents/100001")

    assert malformed[0] == 200
    assert malformed[1]["Content-Type"] == "application/json"
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(malformed[2])
    assert html[0] == 200
    assert html[1]["Content-Type"].startswith("text/html")
    assert html[2].startswith(b"<!DOCTYPE html>")


async def test_slow_headers_time_a_client_out_and_leave_the_tenant_alone(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.faults = FaultPlan(slow_seconds=0.4)
    livevox_sim.faults.script("slow_headers", operation="term_code_categories.create")
    before = livevox_sim.state.records("term_code_categories")

    with pytest.raises(aiohttp.ServerTimeoutError):
        await admin.http.post(
            "/configuration/termCodeCategories",
            json=NEW_CATEGORY,
            headers=admin.session_headers,
            timeout=aiohttp.ClientTimeout(sock_read=0.1),
        )
    await asyncio.sleep(0.5)  # the simulator wakes up, sees the client gone, drops the request

    assert livevox_sim.state.records("term_code_categories") == before
    assert (livevox_sim.request_log[-1].status, livevox_sim.request_log[-1].fault) == (499, "slow_headers")


async def test_a_patient_client_gets_the_slow_answer(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults = FaultPlan(slow_seconds=0.2)
    livevox_sim.faults.script("slow_headers")

    loop = asyncio.get_running_loop()
    started = loop.time()
    status, _, _ = await _read(admin)

    assert status == 200
    assert loop.time() - started >= 0.2


async def test_expire_session_answers_401(livevox_sim: Simulator, admin: Api, anon: Api) -> None:
    livevox_sim.faults.script("expire_session")

    status, _, body = await _read(admin)

    assert (status, orjson.loads(body)["code"]) == (401, 401)
    assert (await anon.get(f"/session/validate/{admin.session_id}")).status == 404


async def test_answer_faults_happen_after_processing_and_error_faults_before(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.faults.script("500", operation="term_code_categories.create")
    livevox_sim.faults.script("reset", operation="term_code_categories.create")

    def names() -> list[str]:
        return [c["name"] for c in livevox_sim.state.records("term_code_categories")]

    failed = await admin.post("/configuration/termCodeCategories", NEW_CATEGORY)
    assert failed.status == 500
    assert "Faulted" not in names()

    with pytest.raises(BROKEN_CONNECTION):
        await admin.post("/configuration/termCodeCategories", NEW_CATEGORY)
    assert "Faulted" in names()  # the create happened; only its answer was lost
    creates = [r for r in livevox_sim.request_log if r.operation == "term_code_categories.create"]
    assert [(r.status, r.fault) for r in creates] == [(500, "500"), (201, "reset")]


async def test_session_methods_get_faults_only_when_scripted_for_them(
    livevox_sim: Simulator, anon: Api, log_in: LogIn
) -> None:
    livevox_sim.faults.rate = 1.0
    livevox_sim.faults.script("503")  # unscoped: never a session method

    api = await log_in(livevox_sim.credentials("IT User"))
    faulted = await api.get("/configuration/agents/info")
    logout = await anon.delete(f"/session/logout/{api.session_id}")
    livevox_sim.faults.clear()
    livevox_sim.faults.script("503", operation="session.login")
    creds = livevox_sim.credentials("IT User")
    body = {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
    login = await anon.post("/session/login", body, headers={"LV-Access": creds.access_token})

    assert faulted.status == 503
    assert logout.status == 204
    assert login.status == 503


async def test_the_fault_rate_is_a_seeded_probability(livevox_sim_factory: SimulatorFactory) -> None:
    async def faults_seen(sim: Simulator) -> list[int]:
        creds = sim.credentials("Sysadmin")
        async with aiohttp.ClientSession(sim.base_url) as http:
            body = {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
            async with http.post(
                "/session/login", json=body, headers={"LV-Access": creds.access_token}
            ) as reply:
                headers = {"LV-Session": (await reply.json())["sessionId"]}
            statuses = []
            for _ in range(200):
                async with http.get("/configuration/callCenters/info", headers=headers) as reply:
                    statuses.append(reply.status)
        return statuses

    plan = FaultPlan(rate=0.25, kinds=("500", "503"), seed=42)
    first = await faults_seen(await livevox_sim_factory(faults=plan))
    second = await faults_seen(await livevox_sim_factory(faults=plan))

    assert first == second
    assert set(first) == {200, 500, 503}
    assert 30 <= sum(s != 200 for s in first) <= 70


def test_fault_plans_reject_unknown_kinds_and_operations() -> None:
    with pytest.raises(ValueError, match="unknown fault kind 'explode'"):
        FaultPlan(kinds=("explode",))
    with pytest.raises(ValueError, match=r"unknown operation 'agents\.fly'"):
        FaultPlan().script("500", operation="agents.fly")
