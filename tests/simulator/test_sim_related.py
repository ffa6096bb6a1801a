"""Related objects follow the relations that add/remove methods change."""

from __future__ import annotations

from collections.abc import Iterable

from sim_support import Api

from livevox_async.testing import Simulator


def ids(values: Iterable[int]) -> list[dict[str, int]]:
    return [{"id": v} for v in sorted(set(values))]


async def test_agent_services_and_skills(livevox_sim: Simulator, admin: Api) -> None:
    state = livevox_sim.state
    agent = state.records("agents")[0]
    agent_id = agent["id"]
    agent_skills = state.get("agents", agent_id)["agentSkill"]
    new_service = next(
        s["serviceId"]
        for s in state.records("services")
        if {"id": s["serviceId"]} not in agent["assignedService"]
    )

    added = await admin.put(f"/configuration/agents/{agent_id}/services/{new_service}")
    skill = await admin.put(f"/configuration/agents/{agent_id}/agentSkills/405", proficiency=2)
    related = await admin.get(f"/configuration/agents/{agent_id}/related")
    read = await admin.get(f"/configuration/agents/{agent_id}")
    service_related = await admin.get(f"/configuration/services/{new_service}/related")

    services = [e["id"] for e in read.body["assignedService"]]
    assert added.status == skill.status == 204
    assert new_service in services
    skills = [s for s in agent_skills if s["id"] != 405] + [{"id": 405, "proficiency": 2}]
    assert related.body == {
        "service": ids(services),
        "agentSkill": sorted(skills, key=lambda s: s["id"]),
        "callCenter": ids(state.record("services", s)["callCenterId"] for s in services),
    }
    assert {"id": agent_id} in service_related.body["agent"]

    removed = await admin.delete(f"/configuration/agents/{agent_id}/services/{new_service}")
    unskilled = await admin.delete(f"/configuration/agents/{agent_id}/agentSkills/405")
    after = await admin.get(f"/configuration/agents/{agent_id}/related")

    assert removed.status == unskilled.status == 204
    assert {"id": new_service} not in after.body["service"]
    assert 405 not in [s["id"] for s in after.body["agentSkill"]]
    assert {"id": agent_id} not in (await admin.get(f"/configuration/services/{new_service}/related")).body[
        "agent"
    ]
    assert state.record("agents", agent_id)["assignedService"] == after.body["service"]


async def test_add_and_remove_with_unknown_ids_answer_404(admin: Api) -> None:
    no_agent = await admin.put("/configuration/agents/1/services/40001")
    no_service = await admin.put("/configuration/agents/100001/services/1")
    no_skill = await admin.delete("/configuration/agents/100001/agentSkills/1")

    assert no_agent.body == {"code": 404, "message": "agents 1 does not exist"}
    assert no_service.body == {"code": 404, "message": "services 1 does not exist"}
    assert no_skill.status == 404


async def test_call_center_add_service_moves_the_service(livevox_sim: Simulator, admin: Api) -> None:
    state = livevox_sim.state
    moved = next(s["serviceId"] for s in state.records("services") if s["callCenterId"] == 101)
    on_it = [a["id"] for a in state.records("agents") if {"id": moved} in a["assignedService"]]

    reply = await admin.put(f"/configuration/callCenters/103/services/{moved}")
    old = await admin.get("/configuration/callCenters/101/related")
    new = await admin.get("/configuration/callCenters/103/related")

    assert reply.status == 204
    assert state.record("services", moved)["callCenterId"] == 103
    assert {"id": moved} not in old.body["service"]
    assert {"id": moved} in new.body["service"]
    assert new.body == {
        "service": ids(s["serviceId"] for s in state.records("services") if s["callCenterId"] == 103),
        "agent": ids(
            a["id"]
            for a in state.records("agents")
            if any(state.record("services", e["id"])["callCenterId"] == 103 for e in a["assignedService"])
        ),
    }
    assert set(on_it) <= {a["id"] for a in new.body["agent"]}


async def test_service_related_reflects_resource_groups(livevox_sim: Simulator, admin: Api) -> None:
    state = livevox_sim.state
    created = await admin.post(
        "/configuration/resourceGroups",
        {
            "name": "Late Shift",
            "type": "LONGEST_AVAILABLE_AGENT",
            "enabled": True,
            "outboundService": [{"id": 40003}],
        },
    )
    group = created.body["id"]
    free = next(
        s["serviceId"]
        for s in state.records("services")
        if all({"id": s["serviceId"]} not in g["inboundService"] for g in state.records("resource_groups"))
    )
    await admin.put(f"/configuration/resourceGroups/{group}", {"inboundService": [{"id": free}]})

    outbound = await admin.get("/configuration/services/40003/related")
    inbound = await admin.get(f"/configuration/services/{free}/related")

    assert {"id": group} in outbound.body["outboundResourceGroup"]
    assert inbound.body["inboundResourceGroup"] == {"id": group}
    assert inbound.body["callCenter"] == {"id": state.record("services", free)["callCenterId"]}
    assert inbound.body["campaign"] == []
    await admin.delete(f"/configuration/resourceGroups/{group}")
    assert "inboundResourceGroup" not in (await admin.get(f"/configuration/services/{free}/related")).body


async def test_user_services(livevox_sim: Simulator, admin: Api) -> None:
    user = next(u for u in livevox_sim.state.records("users") if u["role"] == "IT User")

    await admin.put(f"/configuration/users/{user['id']}/services/40007")
    await admin.put(f"/configuration/users/{user['id']}/services/40007")  # adding twice changes nothing
    added = (await admin.get(f"/configuration/users/{user['id']}")).body["service"]
    await admin.delete(f"/configuration/users/{user['id']}/services/40007")
    removed = (await admin.get(f"/configuration/users/{user['id']}")).body["service"]

    assert added == ids([*(e["id"] for e in user["service"]), 40007])
    assert removed == [e for e in user["service"] if e["id"] != 40007]


async def test_message_template_related_follows_the_service_template(
    livevox_sim: Simulator, admin: Api
) -> None:
    reply = await admin.put("/configuration/services/40004/messageTemplate/912")
    related = await admin.get("/configuration/messageTemplates/912/related")
    default = await admin.get("/configuration/messageTemplates/901/related")

    assert reply.status == 204
    assert {"id": 40004} in related.body["service"]
    assert related.body == {
        "allServices": False,
        "service": ids(
            s["serviceId"] for s in livevox_sim.state.values("services") if s["messageTemplateId"] == 912
        ),
    }
    assert default.body["allServices"] is True


async def test_screen_pops_and_lcid_packages_list_the_services_using_them(
    livevox_sim: Simulator, admin: Api
) -> None:
    services = list(livevox_sim.state.values("services"))

    pop = await admin.get("/configuration/screenPops/1002")
    package = await admin.get("/configuration/lcidPackages/852")

    assert pop.body["associatedService"] == [
        {k: s[k] for k in ("serviceId", "name", "callCenterId", "direction")}
        for s in services
        if s["screenPopId"] == 1002
    ]
    assert package.body["service"] == ids(s["serviceId"] for s in services if s.get("lcidPackageId") == 852)
