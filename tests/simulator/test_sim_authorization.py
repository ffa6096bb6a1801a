"""Authorisation from the operation table: the agent allow-list, user roles, Manager powers,
and the Superuser/Sysadmin rule of the users family."""

from __future__ import annotations

from typing import Any

import pytest
from sim_support import Api, AsRole

from livevox_async import OPERATIONS, Operation
from livevox_async.testing import Simulator

CONFIGURATION = [op for op in OPERATIONS.values() if op.category == "configuration"]
AGENT_ALLOWED = [op for op in CONFIGURATION if op.agent_allowed]


def sample_request(op: Operation, sim: Simulator) -> tuple[str, str, dict[str, Any], dict[str, Any] | None]:
    """A request for `op` with ids of seeded records: (method, path, query, body)."""
    state = sim.state

    def first(family: str) -> Any:
        return next(iter(state.values(family)))[state.id_key(family)]

    def last(family: str) -> Any:  # for users: not a Sysadmin, whom a Superuser may not read
        return list(state.values(family))[-1][state.id_key(family)]

    values = {
        "id": last(op.family),
        "serviceId": first("services"),
        "skillId": first("agent_skills"),
        "templateId": first("message_templates"),
    }
    path = op.path.format(**{p.wire: values[p.wire] for p in op.path_params()})
    query: dict[str, Any] = {"count": 5, "offset": 0} if op.is_list else {}
    if op.id == "services.create":
        query = {"service": first("services"), "name": "A copy"}
    return op.method, path, query, {} if op.body is not None else None


def test_the_table_has_the_twenty_agent_methods() -> None:
    assert len(AGENT_ALLOWED) == 20


async def test_an_agent_session_may_call_exactly_the_twenty_allowed_methods(
    livevox_sim: Simulator, agent: Api
) -> None:
    for op in CONFIGURATION:
        method, path, query, body = sample_request(op, livevox_sim)
        reply = await agent.call(method, path, json=body, **query)
        if op.agent_allowed:
            assert reply.status == 200, (op.id, reply)
        else:
            assert reply.status == 403, (op.id, reply)
            assert reply.body == {"code": 403, "message": f"agent sessions may not call {op.summary}"}


@pytest.mark.parametrize(
    ("role", "powers"),
    [
        ("Sysadmin", None),
        ("IT User", None),
        ("Superuser", None),
        ("Manager", None),
        ("Manager", ()),
        ("Manager", ("Administer Agents",)),
        ("Manager", ("Dialing Strategies",)),
        ("Reporting", None),
    ],
)
async def test_each_role_is_refused_exactly_what_the_table_refuses(
    livevox_sim: Simulator, as_role: AsRole, role: str, powers: tuple[str, ...] | None
) -> None:
    api = await (as_role(role) if powers is None else as_role(role, manager_powers=powers))
    held = set(livevox_sim.credentials(role, manager_powers=powers).manager_powers)
    for op in CONFIGURATION:
        refused = role not in op.roles or (
            role == "Manager" and op.manager_power and op.manager_power not in held
        )
        if not refused and op.method != "GET":
            continue  # writes are exercised by the CRUD tests
        method, path, query, body = sample_request(op, livevox_sim)
        reply = await api.call(method, path, json=body, **query)
        assert reply.status == (403 if refused else 200), (role, powers, op.id, reply)


async def test_role_refusals_say_why(as_role: AsRole) -> None:
    reporting = await as_role("Reporting")
    superuser = await as_role("Superuser")
    powerless = await as_role("Manager", manager_powers=())

    reply = await reporting.get("/configuration/services/info")
    created = await superuser.post("/configuration/callCenters", {"name": "Nope"})
    read = await powerless.get("/configuration/agents/100001")

    assert reply.body == {"code": 403, "message": "the Reporting role may not call Get Service List Info"}
    assert created.body == {"code": 403, "message": "the Superuser role may not call Create Call Center"}
    assert read.body == {
        "code": 403,
        "message": "a Manager needs the Administer Agents power to call Read Agent",
    }


async def test_a_superuser_neither_sees_nor_touches_sysadmin_users(
    livevox_sim: Simulator, as_role: AsRole
) -> None:
    superuser = await as_role("Superuser")
    admin = await as_role("Sysadmin")
    users = livevox_sim.state.records("users")
    sysadmin_id = next(u["id"] for u in users if u["role"] == "Sysadmin")
    visible = [u["id"] for u in users if u["role"] != "Sysadmin"]

    listed = await superuser.get("/configuration/users", count=1000, offset=0)
    searched = await superuser.post(
        "/configuration/users/search", {"userName": "sysadmin"}, count=10, offset=0
    )
    info = await superuser.get("/configuration/users/info")
    read = await superuser.get(f"/configuration/users/{sysadmin_id}")
    update = await superuser.put(f"/configuration/users/{sysadmin_id}", {"firstName": "X"})
    delete = await superuser.delete(f"/configuration/users/{sysadmin_id}")
    promote = await superuser.post(
        "/configuration/users",
        {
            "userName": "boss",
            "password": "Boss-pw-123",
            "firstName": "B",
            "lastName": "C",
            "role": "Sysadmin",
        },
    )
    add = await superuser.put(f"/configuration/users/{sysadmin_id}/services/40001")

    assert [u["id"] for u in listed.body["user"]] == visible
    assert searched.body == {"user": []}
    assert info.body["size"] == len(visible)
    assert read.status == update.status == delete.status == add.status == 403
    assert read.body == {"code": 403, "message": f"the Superuser role may not access users {sysadmin_id}"}
    assert promote.body == {"code": 403, "message": "a Superuser may not give users the Sysadmin role"}
    assert (await admin.get(f"/configuration/users/{sysadmin_id}")).status == 200
    assert (await admin.get("/configuration/users/info")).body["size"] == len(users)
    assert livevox_sim.state.record("users", sysadmin_id)["firstName"] != "X"
