"""Sessions: single-flight login, re-login on expiry, pools, permissions (local and server)."""

from __future__ import annotations

import asyncio

import attrs
import pytest
from runtime_support import ops_in_log

from livevox_async import AuthenticationError, Credentials, LiveVox, PermissionDeniedError, RetryPolicy
from livevox_async.models import AgentCreate, ListInfo
from livevox_async.testing import Simulator


async def test_one_login_for_a_hundred_concurrent_first_calls(lv: LiveVox, livevox_sim: Simulator) -> None:
    ids = [r["id"] for r in livevox_sim.state.records("agents")[:100]]
    agents = await asyncio.gather(*(lv.agents.read(i) for i in ids))
    assert [a.id for a in agents] == ids
    assert ops_in_log(livevox_sim, "session.login") == 1


async def test_expired_session_is_replaced_mid_iteration(lv: LiveVox, livevox_sim: Simulator) -> None:
    expected = [r["id"] for r in livevox_sim.state.records("agents")]
    seen = []
    async for page in lv.agents.list(page_size=50).pages():
        seen += [a.id for a in page.items]
        if len(seen) == 100:
            livevox_sim.expire_sessions()
    assert seen == expected
    assert ops_in_log(livevox_sim, "session.login") == 2
    assert [e.status for e in livevox_sim.request_log if e.operation == "agents.list"].count(401) == 1
    assert lv.stats().relogins == 1


async def test_idle_expiry_is_survived(lv: LiveVox, livevox_sim: Simulator) -> None:
    await lv.agents.info()
    livevox_sim.advance(7201)
    assert (await lv.agents.info()).size == len(livevox_sim.state.records("agents"))
    assert ops_in_log(livevox_sim, "session.login") == 2


async def test_a_second_401_in_a_row_is_fatal(lv: LiveVox, livevox_sim: Simulator) -> None:
    await lv.agents.info()
    livevox_sim.faults.script("expire_session", times=2, operation="agents.info")
    with pytest.raises(AuthenticationError) as caught:
        await lv.agents.info()
    assert caught.value.status == 401
    assert ops_in_log(livevox_sim, "session.login") == 2


async def test_wrong_password_is_a_clear_authentication_error(livevox_sim: Simulator) -> None:
    good = livevox_sim.credentials("Sysadmin")
    bad = Credentials(
        access_token=good.access_token,
        client_name=good.client_name,
        user_name=good.user_name,
        password="nope1234",
    )
    async with LiveVox(bad, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(AuthenticationError, match="refused the login"):
            await lv.agents.info()
    assert ops_in_log(livevox_sim, "agents.info") == 0


async def test_agent_session_is_refused_locally_with_details(livevox_sim: Simulator) -> None:
    async with LiveVox(livevox_sim.agent_credentials(), base_url=livevox_sim.base_url) as lv:
        agent_id = livevox_sim.state.records("agents")[0]["id"]
        assert (await lv.agents.read(agent_id)).id == agent_id  # allowed for agents
        with pytest.raises(PermissionDeniedError) as caught:
            await lv.agents.info()
    error = caught.value
    assert (error.local, error.session_kind, error.status, error.operation) == (
        True,
        "agent",
        403,
        "agents.info",
    )
    assert error.roles == ("IT User", "Manager", "Superuser", "Sysadmin")
    assert error.manager_power == "Administer Agents"
    assert error.agent_allowed is False
    assert "refused before sending" in str(error)
    assert "agent session" in str(error)
    assert ops_in_log(livevox_sim, "agents.info") == 0


async def test_under_privileged_user_gets_the_servers_403_with_details(livevox_sim: Simulator) -> None:
    undeclared = attrs.evolve(livevox_sim.credentials("Superuser"), role=None)  # the SDK cannot know
    async with LiveVox(undeclared, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(PermissionDeniedError) as caught:
            await lv.message_templates.info()
    error = caught.value
    assert (error.local, error.session_kind, error.status) == (False, "user", 403)
    assert error.roles == ("IT User", "Sysadmin")
    assert "LiveVox answered 403" in str(error)
    assert ops_in_log(livevox_sim, "message_templates.info") == 1


async def test_declared_role_is_checked_before_sending(livevox_sim: Simulator) -> None:
    creds = livevox_sim.credentials("Manager")
    powerless = Credentials(
        access_token=creds.access_token,
        client_name=creds.client_name,
        user_name=creds.user_name,
        password=creds.password,
        role="Manager",
        manager_powers=frozenset(),
    )
    async with LiveVox(powerless, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(PermissionDeniedError) as caught:
            await lv.dialing_strategies.info()
    assert caught.value.local
    assert caught.value.manager_power == "Dialing Strategies"
    assert "Manager needs the 'Dialing Strategies' power" in str(caught.value)
    assert ops_in_log(livevox_sim, "dialing_strategies.info") == 0


async def test_pool_routes_what_agents_may_not_call_to_the_user(livevox_sim: Simulator) -> None:
    pool = [livevox_sim.agent_credentials(), livevox_sim.credentials("Sysadmin")]
    async with LiveVox(pool, base_url=livevox_sim.base_url) as lv:
        await asyncio.gather(*(lv.agents.info() for _ in range(10)))
        ids = [r["id"] for r in livevox_sim.state.records("agents")[:20]]
        await asyncio.gather(*(lv.agents.read(i) for i in ids))
        new_id = await lv.agents.create(
            AgentCreate(
                login_id="pooled",
                first_name="P",
                last_name="Q",
                password="secret123",
                phone="1",
                wrap_up_time=0,
            )
        )
    assert new_id > 0
    kinds = {
        e.session_kind for e in livevox_sim.request_log if e.operation in ("agents.info", "agents.create")
    }
    assert kinds == {"user"}
    read_kinds = {e.session_kind for e in livevox_sim.request_log if e.operation == "agents.read"}
    assert read_kinds == {"agent", "user"}  # reads are spread over both sessions
    assert not any(e.status == 403 for e in livevox_sim.request_log)


async def test_a_refused_login_is_tried_once_for_every_waiter_and_never_again(
    livevox_sim: Simulator,
) -> None:
    # LiveVox locks accounts after a few failed logins: 500 callers must cost one attempt.
    wrong = attrs.evolve(livevox_sim.credentials("Sysadmin"), password="not the password")
    async with LiveVox(wrong, base_url=livevox_sim.base_url) as lv:
        results = await asyncio.gather(*(lv.agents.info() for _ in range(500)), return_exceptions=True)
        later = await asyncio.gather(lv.agents.info(), lv.services.info(), return_exceptions=True)
    assert {type(r) for r in [*results, *later]} == {AuthenticationError}
    assert [(r.operation, r.status) for r in livevox_sim.request_log] == [("session.login", 401)]


@pytest.mark.parametrize(("failures", "first_outcome"), [(1, "ok"), (3, "ServerError")])
async def test_a_login_that_fails_with_a_5xx_is_one_retried_attempt_shared_by_its_waiters(
    failures: int, first_outcome: str, livevox_sim: Simulator
) -> None:
    # The one login in flight is retried under the policy (3 attempts); its waiters share
    # its outcome; after a failure the next call tries afresh.
    livevox_sim.faults.script("500", times=failures, operation="session.login")
    retry = RetryPolicy(max_attempts=3, backoff_base=0.01, backoff_cap=0.02)
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url, retry=retry) as lv:
        first = await asyncio.gather(*(lv.agents.info() for _ in range(200)), return_exceptions=True)
        again = await lv.agents.info()
    outcomes = {"ok" if isinstance(r, ListInfo) else type(r).__name__ for r in first}
    assert outcomes == {first_outcome}
    assert again.size == len(livevox_sim.state.records("agents"))
    logins = [r.status for r in livevox_sim.request_log if r.operation == "session.login"]
    assert logins == [500] * failures + [200]
