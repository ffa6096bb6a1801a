"""Typed calls end to end against the simulator: reads, CRUD, errors, options, closing."""

from __future__ import annotations

import pytest
from runtime_support import ops_in_log

from livevox_async import (
    UNSET,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    Credentials,
    LiveVox,
    NotFoundError,
    RequestOptions,
    ServerError,
)
from livevox_async._converter import unstructure
from livevox_async.models import AgentCreate, AgentUpdate, IdRef, TermCodeAction, TermCodeCreate
from livevox_async.testing import Simulator


async def test_read_returns_the_simulators_record_exactly(lv: LiveVox, livevox_sim: Simulator) -> None:
    record = livevox_sim.state.records("agents")[3]
    agent = await lv.agents.read(record["id"])
    assert unstructure(agent) == record
    assert agent.login_id == record["loginId"]


async def test_create_update_delete_round_trip(lv: LiveVox, livevox_sim: Simulator) -> None:
    service_id = livevox_sim.state.records("services")[0]["serviceId"]
    new_id = await lv.agents.create(
        AgentCreate(
            login_id="newagent",
            first_name="Ada",
            last_name="Lovelace",
            password="secret123",
            phone="5551230000",
            wrap_up_time=-1,
            assigned_service=[IdRef(id=service_id)],
        )
    )
    created = await lv.agents.read(new_id)
    assert (created.id, created.login_id, created.first_name, created.wrap_up_time) == (
        new_id,
        "NEWAGENT",
        "Ada",
        -1,
    )
    assert created.assigned_service == [IdRef(id=service_id)]
    await lv.agents.update(new_id, AgentUpdate(phone="5559990000"))
    updated = await lv.agents.read(new_id)
    assert updated.phone == "5559990000"
    assert updated.first_name == "Ada"  # an UNSET field was not sent, so not cleared
    await lv.agents.delete(new_id)
    with pytest.raises(NotFoundError) as caught:
        await lv.agents.read(new_id)
    assert caught.value.status == 404
    assert caught.value.operation == "agents.read"
    assert caught.value.path == f"/configuration/agents/{new_id}"


async def test_duplicate_create_is_a_conflict_sent_once(lv: LiveVox, livevox_sim: Simulator) -> None:
    existing = livevox_sim.state.records("term_codes")[0]
    body = TermCodeCreate(
        name=existing["name"],
        service_id=existing["serviceId"],
        term_category_id=existing["termCategoryId"],
        lv_result_id=existing["lvResultId"],
        action=TermCodeAction.DISCONNECT_CALL,
        report_order=1,
    )
    before = ops_in_log(livevox_sim, "term_codes.create")
    with pytest.raises(ConflictError) as caught:
        await lv.term_codes.create(body)
    assert caught.value.status == 409
    assert caught.value.code == 409
    assert ops_in_log(livevox_sim, "term_codes.create") == before + 1


async def test_server_400_names_the_field(lv: LiveVox, livevox_sim: Simulator) -> None:
    with pytest.raises(BadRequestError) as caught:
        await lv.services.create(service=livevox_sim.state.records("services")[0]["serviceId"], name="")
    assert caught.value.status == 400
    assert caught.value.lv_message is not None
    assert "name" in caught.value.lv_message


async def test_unset_fields_of_a_model_are_not_sent(lv: LiveVox, livevox_sim: Simulator) -> None:
    agent_id = livevox_sim.state.records("agents")[0]["id"]
    before = livevox_sim.state.records("agents")[0]
    await lv.agents.update(agent_id, AgentUpdate(last_name="Renamed"))
    after = await lv.agents.read(agent_id)
    assert after.last_name == "Renamed"
    assert (after.first_name, after.phone, after.active) == (
        before["firstName"],
        before["phone"],
        before["active"],
    )
    assert AgentUpdate(last_name="x").phone is UNSET


async def test_versioned_paths(livevox_sim: Simulator) -> None:
    async with LiveVox(
        livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url, api_version="v6.0"
    ) as lv:
        info = await lv.agents.info()
    assert info.size == len(livevox_sim.state.records("agents"))
    paths = [e.path for e in livevox_sim.request_log]
    assert "/session/v6.0/login" in paths
    assert "/configuration/v6.0/agents/info" in paths


async def test_close_logs_every_session_out(livevox_sim: Simulator) -> None:
    creds = [livevox_sim.credentials("Sysadmin"), livevox_sim.credentials("IT User")]
    async with LiveVox(creds, base_url=livevox_sim.base_url) as lv:
        await lv.agents.info()
        await lv.agents.info()
        assert [(s.user, s.logins) for s in lv.stats().sessions] == [
            (f"{c.client_name}/{c.user_name}", 1) for c in creds
        ]
    assert ops_in_log(livevox_sim, "session.logout") == 2
    with pytest.raises(ConfigurationError):
        await lv.agents.info()


OFFLINE = Credentials(access_token="token", client_name="ACME", user_name="u", password="p")


async def test_client_configuration_errors() -> None:
    creds = OFFLINE
    with pytest.raises(ConfigurationError, match="unknown LiveVox region"):
        LiveVox(creds, region="EU1")
    with pytest.raises(ConfigurationError, match="loopback"):
        LiveVox(creds, base_url="http://api.example.com")
    with pytest.raises(ConfigurationError, match="exactly one"):
        LiveVox(creds)
    assert LiveVox(creds, region="na4").runtime.base_url == "https://api.na4.livevox.com"
    with pytest.raises(ConfigurationError, match="page_size"):
        async with LiveVox(creds, base_url="http://127.0.0.1:9") as lv:
            lv.agents.list(page_size=1001)


async def test_per_call_timeout_and_no_retry(lv: LiveVox, livevox_sim: Simulator) -> None:
    agent_id = livevox_sim.state.records("agents")[0]["id"]
    await lv.agents.read(agent_id)
    livevox_sim.faults.script("500", times=1, operation="agents.read")
    with pytest.raises(ServerError):
        await lv.agents.read(agent_id, options=RequestOptions(retry=False))
    assert (await lv.agents.read(agent_id, options=RequestOptions(timeout=5))).id == agent_id
