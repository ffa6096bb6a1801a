"""Session ids are taken when a request is sent, so an expiry costs one login and a few 401s.

The simulator's sessions are expired from a client hook (an aiohttp `TraceConfig`) when the
n-th answer arrives, while hundreds of reads are queued for an in-flight slot or a token.

Why the 401 count has a bound, not a value: when the sessions expire, up to
`max_concurrency` requests are in flight, and the server may or may not have processed
each of them yet (it runs in the same loop). Every request the server handles after the
expiry carries the dead id and gets a 401 — but each in-flight slot can carry at most one:
the call that gets the first 401 back marks the session as being renewed before it yields,
so a request that takes a slot after that waits for the new id. Hence 1 <= 401s <=
max_concurrency per expiry, and every 401 is sent again exactly once.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Collection
from typing import Any

import aiohttp
import pytest
from runtime_support import ops_in_log

from livevox_async import LiveVox
from livevox_async.testing import Simulator

READS = 300


def expire_sessions_at(sim: Simulator, answers: Collection[int]) -> aiohttp.TraceConfig:
    """A client hook expiring every simulator session when the n-th answer (n in `answers`) arrives."""
    counter = itertools.count(1)
    trace = aiohttp.TraceConfig()

    async def on_request_end(*_: Any) -> None:
        if next(counter) in answers:
            sim.expire_sessions()

    trace.on_request_end.append(on_request_end)
    return trace


async def read_all(sim: Simulator, expire_at: Collection[int], **client: Any) -> tuple[list[Any], LiveVox]:
    agents = [r["id"] for r in sim.state.records("agents")]
    ids = (agents * 2)[:READS]  # the test tenant has 250 agents: some are read twice
    trace = expire_sessions_at(sim, expire_at)
    async with LiveVox(
        sim.credentials("Sysadmin"), base_url=sim.base_url, trace_configs=[trace], **client
    ) as lv:
        await lv.agents.read(ids[0])  # logged in (answer 1 of the hook's count is the login)
        read = await asyncio.gather(*(lv.agents.read(i) for i in ids), return_exceptions=True)
    assert [getattr(a, "id", a) for a in read] == ids  # an exception would show in its place
    return read, lv


CONCURRENCY = [
    pytest.param({"max_concurrency": 4}, id="queued-for-a-slot"),
    pytest.param({"max_concurrency": 16, "rate": 4000, "burst": 1}, id="queued-for-a-token"),
]


@pytest.mark.parametrize("client", CONCURRENCY)
async def test_one_expiry_under_load_costs_one_login_and_at_most_one_401_per_slot(
    livevox_sim: Simulator, client: dict[str, Any]
) -> None:
    _, lv = await read_all(livevox_sim, {150}, **client)
    answered_401 = [e for e in livevox_sim.request_log if e.operation == "agents.read" and e.status == 401]
    assert ops_in_log(livevox_sim, "session.login") == 2
    assert 1 <= len(answered_401) <= client["max_concurrency"]
    assert ops_in_log(livevox_sim, "agents.read") == 1 + READS + len(answered_401)  # each 401 resent once
    assert lv.stats().relogins == 1  # only the call that found its own id dead logged in again


@pytest.mark.parametrize("client", CONCURRENCY)
async def test_four_expiries_cost_four_logins_and_no_call(
    livevox_sim: Simulator, client: dict[str, Any]
) -> None:
    # Valid credentials: no call may fail, however its wait overlapped an expiry.
    _, lv = await read_all(livevox_sim, {60, 120, 180, 240}, **client)
    answered_401 = [e for e in livevox_sim.request_log if e.operation == "agents.read" and e.status == 401]
    assert ops_in_log(livevox_sim, "session.login") == 1 + 4
    assert 4 <= len(answered_401) <= 4 * client["max_concurrency"]
    assert ops_in_log(livevox_sim, "agents.read") == 1 + READS + len(answered_401)
    assert lv.stats().relogins == 4
