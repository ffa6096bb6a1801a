"""Failed logins: an account locked after `max_failed_logins` wrong passwords, and failing logins."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sim_support import Api

from livevox_async import Credentials
from livevox_async.testing import Simulator, SimulatorConfig
from livevox_async.testing.pytest_plugin import SimulatorFactory

DENIED = {"code": 401, "message": "invalid client name, user name or password"}
LOCKED = {"code": 401, "message": "the account is locked or inactive"}


async def _log_in(http: aiohttp.ClientSession, creds: Credentials, **changes: Any) -> tuple[int, Any]:
    """(status, error body) of one login; the body is None for a 200 (it holds the session id)."""
    body: dict[str, Any] = {
        "clientName": creds.client_name,
        "userName": creds.user_name,
        "password": creds.password,
    }
    body |= {"agent": True} if creds.agent else {}
    async with http.post(
        "/session/login", json=body | changes, headers={"LV-Access": creds.access_token}
    ) as reply:
        return reply.status, (await reply.json()) if reply.status != 200 else None


async def test_three_wrong_passwords_lock_the_user(livevox_sim_factory: SimulatorFactory) -> None:
    sim = await livevox_sim_factory(max_failed_logins=3)
    creds = sim.credentials("IT User")
    user_id = sim.state.lookup("users", creds.user_name)
    assert user_id is not None

    async with aiohttp.ClientSession(sim.base_url) as http:
        wrong: list[tuple[int, Any] | int] = []
        for _ in range(3):
            wrong.append(await _log_in(http, creds, password="Wrong-password-1"))
            wrong.append(sim.failed_logins(creds.user_name))
        right = await _log_in(http, creds)

    assert wrong == [(401, DENIED), 1, (401, DENIED), 2, (401, DENIED), 0]  # the lock starts the count again
    assert right == (401, LOCKED)
    assert sim.state.record("users", user_id)["locked"] is True
    assert [r.status for r in sim.request_log if r.operation == "session.login"] == [401] * 4


async def test_a_successful_login_starts_the_count_again(
    livevox_sim: Simulator, http: aiohttp.ClientSession
) -> None:
    livevox_sim.set_max_failed_logins(3)
    creds = livevox_sim.credentials("Superuser")
    user_id = livevox_sim.state.lookup("users", creds.user_name)
    assert user_id is not None

    statuses = [(await _log_in(http, creds, password="Wrong-password-1"))[0] for _ in range(2)]
    statuses.append((await _log_in(http, creds))[0])
    statuses += [(await _log_in(http, creds, password="Wrong-password-1"))[0] for _ in range(2)]

    assert statuses == [401, 401, 200, 401, 401]
    assert livevox_sim.failed_logins(creds.user_name) == 2
    assert livevox_sim.state.record("users", user_id)["locked"] is False


async def test_agents_lock_too_and_the_limit_changes_while_running(
    livevox_sim: Simulator, http: aiohttp.ClientSession, admin: Api
) -> None:
    creds = livevox_sim.agent_credentials()
    agent_id = livevox_sim.state.lookup("agents", creds.user_name)
    livevox_sim.set_max_failed_logins(2)

    wrong = [await _log_in(http, creds, password="Wrong-password-1") for _ in range(2)]
    locked = await _log_in(http, creds)
    unlocked = await admin.put(f"/configuration/agents/{agent_id}", {"unlock": True})
    again = await _log_in(http, creds)

    assert wrong == [(401, DENIED)] * 2
    assert locked == (401, LOCKED)
    assert unlocked.status == 204
    assert again == (200, None)
    assert livevox_sim.failed_logins(creds.user_name.lower(), agent=True) == 0


async def test_without_a_limit_wrong_passwords_never_lock(
    livevox_sim: Simulator, http: aiohttp.ClientSession
) -> None:
    creds = livevox_sim.credentials("IT User")

    wrong = [(await _log_in(http, creds, password="Wrong-password-1"))[0] for _ in range(10)]
    counted = livevox_sim.failed_logins(creds.user_name)
    right = await _log_in(http, creds)

    assert wrong == [401] * 10
    assert counted == 10
    assert right == (200, None)
    assert livevox_sim.failed_logins(creds.user_name) == 0


async def test_a_login_can_answer_500_before_the_password_is_checked(
    livevox_sim: Simulator, http: aiohttp.ClientSession
) -> None:
    livevox_sim.set_max_failed_logins(2)
    livevox_sim.faults.script("500", times=3, operation="session.login")
    creds = livevox_sim.credentials("IT User")

    failing = [await _log_in(http, creds, password="Wrong-password-1") for _ in range(3)]
    after = await _log_in(http, creds)

    assert failing == [(500, {"code": 500, "message": "internal server error (injected fault)"})] * 3
    assert after == (200, None)
    logins = [(r.status, r.fault) for r in livevox_sim.request_log if r.operation == "session.login"]
    assert logins[-4:] == [(500, "500")] * 3 + [(200, None)]


def test_the_limit_is_checked(livevox_sim: Simulator) -> None:
    with pytest.raises(ValueError, match="max_failed_logins: must be an integer >= 1 or None, got 0"):
        SimulatorConfig(max_failed_logins=0)
    with pytest.raises(ValueError, match="max_failed_logins"):
        livevox_sim.set_max_failed_logins(-1)
    with pytest.raises(LookupError, match="no user 'nobody' in the tenant"):
        livevox_sim.failed_logins("nobody")
