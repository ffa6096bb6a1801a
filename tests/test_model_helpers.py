"""`to_wire` / `to_dict`: a model as the JSON LiveVox would get, and back through the decoder."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import orjson
import pytest

from livevox_async import LiveVox, to_dict, to_wire
from livevox_async._converter import from_json, structure
from livevox_async.models import (
    Agent,
    AgentUpdate,
    CallDirection,
    IdRef,
    ListInfo,
    Service,
    TermCodeAction,
    TermCodeCreate,
)
from livevox_async.testing import Simulator

AGENT = Agent(
    id=17,
    login_id="JSMITH",
    first_name="Jo",
    home_agent=False,
    wrap_up_time=0,
    password_last_modified=datetime(2024, 5, 1, 12, 30, 1, 250_000, tzinfo=UTC),
    assigned_service=[IdRef(id=3), IdRef(id=4)],
)


def test_wire_names_dates_in_epoch_ms_and_absent_fields_left_out() -> None:
    assert to_dict(AGENT) == {
        "id": 17,
        "loginId": "JSMITH",
        "firstName": "Jo",
        "wrapUpTime": 0,
        "homeAgent": False,
        "passwordLastModified": 1714566601250,
        "assignedService": [{"id": 3}, {"id": 4}],
    }
    assert to_wire(AGENT) == orjson.dumps(to_dict(AGENT))


def test_the_dict_is_plain_json() -> None:
    text = json.dumps(to_dict(AGENT))  # what `json.dumps(attrs.asdict(agent))` cannot do
    assert json.loads(text) == to_dict(AGENT)


def test_enums_are_their_wire_strings() -> None:
    body = TermCodeCreate(
        name="Deceased",
        service_id=20575,
        term_category_id=17296,
        lv_result_id=725,
        action=TermCodeAction.DISCONNECT_CALL,
        report_order=20,
    )
    assert to_dict(body)["action"] == TermCodeAction.DISCONNECT_CALL.value
    assert type(to_dict(body)["action"]) is str


def test_an_update_carries_only_what_is_set() -> None:
    assert to_wire(AgentUpdate(phone="5551234")) == b'{"phone":"5551234"}'
    assert to_dict(AgentUpdate()) == {}


@pytest.mark.parametrize(
    "model",
    [
        AGENT,
        Agent(id=1),
        ListInfo(size=3, last_modified=datetime(2012, 5, 21, 6, 4, 22, tzinfo=UTC)),
        AgentUpdate(phone="5551234", active=True),
    ],
    ids=["agent", "bare-agent", "list-info", "update"],
)
def test_round_trip_through_the_decoder(model: Any) -> None:
    assert structure(to_dict(model), type(model)) == model
    assert from_json(to_wire(model), type(model)) == model


def test_an_aware_date_in_any_timezone_is_the_same_instant() -> None:
    eastern = timezone(timedelta(hours=-5))
    moment = datetime(2024, 5, 1, 7, 30, 1, 250_000, tzinfo=eastern)
    assert to_dict(attrs.evolve(AGENT, password_last_modified=moment)) == to_dict(AGENT)


def test_a_naive_date_is_refused() -> None:
    naive = attrs.evolve(AGENT, password_last_modified=datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="naive datetime"):
        to_wire(naive)


@pytest.mark.parametrize("value", [{"id": 1}, [AGENT], "agent", None, Agent])
def test_anything_but_a_model_instance_is_a_type_error(value: Any) -> None:
    with pytest.raises(TypeError, match=r"to_dict\(\) takes a model instance \(e.g. an Agent\), got "):
        to_dict(value)
    with pytest.raises(TypeError, match=r"to_wire\(\) takes a model instance"):
        to_wire(value)


async def test_what_the_client_decoded_is_what_livevox_sent(livevox_sim: Simulator) -> None:
    agent_id = livevox_sim.state.records("agents")[0]["id"]
    service_id = livevox_sim.state.records("services")[0]["serviceId"]
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        agent = await lv.agents.read(agent_id)
        service = await lv.services.read(service_id)
        sent_agent = await lv.request("GET", f"/configuration/agents/{agent_id}")
        sent_service = await lv.request("GET", f"/configuration/services/{service_id}")
    assert isinstance(service, Service)
    assert isinstance(service.call_direction, CallDirection)
    assert to_dict(agent) == sent_agent
    assert to_dict(service) == sent_service
    assert orjson.loads(to_wire(service)) == sent_service
