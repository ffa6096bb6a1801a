"""Survivable where guessed: `lv.raw` (the same methods answering wire JSON), `lv.request`
(any verb and path, through sessions, retries, limiter and typed errors), and a `DecodeError`
that says where the answer differs and how to get it anyway."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from fidelity_support import WireTap

from livevox_async import (
    OPERATIONS,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    LiveVox,
    NotFoundError,
    Operation,
    PermissionDeniedError,
    ServerError,
)
from livevox_async._converter import structure
from livevox_async._generated.raw import RAW_FAMILIES
from livevox_async.models import AgentSearch
from livevox_async.testing import Simulator


def attempts(sim: Simulator, operation: str) -> list[int]:
    return [e.status for e in sim.request_log if e.operation == operation]


def client(sim: Simulator, role: str = "Sysadmin", **kwargs: Any) -> LiveVox:
    return LiveVox(sim.credentials(role), base_url=sim.base_url, **kwargs)


# -- lv.raw ---------------------------------------------------------------------------------


async def test_raw_methods_answer_what_livevox_sent(livevox_sim: Simulator) -> None:
    state = livevox_sim.state
    async with client(livevox_sim) as lv:
        agent = await lv.raw.agents.read(100001)
        page = await lv.raw.agents.list(count=2, offset=1)
        found = await lv.raw.agents.search(AgentSearch(login_id=agent["loginId"]), count=5)
        info = await lv.raw.agents.info()
    assert agent == state.record("agents", 100001)
    listed = state.records("agents")[1:3]
    assert page == {
        "agent": [{k: a[k] for k in ("id", "loginId", "firstName", "lastName")} for a in listed],
        "next": "configuration/agents?count=2&offset=3",
    }
    assert [a["id"] for a in found["agent"]] == [100001]
    assert info == {"size": len(state.records("agents")), "lastModified": state.last_modified("agents")}


async def test_raw_writes_take_a_plain_mapping_and_answer_their_body(livevox_sim: Simulator) -> None:
    body = {"name": "Raw Category", "unexpectedKey": True}  # a key the model would not let through
    async with client(livevox_sim) as lv:
        created = await lv.raw.term_code_categories.create(body)
        updated = await lv.raw.term_code_categories.update(created["id"], {"name": "Raw Category 2"})
    assert updated is None  # 204: no body
    assert livevox_sim.state.record("term_code_categories", created["id"])["name"] == "Raw Category 2"
    assert attempts(livevox_sim, "term_code_categories.create") == [201]


async def test_a_mismatch_names_the_paths_and_the_evidence_and_raw_still_gets_the_data(
    livevox_sim: Simulator,
) -> None:
    livevox_sim.state.change("agents", 100001, {"wrapUpTime": "30", "homeAgent": 1})
    async with client(livevox_sim) as lv:
        with pytest.raises(DecodeError) as caught:
            await lv.agents.read(100001)
        raw = await lv.raw.agents.read(100001)
    error = caught.value
    assert error.problems == ("$.wrapUpTime: expected int, got str", "$.homeAgent: expected bool, got int")
    assert str(error) == (
        "the answer to agents.read does not match the schema (evidence: path code, response code); "
        "lv.raw.agents.read(...) returns it as LiveVox sent it: "
        "$.wrapUpTime: expected int, got str; $.homeAgent: expected bool, got int "
        f"[agents.read, GET /configuration/agents/100001, request id {error.request_id}]"
    )
    assert (raw["wrapUpTime"], raw["homeAgent"]) == ("30", 1)
    assert attempts(livevox_sim, "agents.read") == [200, 200]  # a mismatch is not retried


async def test_a_list_mismatch_points_at_the_raw_list(livevox_sim: Simulator) -> None:
    livevox_sim.state.change("agents", 100002, {"loginId": 12345})
    async with client(livevox_sim) as lv:
        with pytest.raises(DecodeError) as caught:
            _ = [a async for a in lv.agents.list(page_size=10)]
    assert caught.value.problems == ("$.agent[1].loginId: expected str, got int",)
    assert "lv.raw.agents.list(...) returns it as LiveVox sent it" in str(caught.value)


# -- lv.request -----------------------------------------------------------------------------


async def test_request_reads_any_path_as_json_and_none_for_204(livevox_sim: Simulator, tap: WireTap) -> None:
    expected = livevox_sim.state.record("agents", 100001)
    async with client(livevox_sim, api_version="v6.0", trace_configs=[tap.config]) as lv:
        agent = await lv.request("GET", "/configuration/agents/100001")
        added = await lv.request("PUT", "/configuration/agents/100001/services/40001")
        page = await lv.request("GET", "/configuration/util/voices", query={"count": 3, "offset": 0})
    assert agent == expected
    assert added is None
    assert {"id": 40001} in livevox_sim.state.record("agents", 100001)["assignedService"]
    assert [v["id"] for v in page["voice"]] == [1, 2, 3]
    assert [s.path for s in tap.sent[1:4]] == [
        "/configuration/v6.0/agents/100001",
        "/configuration/v6.0/agents/100001/services/40001",
        "/configuration/v6.0/util/voices",
    ]


async def test_request_logs_in_again_after_an_expired_session(livevox_sim: Simulator) -> None:
    async with client(livevox_sim) as lv:
        await lv.request("GET", "/configuration/agents/info")
        livevox_sim.expire_sessions()
        info = await lv.request("GET", "/configuration/agents/info")
        assert lv.stats().relogins == 1
    assert info["size"] == len(livevox_sim.state.records("agents"))
    assert attempts(livevox_sim, "session.login") == [200, 200]
    assert attempts(livevox_sim, "agents.info") == [200, 401, 200]


async def test_request_retries_by_the_verb(livevox_sim: Simulator) -> None:
    livevox_sim.faults.script("503", operation="agents.read")
    livevox_sim.faults.script("503", operation="agents.search")
    async with client(livevox_sim) as lv:
        read = await lv.request("GET", "/configuration/agents/100001")
        with pytest.raises(ServerError) as caught:  # a POST may have been processed: not resent
            await lv.request("POST", "/configuration/agents/search", query={"count": 1, "offset": 0}, json={})
    assert read["id"] == 100001
    assert attempts(livevox_sim, "agents.read") == [503, 200]
    assert attempts(livevox_sim, "agents.search") == [503]
    assert caught.value.status == 503


async def test_request_goes_through_the_limiter(livevox_sim: Simulator) -> None:
    async with client(livevox_sim, rate=1000.0) as lv:
        await lv.request("GET", "/configuration/agents/info")
        before = lv.stats().limiters["token 1"].granted
        for _ in range(3):
            await lv.request("GET", "/configuration/agents/info")
        assert lv.stats().limiters["token 1"].granted == before + 3


async def test_request_keeps_the_role_check_of_a_known_path(livevox_sim: Simulator) -> None:
    creds = livevox_sim.credentials("Manager", manager_powers=())
    async with LiveVox(creds, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(PermissionDeniedError) as caught:
            await lv.request("GET", "/configuration/agents/100001")
        with pytest.raises(NotFoundError) as unknown:  # not in the table: sent, LiveVox answers
            await lv.request("GET", "/configuration/campaigns")
    assert caught.value.local is True
    assert attempts(livevox_sim, "agents.read") == []
    assert unknown.value.lv_message == "no LiveVox method at /configuration/campaigns"
    assert unknown.value.operation == "request"


async def test_request_raises_typed_errors(livevox_sim: Simulator) -> None:
    async with client(livevox_sim) as lv:
        with pytest.raises(NotFoundError):
            await lv.request("GET", "/configuration/agents/1")
        with pytest.raises(BadRequestError) as bad:
            await lv.request("GET", "/configuration/agents", query={"count": 5000, "offset": 0})
    assert bad.value.lv_message == "count: must be between 1 and 1000, got 5000"


@pytest.mark.parametrize(
    "path",
    [
        "configuration/agents",
        "/configuration/agents?count=1",
        "/configuration/agents/../users",
        "/configuration//x",
    ],
)
async def test_request_refuses_a_path_it_cannot_send_safely(livevox_sim: Simulator, path: str) -> None:
    async with client(livevox_sim) as lv:
        with pytest.raises(ConfigurationError):
            await lv.request("GET", path)
    assert livevox_sim.request_log == []  # refused before anything was sent, the login included


def test_the_operation_of_a_known_path_only_changes_its_retry_rule() -> None:
    from livevox_async._raw_request import request_operation

    op, values = request_operation("POST", "/configuration/agents/search")
    assert op == attrs.evolve(OPERATIONS["agents.search"], idempotent=False)
    assert values == {}


def sample_arguments(op: Operation, sim: Simulator) -> list[object]:
    """Path arguments naming seeded records, in the method's order."""
    state = sim.state
    first = {
        "id": next(iter(state.values(op.family)))[state.id_key(op.family)]
        if op.family != "clients"
        else 4199,
        "serviceId": 40001,
    }
    return [first[p.wire] for p in op.path_params()]


READS = [
    op for op in OPERATIONS.values() if op.family in RAW_FAMILIES and op.method == "GET" and not op.is_list
]


@pytest.mark.parametrize("op", READS, ids=lambda op: op.id)
async def test_every_raw_read_is_its_typed_twin_undecoded(livevox_sim: Simulator, op: Operation) -> None:
    args = sample_arguments(op, livevox_sim)
    async with client(livevox_sim) as lv:
        typed = await getattr(getattr(lv, op.family), op.name)(*args)
        raw = await getattr(getattr(lv.raw, op.family), op.name)(*args)
    assert isinstance(raw, dict)
    assert structure(raw, op.result) == typed
    assert [e.operation for e in livevox_sim.request_log].count(op.id) == 2


LISTS = [op for op in OPERATIONS.values() if op.family in RAW_FAMILIES and op.is_list and op.body is None]


@pytest.mark.parametrize("op", LISTS, ids=lambda op: op.id)
async def test_every_raw_list_is_one_page_of_its_typed_twin(livevox_sim: Simulator, op: Operation) -> None:
    async with client(livevox_sim) as lv:
        typed = [item async for item in getattr(lv, op.family).list(max_items=3)]
        page = await getattr(lv.raw, op.family).list(count=3)
    assert op.list_key is not None
    assert [structure(item, op.result) for item in page[op.list_key]] == typed


async def test_a_session_id_in_an_unknown_path_is_redacted_where_the_sdk_shows_the_path(
    livevox_sim: Simulator,
) -> None:
    secret = "38de9bcc-7425-4392-b821-99026632c369"
    async with client(livevox_sim) as lv:
        with pytest.raises(NotFoundError) as caught:
            await lv.request("GET", f"/session/unknown/{secret}")
    assert caught.value.path == "/session/unknown/***"
    assert f"[request, GET /session/unknown/***, request id {caught.value.request_id}]" in str(caught.value)
