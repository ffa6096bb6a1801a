"""Lists, /info, filters and searches: paging by count/offset with `next`, totals, both path styles."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sim_support import Api

from livevox_async import OPERATIONS
from livevox_async.testing import Simulator

LISTS = [op for op in OPERATIONS.values() if op.is_list and op.method == "GET"]
INFOS = [op for op in OPERATIONS.values() if op.name == "info"]
SUMMARY = ("id", "loginId", "firstName", "lastName")


async def follow(api: Api, path: str, count: int, **params: Any) -> list[Any]:
    """Every page of a list, following `next` from the first page."""
    pages = []
    reply = await api.get(path, count=count, offset=0, **params)
    while True:
        assert reply.status == 200, reply
        pages.append(reply.body)
        if "next" not in reply.body:
            return pages
        url = urlsplit(reply.body["next"])
        reply = await api.get("/" + url.path, **dict(parse_qsl(url.query)))


@pytest.mark.parametrize("count", [1, 7, 1000])
async def test_paging_visits_every_agent_exactly_once(livevox_sim: Simulator, admin: Api, count: int) -> None:
    expected = [{k: a[k] for k in SUMMARY} for a in livevox_sim.state.records("agents")]

    pages = await follow(admin, "/configuration/agents", count)

    assert [item for page in pages for item in page["agent"]] == expected
    assert len(pages) == -(-len(expected) // count)
    assert all(len(page["agent"]) == count for page in pages[:-1])


async def test_next_links_keep_the_path_style_and_the_filters(admin: Api) -> None:
    plain = await admin.get("/configuration/agents", count=7, offset=14)
    versioned = await admin.get("/configuration/v6.0/agents", count=7, offset=0)
    filtered = await admin.get("/configuration/services", count=2, offset=0, callCenter=101)
    last = await admin.get("/configuration/agents", count=7, offset=245)
    beyond = await admin.get("/configuration/agents", count=7, offset=900)

    assert plain.body["next"] == "configuration/agents?count=7&offset=21"
    assert versioned.body["next"] == "configuration/v6.0/agents?count=7&offset=7"
    assert filtered.body["next"] == "configuration/services?count=2&offset=2&callCenter=101"
    assert len(last.body["agent"]) == 5
    assert "next" not in last.body
    assert beyond.body == {"agent": []}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"count": 1001, "offset": 0}, "count: must be between 1 and 1000, got 1001"),
        ({"count": 0, "offset": 0}, "count: must be between 1 and 1000, got 0"),
        ({"offset": 0}, "count: required query parameter is missing"),
        ({"count": 10}, "offset: required query parameter is missing"),
        ({"count": 10, "offset": -1}, "offset: must not be negative, got -1"),
        ({"count": "ten", "offset": 0}, "count: expected an integer, got 'ten'"),
        ({"count": 10, "offset": 0, "client": "me"}, "client: expected an integer, got 'me'"),
    ],
)
async def test_bad_paging_parameters_answer_400(admin: Api, params: dict[str, Any], message: str) -> None:
    reply = await admin.get("/configuration/agents", **params)

    assert (reply.status, reply.body) == (400, {"code": 400, "message": message})


async def test_every_list_answers_its_key_and_every_info_its_total(
    livevox_sim: Simulator, admin: Api
) -> None:
    for op in LISTS:
        reply = await admin.get(op.path, count=1000, offset=0)
        assert list(reply.body) == [op.list_key], op.id
        assert all(op.id_key in item for item in reply.body[op.list_key]), op.id
    for op in INFOS:
        reply = await admin.get(op.path)
        size = len(livevox_sim.state.records(op.family))
        assert reply.body == {"size": size, "lastModified": livevox_sim.state.last_modified(op.family)}, op.id


async def test_info_changes_when_the_collection_changes(livevox_sim: Simulator, admin: Api) -> None:
    before = await admin.get("/configuration/agents/info")
    services_before = await admin.get("/configuration/services/info")
    created = await admin.post(
        "/configuration/agents",
        {
            "loginId": "n1",
            "firstName": "N",
            "lastName": "One",
            "password": "Passw0rd",
            "phone": "1",
            "wrapUpTime": 0,
        },
    )
    after = await admin.get("/configuration/agents/info")
    await admin.put(f"/configuration/agents/{created.body['id']}", {"phone": "2"})
    updated = await admin.get("/configuration/agents/info")

    assert before.body["size"] == 250
    assert after.body["size"] == 251
    assert before.body["lastModified"] < after.body["lastModified"] < updated.body["lastModified"]
    assert (await admin.get("/configuration/services/info")).body == services_before.body


async def test_the_client_filter(admin: Api) -> None:
    own = await admin.get("/configuration/agents", count=5, offset=0, client=4199)
    other = await admin.get("/configuration/agents", count=5, offset=0, client=1)
    other_info = await admin.get("/configuration/agents/info", client=1)

    assert len(own.body["agent"]) == 5
    assert other.body == {"agent": []}
    assert other_info.body["size"] == 0


async def test_both_path_styles_answer_the_same(admin: Api) -> None:
    for path in (
        "/configuration/agents/100001",
        "/configuration/callCenters/info",
        "/configuration/services/40003/related",
        "/configuration/util/voices/9",
        "/configuration/termCodes?count=5&offset=0&service=40002",  # one page: no `next`
    ):
        plain, _, query = path.partition("?")
        versioned = plain.replace("/configuration/", "/configuration/v6.0/", 1)
        params = dict(parse_qsl(query))
        assert (await admin.get(versioned, **params)).body == (await admin.get(plain, **params)).body, path


async def test_filters_by_call_center_and_service(livevox_sim: Simulator, admin: Api) -> None:
    services = await admin.get("/configuration/services", count=1000, offset=0, callCenter=102)
    term_codes = await admin.get("/configuration/termCodes", count=1000, offset=0, service=40002)

    assert [s["serviceId"] for s in services.body["service"]] == [
        s["serviceId"] for s in livevox_sim.state.records("services") if s["callCenterId"] == 102
    ]
    assert services.body["service"][0] == {
        "serviceId": 40002,
        "name": "Sales 0002",
        "callCenterId": 102,
        "direction": "OUTBOUND",
    }
    assert [t["serviceId"] for t in term_codes.body["termCode"]] == [40002] * 5


async def test_agent_search_matches_substrings_case_insensitively(livevox_sim: Simulator, admin: Api) -> None:
    agents = livevox_sim.state.records("agents")
    target = agents[10]

    by_login = await admin.post(
        "/configuration/agents/search", {"loginId": target["loginId"][1:].lower()}, count=10, offset=0
    )
    by_name = await admin.post("/configuration/agents/search", {"lastName": "SMITH"}, count=1000, offset=0)
    by_phone = await admin.post(
        "/configuration/agents/search", {"phoneNumber": target["phone"]}, count=10, offset=0
    )
    nothing = await admin.post(
        "/configuration/agents/search", {"loginId": "no such agent"}, count=10, offset=0
    )
    paged = await admin.post("/configuration/agents/search", {"lastName": "smith"}, count=2, offset=0)

    assert by_login.body == {"agent": [{k: target[k] for k in SUMMARY}]}
    assert [a["id"] for a in by_name.body["agent"]] == [
        a["id"] for a in agents if "smith" in a["lastName"].lower()
    ]
    assert target["id"] in [a["id"] for a in by_phone.body["agent"]]
    assert (nothing.status, nothing.body) == (200, {"agent": []})
    assert paged.body["next"] == "configuration/agents/search?count=2&offset=2"


async def test_service_user_and_audit_log_searches(livevox_sim: Simulator, admin: Api) -> None:
    inbound = await admin.post(
        "/configuration/services/search",
        {"callDirection": "INBOUND", "acdFeatureCode": ["6"]},
        count=100,
        offset=0,
    )
    manual = await admin.post(
        "/configuration/services/search", {"acdFeatureCode": ["3", "7"]}, count=100, offset=0
    )
    users = await admin.post("/configuration/users/search", {"userName": "MANAGER"}, count=100, offset=0)
    entries = livevox_sim.state.records("audit_log")
    first = entries[0]
    window = (entries[100]["timestamp"], entries[199]["timestamp"])
    always = {"dateRange": {"from": 0, "to": entries[-1]["timestamp"]}}
    by_user = await admin.post(
        "/configuration/util/auditLog/search", {**always, "userId": first["userId"]}, count=1000, offset=0
    )
    by_object = await admin.post(
        "/configuration/util/auditLog/search",
        {**always, "type": first["type"], "id": first["objectId"]},
        count=1000,
        offset=0,
    )
    by_date = await admin.post(
        "/configuration/util/auditLog/search",
        {"dateRange": {"from": window[0], "to": window[1]}},
        count=1000,
        offset=0,
    )
    bad = await admin.post(
        "/configuration/util/auditLog/search", {**always, "userId": "me"}, count=10, offset=0
    )

    services = livevox_sim.state.records("services")
    assert [s["serviceId"] for s in inbound.body["service"]] == [
        s["serviceId"] for s in services if s["callDirection"] == "INBOUND"
    ]
    assert [s["serviceId"] for s in manual.body["service"]] == [
        s["serviceId"] for s in services if s["acdFeatureCode"] in ("3", "7")
    ]
    assert [u["userName"] for u in users.body["user"]] == [
        "manager1",
        "manager2",
        "manager-nopowers",
        "manager-administeragents",
        "manager-dialingstrategies",
    ]
    assert by_user.body["auditLogEntry"] == [e for e in entries if e["userId"] == first["userId"]]
    assert by_object.body["auditLogEntry"] == [
        e for e in entries if (e["type"], e["objectId"]) == (first["type"], first["objectId"])
    ]
    assert by_date.body["auditLogEntry"] == [e for e in entries if window[0] <= e["timestamp"] <= window[1]]
    assert bad.body == {"code": 400, "message": "invalid body: $.userId: expected int, got str"}


async def test_tracking_ids_trailing_slashes_and_unknown_routes(admin: Api) -> None:
    tracked = await admin.call(
        "GET",
        "/configuration/agents/100001",
        headers={"LV_REQUEST_TRACKING_ID": "5c1b6f3e-aaaa-bbbb-cccc-000000000001"},
    )
    slash = await admin.post("/configuration/termCodeCategories/", {"name": "Slashed"})
    wrong_verb = await admin.call("PATCH", "/configuration/agents/100001")
    unknown = await admin.get("/configuration/campaigns")

    assert tracked.status == 200
    assert slash.status == 201
    assert wrong_verb.body == {
        "code": 405,
        "message": "PATCH is not supported on /configuration/agents/100001; use GET, PUT, DELETE",
    }
    assert unknown.body == {"code": 404, "message": "no LiveVox method at /configuration/campaigns"}
