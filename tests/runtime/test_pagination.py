"""Pagination: every item once, pages, max_items, concurrent offsets, hostile next links."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from runtime_support import ops_in_log

from livevox_async import Credentials, LiveVox, PaginationError
from livevox_async.testing import Simulator


async def test_every_item_exactly_once(lv: LiveVox, livevox_sim: Simulator) -> None:
    expected = [r["id"] for r in livevox_sim.state.records("agents")]
    assert [a.id async for a in lv.agents.list(page_size=7)] == expected
    assert [a.id async for a in lv.agents.list()] == expected
    pages = [p async for p in lv.agents.list(page_size=100).pages()]
    assert [p.offset for p in pages] == list(range(0, len(expected), 100))
    assert pages[-1].next is None
    assert all(p.next for p in pages[:-1])
    assert pages[0].raw[0] == {
        k: v for k, v in livevox_sim.state.records("agents")[0].items() if k in pages[0].raw[0]
    }


async def test_max_items_stops_early_and_asks_for_no_more(lv: LiveVox, livevox_sim: Simulator) -> None:
    items = await lv.agents.list(page_size=10, max_items=25).collect()
    assert [a.id for a in items] == [r["id"] for r in livevox_sim.state.records("agents")[:25]]
    assert ops_in_log(livevox_sim, "agents.list") == 3
    assert await lv.agents.list(max_items=0).collect() == []


async def test_concurrent_pages_come_in_order_and_match(lv: LiveVox, livevox_sim: Simulator) -> None:
    expected = [r["id"] for r in livevox_sim.state.records("agents")]
    pages = [p async for p in lv.agents.list(page_size=20).concurrent_pages(concurrency=5)]
    assert [a.id for p in pages for a in p.items] == expected
    assert [p.offset for p in pages] == list(range(0, len(expected), 20))
    assert ops_in_log(livevox_sim, "agents.info") == 1
    assert ops_in_log(livevox_sim, "agents.list") == len(pages)


async def test_filtered_lists_do_not_use_info(lv: LiveVox, livevox_sim: Simulator) -> None:
    call_center = livevox_sim.state.records("call_centers")[0]["callCenterId"]
    expected = [
        r["serviceId"] for r in livevox_sim.state.records("services") if r["callCenterId"] == call_center
    ]
    pages = [p async for p in lv.services.list(call_center=call_center, page_size=3).concurrent_pages()]
    assert [s.service_id for p in pages for s in p.items] == expected
    assert ops_in_log(livevox_sim, "services.info") == 0


async def test_search_pages_with_a_body(lv: LiveVox, livevox_sim: Simulator) -> None:
    from livevox_async.models import AgentSearch

    target = livevox_sim.state.records("agents")[5]["loginId"]
    found = await lv.agents.search(AgentSearch(login_id=target)).collect()
    assert target in [a.login_id for a in found]


@pytest.fixture
async def looping_server() -> AsyncIterator[str]:
    """A hostile server whose list always points back at offset 0."""

    async def login(request: web.Request) -> web.Response:
        return web.json_response({"sessionId": "s", "clientId": 1, "userId": 2})

    async def agents(request: web.Request) -> web.Response:
        return web.json_response({"agent": [{"id": 1}], "next": "configuration/agents?count=1&offset=0"})

    async def logout(request: web.Request) -> web.Response:
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/session/login", login)
    app.router.add_get("/configuration/agents", agents)
    app.router.add_delete("/session/logout/{id}", logout)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_repeating_next_link_is_caught(looping_server: str) -> None:
    creds = Credentials(access_token="t", client_name="c", user_name="u", password="p")
    async with LiveVox(creds, base_url=looping_server) as lv:
        with pytest.raises(PaginationError, match="offset 1 was already listed"):
            await lv.agents.list(page_size=1).collect()
