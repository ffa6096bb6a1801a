"""Answers that cost a client dearly: a gzip bomb, an endless or huge body, ids above 64 bits,
deep nesting. Each is applied after the request was processed."""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

import aiohttp
import pytest
from sim_support import Api

from livevox_async.testing import FAULT_KINDS, FaultKind, FaultPlan, Simulator

MiB = 1 << 20
AGENT = "/configuration/agents/100001"
COSTLY = ("gzip_bomb", "endless_body", "huge_body", "big_integers", "deep_nesting")


async def _plain(admin: Api, path: str = AGENT) -> bytes:
    async with admin.http.get(path, headers=admin.session_headers) as reply:
        return await reply.read()


async def _raw_session(sim: Simulator) -> aiohttp.ClientSession:
    """An aiohttp session that leaves `Content-Encoding` alone (the test inflates by hand)."""
    return aiohttp.ClientSession(sim.base_url, auto_decompress=False)


async def test_a_gzip_bomb_is_streamed_and_inflates_beyond_what_is_read(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.faults.script("gzip_bomb", operation="agents.read")
    inflater, inflated, compressed = zlib.decompressobj(wbits=31), b"", 0

    async with (
        await _raw_session(livevox_sim) as http,
        http.get(AGENT, headers=admin.session_headers) as reply,
    ):
        headers = reply.headers
        async for chunk in reply.content.iter_any():
            compressed += len(chunk)
            inflated += inflater.decompress(chunk)
            if len(inflated) > MiB:
                break  # leave with the rest unread: the server stops writing

    assert (reply.status, headers["Content-Encoding"], headers["Transfer-Encoding"]) == (
        200,
        "gzip",
        "chunked",
    )
    assert "Content-Length" not in headers
    assert inflated == b" " * len(inflated)  # JSON whitespace before the real answer
    assert compressed < MiB // 100  # a bomb: far more comes out than went in
    assert livevox_sim.request_log[-1].fault == "gzip_bomb"
    assert (await admin.get(AGENT)).status == 200  # the simulator serves on


async def test_a_small_gzip_bomb_inflates_to_its_padding_then_the_real_answer(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.faults = FaultPlan(bomb_bytes=2 * MiB + 3)
    expected = await _plain(admin)
    livevox_sim.faults.script("gzip_bomb", operation="agents.read")

    inflated = await _plain(admin)  # aiohttp inflates it

    assert inflated == b" " * (2 * MiB + 3) + expected


async def test_an_endless_body_never_ends(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults.script("endless_body", operation="agents.list")
    received = b""

    async with admin.http.get(
        "/configuration/agents?count=10&offset=0", headers=admin.session_headers
    ) as reply:
        headers = reply.headers
        while len(received) < 10 * MiB:
            received += await reply.content.read(MiB)

    assert (reply.status, headers["Transfer-Encoding"]) == (200, "chunked")
    assert received == b" " * len(received)
    assert (await admin.get(AGENT)).status == 200


async def test_a_huge_body_announces_its_length_and_streams_it(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults.script("huge_body", operation="agents.read")

    async with admin.http.get(AGENT, headers=admin.session_headers) as reply:
        length, head = reply.content_length, await reply.content.readexactly(MiB)

    assert length == 128 * MiB
    assert head == b" " * MiB
    assert (await admin.get(AGENT)).status == 200


async def test_a_small_huge_body_is_the_real_answer_padded_in_front(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.faults = FaultPlan(huge_bytes=3 * MiB)
    expected = await _plain(admin)
    livevox_sim.faults.script("huge_body", operation="agents.read")

    padded = await _plain(admin)

    assert len(padded) == 3 * MiB
    assert padded == b" " * (3 * MiB - len(expected)) + expected


async def test_big_integers_add_two_to_the_64_to_every_id(livevox_sim: Simulator, admin: Api) -> None:
    expected = json.loads(await _plain(admin))
    livevox_sim.faults.script("big_integers", operation="agents.read")

    answer = json.loads(await _plain(admin))

    assert expected["assignedService"]
    assert answer == {
        **expected,
        "id": 100001 + 2**64,
        "assignedService": [{**e, "id": e["id"] + 2**64} for e in expected["assignedService"]],
    }


async def test_an_answer_fault_on_a_create_leaves_the_create_done(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults.script("big_integers", operation="term_code_categories.create")

    async with admin.http.post(
        "/configuration/termCodeCategories",
        json={"name": "Big"},
        headers=admin.session_headers,
    ) as reply:
        status, answer = reply.status, json.loads(await reply.read())

    created = [c for c in livevox_sim.state.records("term_code_categories") if c["name"] == "Big"]
    assert len(created) == 1
    assert (status, answer) == (201, {"id": created[0]["id"] + 2**64})


async def test_deep_nesting_adds_a_list_nested_300_levels(livevox_sim: Simulator, admin: Api) -> None:
    expected = json.loads(await _plain(admin))
    livevox_sim.faults.script("deep_nesting", operation="agents.read")

    answer = json.loads(await _plain(admin))
    nested, depth = answer.pop("nested"), 0
    while nested != []:
        (nested,) = nested
        depth += 1

    assert answer == expected
    assert depth + 1 == 300  # the innermost `[]` is the 300th list


async def test_an_answer_without_body_becomes_a_200_object(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.faults = FaultPlan(nesting_depth=3)
    livevox_sim.faults.script("deep_nesting", operation="agents.delete")

    async with admin.http.delete(AGENT, headers=admin.session_headers) as reply:
        status, body = reply.status, await reply.read()

    assert (status, body) == (200, b'{"nested":[[[]]]}')
    assert livevox_sim.state.find("agents", 100001) is None  # the delete happened
    assert livevox_sim.request_log[-1].status == 204


def test_costly_kinds_are_scripted_never_drawn_by_default() -> None:
    assert set(COSTLY) <= set(FAULT_KINDS)
    assert not set(COSTLY) & set(FaultPlan().kinds)
    plan = FaultPlan()
    assert (plan.bomb_bytes, plan.huge_bytes, plan.nesting_depth) == (256 * MiB, 128 * MiB, 300)


@pytest.mark.parametrize("setting", [{"bomb_bytes": -1}, {"huge_bytes": -1}, {"nesting_depth": 0}])
def test_fault_sizes_are_checked(setting: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(setting))):
        FaultPlan(**setting)


@pytest.mark.parametrize("kind", ["gzip_bomb", "endless_body", "huge_body"])
async def test_a_streamed_answer_stops_when_the_client_leaves(
    livevox_sim: Simulator, admin: Api, kind: FaultKind
) -> None:
    livevox_sim.faults.script(kind, operation="agents.read")
    before = asyncio.all_tasks()

    async with (
        aiohttp.ClientSession(livevox_sim.base_url) as http,  # a new connection: a new server task
        http.get(AGENT, headers=admin.session_headers) as reply,
    ):
        await reply.content.readexactly(1000)
        serving = asyncio.all_tasks() - before
    for _ in range(1000):  # a bound, not a deadline: the server's task ends once it sees the client gone
        if all(task.done() for task in serving):
            break
        await asyncio.sleep(0.01)

    assert serving  # the simulator's connection and its handler, writing the answer
    assert all(task.done() for task in serving)
