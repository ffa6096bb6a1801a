"""Session API: login, validate, logout, change password, idle expiry, the 401s."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sim_support import Api, AsRole, LogIn

from livevox_async import Credentials
from livevox_async.testing import LoggedRequest, Simulator


def _body(creds: Credentials, **changes: Any) -> dict[str, Any]:
    body = {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
    return {**body, **({"agent": True} if creds.agent else {}), **changes}


async def test_user_login_answers_ids_and_reuses_the_session_per_token(
    livevox_sim: Simulator, anon: Api
) -> None:
    creds = livevox_sim.credentials("Sysadmin")
    user_id = livevox_sim.state.lookup("users", creds.user_name)
    headers = {"LV-Access": livevox_sim.access_tokens[0]}

    first = await anon.post("/session/login", _body(creds), headers=headers)
    again = await anon.post("/session/login", _body(creds), headers=headers)
    other_token = await anon.post(
        "/session/login", _body(creds), headers={"LV-Access": livevox_sim.access_tokens[1]}
    )

    assert first.status == 200
    assert first.body == {
        "sessionId": first.body["sessionId"],
        "clientId": 4199,
        "userId": user_id,
        "daysUntilPasswordExpires": 90,
    }
    assert again.body == first.body
    assert other_token.status == 200
    assert other_token.body["sessionId"] != first.body["sessionId"]


async def test_agent_login_is_case_insensitive_and_accepts_the_string_flag(
    livevox_sim: Simulator, anon: Api
) -> None:
    creds = livevox_sim.agent_credentials()
    headers = {"LV-Access": creds.access_token}
    agent_id = livevox_sim.state.lookup("agents", creds.user_name)

    lower = await anon.post("/session/login", _body(creds, userName=creds.user_name.lower()), headers=headers)
    as_string = await anon.post("/session/login", _body(creds, agent="true"), headers=headers)

    assert lower.status == 200
    assert lower.body["userId"] == agent_id
    assert as_string.body == lower.body
    assert livevox_sim.request_log[-1] == LoggedRequest(
        "POST", "/session/login", "session.login", 200, "agent", 0, None, ""
    )


@pytest.mark.parametrize(
    ("changes", "token"),
    [
        ({"password": "wrong-password-1"}, 0),
        ({"clientName": "OTHER"}, 0),
        ({"userName": "SYSADMIN1"}, 0),  # user names are case-sensitive
        ({"agent": True}, 0),  # a user is not an agent
        ({}, None),
        ({}, "not-a-token"),
    ],
)
async def test_bad_credentials_or_token_answer_401(
    livevox_sim: Simulator, anon: Api, changes: dict[str, Any], token: int | str | None
) -> None:
    creds = livevox_sim.credentials("Sysadmin")
    headers = (
        {"LV-Access": livevox_sim.access_tokens[0] if token == 0 else token} if token is not None else {}
    )

    reply = await anon.post("/session/login", _body(creds, **changes), headers=headers)

    assert reply.status == 401
    assert reply.body["code"] == 401
    assert reply.body["message"] in (
        "invalid client name, user name or password",
        "the LV-Access token is missing or not valid",
    )


async def test_a_login_body_missing_a_field_answers_400_naming_it(livevox_sim: Simulator, anon: Api) -> None:
    reply = await anon.post(
        "/session/login",
        {"clientName": "LVSIM", "userName": "sysadmin1"},
        headers={"LV-Access": livevox_sim.access_tokens[0]},
    )

    assert reply.status == 400
    assert reply.body == {"code": 400, "message": "invalid body: $.password: required field missing"}


async def test_validate_and_logout(livevox_sim: Simulator, anon: Api, admin: Api) -> None:
    session = admin.session_id

    assert (await anon.get(f"/session/validate/{session}")).status == 204
    assert (await anon.delete(f"/session/logout/{session}")).status == 204
    gone = await anon.get(f"/session/validate/{session}")
    again = await anon.delete(f"/session/logout/{session}")
    used = await admin.get("/configuration/agents/info")

    assert (gone.status, gone.body) == (404, {"code": 404, "message": "session is not valid"})
    assert again.status == 404
    assert used.status == 401


async def test_versioned_session_paths_answer_too(livevox_sim: Simulator, anon: Api) -> None:
    creds = livevox_sim.credentials("IT User")

    login = await anon.post("/session/v6.0/login", _body(creds), headers={"LV-Access": creds.access_token})
    valid = await anon.get(f"/session/v5.0/validate/{login.body['sessionId']}")
    logout = await anon.delete(f"/session/v6.0/logout/{login.body['sessionId']}")

    assert (login.status, valid.status, logout.status) == (200, 204, 204)


async def test_requests_without_a_valid_session_answer_401(anon: Api, http: aiohttp.ClientSession) -> None:
    missing = await anon.get("/configuration/agents/info")
    unknown = await anon.call("GET", "/configuration/agents/info", headers={"LV-Session": "no-such-session"})

    assert (missing.status, missing.body) == (
        401,
        {"code": 401, "message": "the LV-Session header is missing"},
    )
    assert (unknown.status, unknown.body) == (
        401,
        {"code": 401, "message": "session is not valid; log in again"},
    )


async def test_sessions_expire_after_the_idle_timeout_and_use_slides_it(
    livevox_sim: Simulator, anon: Api, admin: Api
) -> None:
    idle = livevox_sim.config.idle_timeout

    livevox_sim.advance(idle - 60)
    assert (await admin.get("/configuration/agents/info")).status == 200
    livevox_sim.advance(idle - 60)
    assert (await admin.get("/configuration/agents/info")).status == 200  # each use restarts the count
    livevox_sim.advance(idle)
    expired = await admin.get("/configuration/agents/info")

    assert expired.status == 401
    assert (await anon.get(f"/session/validate/{admin.session_id}")).status == 404


async def test_expire_sessions_invalidates_every_session_and_login_opens_a_new_one(
    livevox_sim: Simulator, as_role: AsRole
) -> None:
    admin = await as_role("Sysadmin")
    manager = await as_role("Manager")

    livevox_sim.expire_sessions()

    assert (await admin.get("/configuration/agents/info")).status == 401
    assert (await manager.get("/configuration/agents/info")).status == 401
    fresh = await as_role("Sysadmin")
    assert fresh.session_id != admin.session_id
    assert (await fresh.get("/configuration/agents/info")).status == 200


async def test_change_password_checks_it_and_ends_the_sessions(
    livevox_sim: Simulator, anon: Api, log_in: LogIn
) -> None:
    creds = livevox_sim.credentials("Superuser")
    api = await log_in(creds)
    headers = {"LV-Access": creds.access_token}
    change = {**_body(creds), "newPassword": "Changed-pw-2"}

    wrong = await anon.post("/session/password", {**change, "password": "not-it-123"}, headers=headers)
    weak = await anon.post("/session/password", {**change, "newPassword": "short"}, headers=headers)
    done = await anon.post("/session/password", change, headers=headers)

    assert wrong.status == 401
    assert (weak.status, weak.body["message"]) == (
        400,
        "newPassword: must be at least 8 characters long and contain a digit",
    )
    assert done.status == 204
    assert (await api.get("/configuration/users/info")).status == 401
    old = await anon.post("/session/login", _body(creds), headers=headers)
    assert old.status == 401
    assert livevox_sim.credentials("Superuser").password == "Changed-pw-2"
    assert (await log_in(livevox_sim.credentials("Superuser"))).session_id


async def test_agent_password_change_uses_the_agent_flag(livevox_sim: Simulator, anon: Api) -> None:
    creds = livevox_sim.agent_credentials()
    body = {**_body(creds), "newPassword": "Agent-new-9"}

    done = await anon.post("/session/password", body, headers={"LV-Access": creds.access_token})

    assert done.status == 204
    assert livevox_sim.agent_credentials().password == "Agent-new-9"
