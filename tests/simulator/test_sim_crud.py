"""Create/read/update/delete for every writable family, with LiveVox's exact answers."""

from __future__ import annotations

from typing import Any

import pytest
from sim_support import Api, LogIn

from livevox_async import Credentials
from livevox_async.testing import Simulator

NEW_AGENT = {
    "loginId": "jdoe42",
    "firstName": "Jane",
    "lastName": "Doe",
    "password": "Secret-pw-1",
    "phone": "5551234567",
    "wrapUpTime": 30,
    "assignedService": [{"id": 40002}, {"id": 40001}],
}


async def test_agent_round_trip(livevox_sim: Simulator, admin: Api) -> None:
    before = livevox_sim.clock.epoch_ms()

    created = await admin.post("/configuration/agents", NEW_AGENT)
    agent_id = created.body["id"]
    read = await admin.get(f"/configuration/agents/{agent_id}")

    assert (created.status, created.body) == (201, {"id": 100251})
    assert read.status == 200
    assert read.body == {
        "id": 100251,
        "loginId": "JDOE42",
        "firstName": "Jane",
        "lastName": "Doe",
        "phone": "5551234567",
        "wrapUpTime": 30,
        "homeAgent": False,
        "active": True,
        "locked": False,
        "clientId": 4199,
        "passwordLastModified": read.body["passwordLastModified"],
        "assignedService": [{"id": 40001}, {"id": 40002}],
    }
    assert read.body["passwordLastModified"] >= before
    assert livevox_sim.state.record("agents", agent_id) == read.body

    updated = await admin.put(f"/configuration/agents/{agent_id}", {"firstName": "Janet", "homeAgent": True})
    reread = await admin.get(f"/configuration/agents/{agent_id}")

    assert (updated.status, updated.body) == (204, None)
    assert reread.body == {**read.body, "firstName": "Janet", "homeAgent": True}

    deleted = await admin.delete(f"/configuration/agents/{agent_id}")
    gone = await admin.get(f"/configuration/agents/{agent_id}")
    again = await admin.delete(f"/configuration/agents/{agent_id}")

    assert (deleted.status, deleted.body) == (204, None)
    assert (gone.status, gone.body) == (404, {"code": 404, "message": f"agents {agent_id} does not exist"})
    assert again.status == 404


async def test_a_created_agent_logs_in_and_unlock_clears_a_lockout(
    livevox_sim: Simulator, admin: Api, anon: Api
) -> None:
    created = await admin.post("/configuration/agents", NEW_AGENT)
    agent_id = created.body["id"]
    body = {"clientName": "LVSIM", "userName": "JDoe42", "password": "Secret-pw-1", "agent": True}
    headers = {"LV-Access": livevox_sim.access_tokens[2]}

    login = await anon.post("/session/login", body, headers=headers)
    livevox_sim.state.change("agents", agent_id, {"locked": True})
    locked = await anon.post("/session/login", body, headers=headers)
    await admin.put(f"/configuration/agents/{agent_id}", {"unlock": True})

    assert login.body["userId"] == agent_id
    assert locked.status == 401
    assert livevox_sim.state.record("agents", agent_id)["locked"] is False
    assert (await anon.post("/session/login", body, headers=headers)).status == 200


async def test_changing_an_agents_password_ends_its_sessions(
    livevox_sim: Simulator, admin: Api, agent: Api
) -> None:
    agent_id = livevox_sim.state.lookup("agents", livevox_sim.agent_credentials().user_name)

    assert (await agent.get(f"/configuration/agents/{agent_id}")).status == 200
    assert (await admin.put(f"/configuration/agents/{agent_id}", {"password": "Brand-new-7"})).status == 204
    assert (await agent.get(f"/configuration/agents/{agent_id}")).status == 401


async def test_duplicate_names_answer_409(livevox_sim: Simulator, admin: Api) -> None:
    existing = livevox_sim.state.records("agents")[3]["loginId"]

    agent = await admin.post("/configuration/agents", {**NEW_AGENT, "loginId": existing.lower()})
    center = await admin.post("/configuration/callCenters", {"name": "Denver Call Center"})
    renamed = await admin.put("/configuration/callCenters/102", {"name": "Denver Call Center"})

    assert agent.body == {"code": 409, "message": f"loginId {existing!r} already exists"}
    assert center.body == {"code": 409, "message": "name 'Denver Call Center' already exists"}
    assert renamed.status == 409
    assert livevox_sim.state.record("call_centers", 102)["name"] == "Atlanta Call Center"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"loginId": "x1"}, "$.firstName: required field missing"),
        ({**NEW_AGENT, "wrapUpTime": "thirty"}, "$.wrapUpTime: expected int, got str"),
        ({**NEW_AGENT, "assignedService": [{"id": "1"}]}, "$.assignedService[0].id: expected int, got str"),
        (
            {**NEW_AGENT, "password": "short"},
            "password: must be at least 8 characters long and contain a digit",
        ),
        ({**NEW_AGENT, "assignedService": [{"id": 999}]}, "assignedService: services 999 does not exist"),
        ({**NEW_AGENT, "clientId": 1}, "clientId: unknown client 1"),
        ([], "invalid body: $: expected a JSON object, got list"),
    ],
)
async def test_invalid_bodies_answer_400_naming_the_field(
    livevox_sim: Simulator, admin: Api, body: Any, message: str
) -> None:
    size = len(livevox_sim.state.records("agents"))

    reply = await admin.post("/configuration/agents", body)

    assert reply.status == 400
    assert reply.body["code"] == 400
    assert message in reply.body["message"]
    assert len(livevox_sim.state.records("agents")) == size


async def test_invalid_json_and_parameters_answer_400(admin: Api) -> None:
    not_json = await admin.call("POST", "/configuration/termCodeCategories", headers={}, json=None)
    async with admin.http.post(
        "/configuration/termCodeCategories", data=b"{nope", headers=admin.session_headers
    ) as response:
        garbage = (response.status, await response.json())
    bad_id = await admin.get("/configuration/agents/12abc")
    bad_service = await admin.put("/configuration/agents/100001/services/x")

    assert not_json.body == {"code": 400, "message": "body: a JSON object is required"}
    assert garbage == (400, {"code": 400, "message": "body: not valid JSON"})
    assert bad_id.body == {"code": 400, "message": "id: expected an integer, got '12abc'"}
    assert bad_service.body == {"code": 400, "message": "serviceId: expected an integer, got 'x'"}


async def test_call_center_crud_and_delete_restrictions(livevox_sim: Simulator, admin: Api) -> None:
    created = await admin.post("/configuration/callCenters", {"name": "Reno West", "managerName": "Ann"})
    center = created.body["id"]
    read = await admin.get(f"/configuration/callCenters/{center}")
    await admin.put(f"/configuration/callCenters/{center}", {"open": False})
    listed = await admin.get("/configuration/callCenters", count=10, offset=0)
    in_use = await admin.delete("/configuration/callCenters/101")

    assert read.body == {
        "callCenterId": center,
        "name": "Reno West",
        "managerName": "Ann",
        "open": True,
        "clientId": 4199,
    }
    assert livevox_sim.state.record("call_centers", center)["open"] is False
    assert listed.body["callCenter"][-1] == {"callCenterId": center, "name": "Reno West", "clientId": 4199}
    assert in_use.body == {
        "code": 409,
        "message": "call_centers 101 is still used by services (callCenterId)",
    }
    assert (await admin.delete(f"/configuration/callCenters/{center}")).status == 204


async def test_term_codes_and_categories(livevox_sim: Simulator, admin: Api) -> None:
    category = (await admin.post("/configuration/termCodeCategories", {"name": "Escalated"})).body["id"]
    body = {
        "name": "Supervisor",
        "serviceId": 40001,
        "termCategoryId": category,
        "lvResultId": 701,
        "action": "DISCONNECT_CALL",
        "reportOrder": 20,
    }
    created = await admin.post("/configuration/termCodes", body)
    same_service = await admin.post("/configuration/termCodes", body)
    other_service = await admin.post("/configuration/termCodes", {**body, "serviceId": 40002})
    unknown = await admin.post("/configuration/termCodes", {**body, "name": "X", "termCategoryId": 1})
    await admin.put(f"/configuration/termCodeCategories/{category}", {"name": "Escalations"})
    read = await admin.get(f"/configuration/termCodes/{created.body['id']}")
    used = await admin.delete(f"/configuration/termCodeCategories/{category}")

    assert created.status == other_service.status == 201
    assert same_service.body == {
        "code": 409,
        "message": "name 'Supervisor' already exists for serviceId 40001",
    }
    assert unknown.body == {"code": 400, "message": "termCategoryId: term_code_categories 1 does not exist"}
    assert read.body == {
        "id": created.body["id"],
        **body,
        "termCategoryName": "Escalations",
        "resultName": "Agent - Customer Contact",
        "previewDialEnabled": False,
        "clientId": 4199,
    }
    assert used.status == 409
    await admin.delete(f"/configuration/termCodes/{created.body['id']}")
    await admin.delete(f"/configuration/termCodes/{other_service.body['id']}")
    assert (await admin.delete(f"/configuration/termCodeCategories/{category}")).status == 204


async def test_resource_groups_keep_a_service_on_one_inbound_side(livevox_sim: Simulator, admin: Api) -> None:
    taken = next(g for g in livevox_sim.state.records("resource_groups") if g["inboundService"])
    service = taken["inboundService"][0]["id"]
    body = {
        "name": "Overflow",
        "type": "STRICT_OVERFLOW",
        "enabled": True,
        "outboundService": [{"id": 40003}],
    }

    conflict = await admin.post(
        "/configuration/resourceGroups", {**body, "inboundService": [{"id": service}]}
    )
    created = await admin.post("/configuration/resourceGroups", body)
    read = await admin.get(f"/configuration/resourceGroups/{created.body['id']}")
    bad_type = await admin.put(f"/configuration/resourceGroups/{created.body['id']}", {"type": 3})

    assert conflict.status == 409
    assert conflict.body["message"].startswith(
        f"inboundService: service {service} is already on the inbound side"
    )
    assert read.body == {"id": created.body["id"], **body, "inboundService": []}
    assert bad_type.body == {
        "code": 400,
        "message": "invalid body: $.type: expected a ResourceGroupType string, got int",
    }


async def test_dialing_strategies(livevox_sim: Simulator, admin: Api) -> None:
    body = {
        "name": "Morning",
        "dialingSequenceItem": [{"phoneIndex": 2}, {"phoneIndex": 1}],
        "outcomeItem": [{"lvResultId": 704, "dialAnotherNumber": True, "maxNumberOfRetries": 2}],
    }

    created = await admin.post("/configuration/dialingStrategies", body)
    read = await admin.get(f"/configuration/dialingStrategies/{created.body['id']}")
    bad = await admin.put(
        f"/configuration/dialingStrategies/{created.body['id']}",
        {"outcomeItem": [{"lvResultId": 5, "dialAnotherNumber": True, "maxNumberOfRetries": 2}]},
    )

    assert read.body == {"id": created.body["id"], "name": "Morning", "service": [], **body}
    assert bad.body == {"code": 400, "message": "outcomeItem[0].lvResultId: livevox_results 5 does not exist"}
    assert (await admin.delete(f"/configuration/dialingStrategies/{created.body['id']}")).status == 204


async def test_users_crud_roles_and_powers(livevox_sim: Simulator, admin: Api, log_in: LogIn) -> None:
    body = {
        "userName": "newmanager",
        "password": "Manage-pw-1",
        "firstName": "New",
        "lastName": "Manager",
        "role": "Manager",
        "optionalExcludedPowers": ["administer_agents"],
    }

    created = await admin.post("/configuration/users", body)
    user_id = created.body["id"]
    read = await admin.get(f"/configuration/users/{user_id}")
    wrong_role = await admin.put(f"/configuration/users/{user_id}", {"role": "Boss"})
    manager = await log_in(
        Credentials(
            access_token=livevox_sim.access_tokens[0],
            client_name="LVSIM",
            user_name="newmanager",
            password="Manage-pw-1",
        )
    )

    assert read.body == {
        "id": user_id,
        "clientId": 4199,
        "userName": "newmanager",
        "firstName": "New",
        "lastName": "Manager",
        "role": "Manager",
        "roleId": 4,
        "locked": False,
        "service": [],
    }
    assert wrong_role.body == {
        "code": 400,
        "message": "role: unknown role 'Boss'; known: Sysadmin, IT User, Superuser, Manager, Reporting",
    }
    assert (await manager.get("/configuration/agents/100001")).status == 403
    assert (await manager.get("/configuration/dialingStrategies/601")).status == 200
    assert (await admin.put(f"/configuration/users/{user_id}", {"roleId": 2})).status == 204
    assert livevox_sim.state.record("users", user_id)["role"] == "IT User"
    assert (await manager.get("/configuration/agents/100001")).status == 200  # IT Users need no power
    assert (await admin.delete(f"/configuration/users/{user_id}")).status == 204
    assert (await manager.get("/configuration/agents/100001")).status == 401


async def test_create_service_copies_one_and_delete_cascades(livevox_sim: Simulator, admin: Api) -> None:
    source = livevox_sim.state.record("services", 40001)
    source_phone = await admin.get("/configuration/services/40001/phone")
    agent = next(a for a in livevox_sim.state.records("agents") if {"id": 40001} in a["assignedService"])

    created = await admin.post("/configuration/services", service=40001, name="Collections Copy")
    copy = await admin.get(f"/configuration/services/{created.body['id']}")
    phone = await admin.get(f"/configuration/services/{created.body['id']}/phone")
    duplicate = await admin.post("/configuration/services", service=40001, name="Collections Copy")
    inbound = await admin.post("/configuration/services", service=40005, name="Inbound Copy")
    missing = await admin.post("/configuration/services", service=40001)
    unknown = await admin.post("/configuration/services", service=1, name="Nothing")
    deleted = await admin.delete("/configuration/services/40001")

    assert created.status == 201
    assert copy.body == {**source, "serviceId": created.body["id"], "name": "Collections Copy"}
    assert phone.body == source_phone.body
    assert duplicate.status == 409
    assert inbound.body == {
        "code": 400,
        "message": "service: 40005 is an inbound service; inbound services cannot be created",
    }
    assert missing.body == {"code": 400, "message": "name: required query parameter is missing"}
    assert unknown.status == 404
    assert deleted.status == 204
    assert [t for t in livevox_sim.state.records("term_codes") if t["serviceId"] == 40001] == []
    assert {"id": 40001} not in livevox_sim.state.record("agents", agent["id"])["assignedService"]


async def test_service_open_hours_and_pacing_updates(livevox_sim: Simulator, admin: Api) -> None:
    hours = {"open": True, "openHour": [{"day": "MONDAY", "openTime": "08:00", "closeTime": "17:00"}]}

    assert (await admin.put("/configuration/services/40005/openHours", hours)).status == 204
    assert (
        await admin.post("/configuration/services/40005/pacing", {"method": "POWER", "throttle": 5})
    ).status == 204
    assert (await admin.post("/configuration/services/40005/pacing", {"method": "POWER"})).body == {
        "code": 400,
        "message": "invalid body: $.throttle: required field missing",
    }
    raw = livevox_sim.state.get("services", 40005)
    assert (raw["openHour"], raw["throttle"]) == (hours["openHour"], 5)


async def test_read_only_families_are_seeded(livevox_sim: Simulator, admin: Api) -> None:
    voices = await admin.get("/configuration/util/voices", count=100, offset=0)
    formats = await admin.get("/configuration/reportFormats", count=100, offset=0)
    internal = await admin.get("/configuration/clients/4199/internal")
    other_client = await admin.get("/configuration/clients/4200/settings")
    outcomes = await admin.get("/configuration/lvResults/701/customOutcomes")

    assert [(v["id"], v["name"]) for v in voices.body["voice"]] == [
        (1, "Julie"),
        (2, "Juanita"),
        (3, "Kate"),
        (4, "Gisele"),
        (5, "Bob"),
        (6, "GruffM"),
        (8, "GruffF"),
        (9, "Lee"),
        (10, "Scarlet"),
        (11, "Claudine"),
    ]
    assert [f["name"] for f in formats.body["reportFormat"]][-3:] == [
        "LiveVox Standard CDR",
        "LiveVox Extended CDR",
        "LiveVox Compliance CDR",
    ]
    assert internal.body["passwordExpirationDays"] == 90
    assert set(internal.body) == {
        "maxDailyAttempts",
        "callRecordingDays",
        "encryptCcsPassword",
        "maxFailedCcsLoginAttempts",
        "encryptAcdPassword",
        "maxFailedAcdLoginAttempts",
        "passwordExpirationDays",
        "answeringMachineDetection",
    }
    assert other_client.status == 404
    assert outcomes.body["customOutcome"][0].keys() == {"customOutcome1", "customOutcome2", "customOutcome3"}
