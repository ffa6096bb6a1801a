"""Exact where LiveVox documents it: audit-log dateRange, screen pop services, client internal
settings without an id, the Session API on `lv.session`, and the headers every request carries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import aiohttp
import attrs
import pytest
from fidelity_support import WireTap

from livevox_async import (
    OPERATIONS,
    BadRequestError,
    LiveVox,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from livevox_async.models import ActiveSession, AuditLogDateRange, AuditLogSearch, ServiceSummary
from livevox_async.testing import Simulator

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def at(epoch_ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=epoch_ms)


def count(sim: Simulator, operation: str, status: int | None = None) -> int:
    return sum(1 for e in sim.request_log if e.operation == operation and status in (None, e.status))


# -- audit log: the mandatory dateRange ---------------------------------------------------


async def test_audit_log_search_sends_the_date_range_and_gets_what_lies_in_it(
    livevox_sim: Simulator, tap: WireTap
) -> None:
    entries = livevox_sim.state.records("audit_log")
    start, end = entries[10]["timestamp"], entries[40]["timestamp"]
    criteria = AuditLogSearch(date_range=AuditLogDateRange(from_=at(start), to=at(end)))
    creds = livevox_sim.credentials("Sysadmin")
    async with LiveVox(creds, base_url=livevox_sim.base_url, trace_configs=[tap.config]) as lv:
        found = [e async for e in lv.audit_log.search(criteria, page_size=7)]
    sent = tap.to("/configuration/util/auditLog/search")
    assert [s.json() for s in sent] == [{"dateRange": {"from": start, "to": end}}] * 5
    assert [e.id for e in found] == [e["id"] for e in entries if start <= e["timestamp"] <= end]
    assert len(found) == 31


async def test_the_simulator_refuses_an_audit_log_search_without_a_date_range(livevox_sim: Simulator) -> None:
    creds = livevox_sim.credentials("Sysadmin")
    async with aiohttp.ClientSession(livevox_sim.base_url) as http:
        login = await http.post(
            "/session/login",
            json={"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password},
            headers={"LV-Access": creds.access_token},
        )
        session = (await login.json())["sessionId"]
        answer = await http.post(
            "/configuration/util/auditLog/search",
            params={"count": "10", "offset": "0"},
            json={"userId": 5001, "startDate": 0, "endDate": 2**40},
            headers={"LV-Session": session},
        )
        assert answer.status == 400
        assert await answer.json() == {
            "code": 400,
            "message": "invalid body: $.dateRange: required field missing",
        }


# -- screen pops: associatedService is a list of services keyed by serviceId ----------------


async def test_a_screen_pop_lists_its_services_as_list_services_items(livevox_sim: Simulator) -> None:
    services = [s for s in livevox_sim.state.values("services") if s["screenPopId"] == 1002]
    assert services  # the control: the seeded tenant has services on this pop
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        pop = await lv.screen_pops.read(1002)
    assert pop.associated_service == [
        ServiceSummary(
            service_id=s["serviceId"],
            name=s["name"],
            call_center_id=s["callCenterId"],
            direction=s["direction"],
        )
        for s in services
    ]


# -- client internal settings: GET /configuration/clients/[{id}/]internal ------------------


@pytest.mark.parametrize("api_version", [None, "v6.0"])
async def test_client_internal_settings_are_read_with_or_without_the_id(
    livevox_sim: Simulator, tap: WireTap, api_version: str | None
) -> None:
    creds = livevox_sim.credentials("IT User")
    async with LiveVox(
        creds, base_url=livevox_sim.base_url, api_version=api_version, trace_configs=[tap.config]
    ) as lv:
        own = await lv.clients.read_own_internal()
        by_id = await lv.clients.read_internal(4199)
    prefix = "/configuration/v6.0" if api_version else "/configuration"
    assert [s.path for s in tap.sent[1:3]] == [
        f"{prefix}/clients/internal",
        f"{prefix}/clients/4199/internal",
    ]
    assert own == by_id
    assert (own.password_expiration_days, own.call_recording_days, own.max_daily_attempts) == (90, 30, 3)


async def test_client_internal_settings_without_an_id_keep_their_roles(livevox_sim: Simulator) -> None:
    manager = livevox_sim.credentials("Manager")
    async with LiveVox(
        attrs.evolve(manager, role=None, manager_powers=()), base_url=livevox_sim.base_url
    ) as lv:
        with pytest.raises(PermissionDeniedError) as caught:
            await lv.clients.read_own_internal()
    assert (caught.value.local, caught.value.status) == (False, 403)
    assert count(livevox_sim, "clients.read_own_internal", 403) == 1


# -- the Session API on lv.session ---------------------------------------------------------


async def test_days_until_password_expires_comes_from_the_login(livevox_sim: Simulator) -> None:
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        assert lv.session.days_until_password_expires is None  # not logged in yet
        await lv.agents.info()
        assert lv.session.days_until_password_expires == 90
        livevox_sim.state.change("clients", 4199, {"passwordExpirationDays": 12})
        livevox_sim.expire_sessions()
        await lv.agents.info()  # a fresh login reports the new number
        assert lv.session.days_until_password_expires == 12


async def test_validate_asks_livevox_about_the_session_and_never_logs_in(livevox_sim: Simulator) -> None:
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        assert await lv.session.validate() is False  # no session yet: nothing sent
        assert count(livevox_sim, "session.validate") == 0
        await lv.agents.info()
        assert await lv.session.validate() is True
        livevox_sim.expire_sessions()
        assert await lv.session.validate() is False
    assert [e.status for e in livevox_sim.request_log if e.operation == "session.validate"] == [204, 404]
    assert count(livevox_sim, "session.login") == 1


async def test_change_password_changes_it_and_later_calls_log_in_with_the_new_one(
    livevox_sim: Simulator, tap: WireTap
) -> None:
    creds = livevox_sim.credentials("Superuser")
    user_id = livevox_sim.state.lookup("users", creds.user_name)
    async with LiveVox(creds, base_url=livevox_sim.base_url, trace_configs=[tap.config]) as lv:
        await lv.agents.info()
        await lv.session.change_password("Fresh-pass-42")
        user = livevox_sim.state.find("users", user_id or 0)
        assert user is not None
        assert user["password"] == "Fresh-pass-42"
        assert (await lv.agents.info()).size == len(livevox_sim.state.records("agents"))
    (sent,) = tap.to("/session/password")
    assert sent.json() == {
        "clientName": creds.client_name,
        "userName": creds.user_name,
        "password": creds.password,
        "newPassword": "Fresh-pass-42",
        "agent": False,
    }
    assert sent.headers["LV-Access"] == creds.access_token
    assert [s.json()["password"] for s in tap.to("/session/login")] == [creds.password, "Fresh-pass-42"]
    assert [e.status for e in livevox_sim.request_log if e.operation == "session.login"] == [200, 200]


async def test_change_password_is_not_sent_again_after_a_503(livevox_sim: Simulator) -> None:
    creds = livevox_sim.credentials("Superuser")
    livevox_sim.faults.script("503", operation="session.change_password")
    async with LiveVox(creds, base_url=livevox_sim.base_url) as lv:
        await lv.agents.info()
        with pytest.raises(ServerError):
            await lv.session.change_password("Fresh-pass-42")
        assert (await lv.agents.info()).size > 0  # the old password still holds
    assert count(livevox_sim, "session.change_password") == 1
    assert count(livevox_sim, "session.login") == 1


async def test_a_refused_new_password_is_a_typed_error(livevox_sim: Simulator) -> None:
    async with LiveVox(livevox_sim.credentials("Superuser"), base_url=livevox_sim.base_url) as lv:
        await lv.agents.info()
        with pytest.raises(BadRequestError) as caught:
            await lv.session.change_password("short")
    assert "newPassword: must be at least 8 characters" in str(caught.value)


async def test_list_active_and_details_describe_the_users_sessions(livevox_sim: Simulator) -> None:
    first = livevox_sim.credentials("Sysadmin", token_index=0)
    second = livevox_sim.credentials("Sysadmin", token_index=1)
    user_id = livevox_sim.state.lookup("users", first.user_name)
    async with LiveVox([first, second], base_url=livevox_sim.base_url) as lv:
        await lv.agents.info()
        await lv.agents.info()  # one call per session of the pool
        active = await lv.session.list_active()
        mine = await lv.session.details()
    assert [(s.user_id, s.client_id, s.agent) for s in active] == [(user_id, 4199, False)] * 2
    assert mine.session_id in {s.session_id for s in active}
    assert mine.session_id not in repr(mine)  # session ids stay out of repr
    assert count(livevox_sim, "session.login") == 2


async def test_an_agent_session_may_call_the_session_api(livevox_sim: Simulator) -> None:
    agent = livevox_sim.agent_credentials()
    async with LiveVox(agent, base_url=livevox_sim.base_url) as lv:
        mine = await lv.session.details()
        assert await lv.session.validate() is True
    assert mine.agent is True
    assert mine.user_id == livevox_sim.state.lookup("agents", agent.user_name)


async def test_details_of_an_unknown_session_is_not_found(livevox_sim: Simulator) -> None:
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        await lv.agents.info()
        with pytest.raises(NotFoundError) as caught:
            await lv.runtime.fetch(
                OPERATIONS["session.details"], ActiveSession, path={"sessionId": str(uuid.uuid4())}
            )
    assert "***" in str(caught.value)  # the session id in the path is redacted


# -- headers --------------------------------------------------------------------------------


async def test_every_request_sends_json_headers_and_a_uuid_tracking_id(
    livevox_sim: Simulator, tap: WireTap
) -> None:
    async with LiveVox(
        livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url, trace_configs=[tap.config]
    ) as lv:
        await lv.agents.read(100001)
        with pytest.raises(NotFoundError) as caught:
            await lv.agents.read(1)
    assert [s.path for s in tap.sent] == [
        "/session/login",
        "/configuration/agents/100001",
        "/configuration/agents/1",
        tap.sent[3].path,  # the logout
    ]
    ids = [uuid.UUID(s.headers["LV_REQUEST_TRACKING_ID"]) for s in tap.sent]
    for sent, tracking in zip(tap.sent, ids, strict=True):
        assert sent.headers["Accept"] == "application/json"
        assert sent.headers["Content-Type"] == "application/json"
        assert (tracking.version, tracking.variant) == (4, uuid.RFC_4122)
        assert str(tracking) == sent.headers["LV_REQUEST_TRACKING_ID"]
    assert len(set(ids)) == 4
    assert caught.value.request_id == tap.sent[2].headers["LV_REQUEST_TRACKING_ID"]
