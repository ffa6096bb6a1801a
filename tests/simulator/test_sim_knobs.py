"""Knobs: the per-token rate limit (429 + Retry-After, or hidden), latency, the request log."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
from sim_support import Api

from livevox_async.testing import LoggedRequest, Simulator
from livevox_async.testing.pytest_plugin import SimulatorFactory


async def _session(sim: Simulator, http: aiohttp.ClientSession, token_index: int = 0) -> dict[str, str]:
    creds = sim.credentials("Sysadmin", token_index=token_index)
    body = {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
    async with http.post("/session/login", json=body, headers={"LV-Access": creds.access_token}) as reply:
        assert reply.status == 200
        return {"LV-Session": (await reply.json())["sessionId"]}


async def _get(
    http: aiohttp.ClientSession, headers: dict[str, str], path: str = "/configuration/agents/info"
) -> tuple[int, str | None, Any]:
    async with http.get(path, headers=headers) as reply:
        return reply.status, reply.headers.get("Retry-After"), await reply.json()


async def test_the_limiter_grants_its_rate_per_token(livevox_sim_factory: SimulatorFactory) -> None:
    # A frozen clock: the bucket refills only when the test moves time, so the counts are exact.
    sim = await livevox_sim_factory(rate_limit=50.0, rate_burst=5.0, frozen_clock=True)
    refusal = (429, "1", {"code": 429, "message": "too many requests for this access token"})
    async with aiohttp.ClientSession(sim.base_url) as http:
        headers = await _session(sim, http)  # the bucket starts full (5); the login spends one

        async def statuses(n: int) -> list[int]:
            return [(await _get(http, headers))[0] for _ in range(n)]

        first = await statuses(6)
        refused = await _get(http, headers)
        sim.advance(0.03)  # 50/s: one and a half tokens
        one = await statuses(2)
        sim.advance(0.1)  # five tokens
        five = await statuses(6)
        sim.advance(10.0)  # capped by the burst
        capped = await statuses(6)

    assert first == [200] * 4 + [429] * 2
    assert refused == refusal
    assert one == [200, 429]
    assert five == [200] * 5 + [429]
    assert capped == [200] * 5 + [429]


async def test_hidden_mode_refuses_without_retry_after_and_the_limit_changes_at_run_time(
    livevox_sim_factory: SimulatorFactory,
) -> None:
    sim = await livevox_sim_factory(rate_limit=1.0, hidden_rate_limit=True)
    async with aiohttp.ClientSession(sim.base_url) as http:
        headers = await _session(sim, http)  # the login spent the token
        hidden = await _get(http, headers)
        sim.set_rate_limit(0.2)  # new buckets, full: one request passes
        told = [await _get(http, headers), await _get(http, headers)]
        sim.set_rate_limit(None)
        unlimited = [(await _get(http, headers))[0] for _ in range(20)]

    assert hidden[:2] == (429, None)
    assert [reply[:2] for reply in told] == [(200, None), (429, "5")]
    assert unlimited == [200] * 20


async def test_each_access_token_has_its_own_bucket_and_logins_count(
    livevox_sim_factory: SimulatorFactory,
) -> None:
    sim = await livevox_sim_factory()
    async with aiohttp.ClientSession(sim.base_url) as http:
        first = await _session(sim, http, token_index=0)
        second = await _session(sim, http, token_index=1)
        sim.set_rate_limit(1.0)
        statuses = [(await _get(http, first))[0], (await _get(http, first))[0], (await _get(http, second))[0]]
        creds = sim.credentials("IT User", token_index=2)
        body = {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
        logins = []
        for _ in range(2):
            async with http.post(
                "/session/login", json=body, headers={"LV-Access": creds.access_token}
            ) as reply:
                logins.append(reply.status)

    assert statuses == [200, 429, 200]
    assert logins == [200, 429]
    assert [(r.operation, r.status, r.access_token_index) for r in sim.request_log[-2:]] == [
        ("session.login", 200, 2),
        ("session.login", 429, 2),
    ]


async def test_latency_fixed_and_random(livevox_sim: Simulator, admin: Api) -> None:
    async def timed() -> float:
        started = time.monotonic()
        assert (await admin.get("/configuration/callCenters/info")).status == 200
        return time.monotonic() - started

    livevox_sim.set_latency(0.2)
    fixed = await timed()
    livevox_sim.set_latency((0.05, 0.1))
    ranged = [await timed() for _ in range(5)]

    # Lower bounds only: a loaded machine makes any answer late, never early.
    assert fixed >= 0.2
    assert all(t >= 0.05 for t in ranged)


async def test_the_request_log_records_every_answer(livevox_sim: Simulator, anon: Api, admin: Api) -> None:
    livevox_sim.request_log.clear()

    await admin.get("/configuration/agents/100001")
    await admin.get("/configuration/v6.0/agents", count=2, offset=0)
    await admin.get("/configuration/nowhere")
    await anon.get("/configuration/agents/100001")
    await admin.post("/configuration/termCodeCategories", {"name": "Logged"})

    assert livevox_sim.request_log == [
        LoggedRequest("GET", "/configuration/agents/100001", "agents.read", 200, "user", 0),
        LoggedRequest(
            "GET", "/configuration/v6.0/agents", "agents.list", 200, "user", 0, None, "count=2&offset=0"
        ),
        LoggedRequest(
            "GET", "/configuration/nowhere", None, 404, None, None
        ),  # no operation, no session check
        LoggedRequest("GET", "/configuration/agents/100001", "agents.read", 401, None, None),
        LoggedRequest(
            "POST", "/configuration/termCodeCategories", "term_code_categories.create", 201, "user", 0
        ),
    ]
    assert sum(r.operation == "term_code_categories.create" for r in livevox_sim.request_log) == 1


async def test_the_request_log_can_be_switched_off(livevox_sim_factory: SimulatorFactory) -> None:
    sim = await livevox_sim_factory(log_requests=False)
    async with aiohttp.ClientSession(sim.base_url) as http:
        await _session(sim, http)

    assert sim.request_log == []
