"""List quirks: pages, `next` and `/info` bent the way a misbehaving LiveVox may bend them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs
import pytest
from sim_support import Api, Reply

from livevox_async.testing import ListQuirks, Simulator
from livevox_async.testing.pytest_plugin import SimulatorFactory

AGENTS = "/configuration/agents"


def agent_ids(sim: Simulator, start: int = 0, stop: int | None = None) -> list[int]:
    return [a["id"] for a in sim.state.records("agents")[start:stop]]


def ids_of(reply: Reply, key: str = "agent", id_key: str = "id") -> list[Any]:
    assert reply.status == 200, reply
    return [item[id_key] for item in reply.body[key]]


def next_query(reply: Reply) -> dict[str, int]:
    """The `next` link's query as a dict of ints (count, offset)."""
    return {k: int(v) for k, v in parse_qsl(urlsplit(reply.body["next"]).query)}


async def test_a_page_cap_holds_pages_below_count_with_a_correct_next(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.list_quirks = ListQuirks(page_cap=100)

    first = await admin.get(AGENTS, count=1000, offset=0)
    second = await admin.get(AGENTS, count=1000, offset=100)
    last = await admin.get(AGENTS, count=1000, offset=200)
    search = await admin.post(f"{AGENTS}/search", {"lastName": ""}, count=1000, offset=0)

    assert ids_of(first) == agent_ids(livevox_sim, 0, 100)
    assert next_query(first) == {"count": 1000, "offset": 100}
    assert ids_of(second) == agent_ids(livevox_sim, 100, 200)
    assert next_query(second) == {"count": 1000, "offset": 200}
    assert ids_of(last) == agent_ids(livevox_sim, 200, 250)
    assert "next" not in last.body
    assert len(search.body["agent"]) == 100
    assert next_query(search) == {"count": 1000, "offset": 100}


@pytest.mark.parametrize("size", [0, -3, 10**7])
async def test_info_can_lie_about_the_size_of_the_chosen_families(
    livevox_sim: Simulator, admin: Api, size: int
) -> None:
    livevox_sim.list_quirks = ListQuirks(families=frozenset({"agents"}), info_size=size)

    agents = await admin.get(f"{AGENTS}/info")
    services = await admin.get("/configuration/services/info")

    assert agents.body == {"size": size, "lastModified": livevox_sim.state.last_modified("agents")}
    assert services.body["size"] == len(livevox_sim.state.records("services"))


async def test_an_ignored_offset_answers_the_first_items_and_next_still_advances(
    livevox_sim: Simulator, admin: Api
) -> None:
    livevox_sim.list_quirks = ListQuirks(ignore_offset=True)

    middle = await admin.get(AGENTS, count=10, offset=100)
    beyond = await admin.get(AGENTS, count=10, offset=500)

    assert ids_of(middle) == agent_ids(livevox_sim, 0, 10)
    assert next_query(middle) == {"count": 10, "offset": 110}
    assert ids_of(beyond) == agent_ids(livevox_sim, 0, 10)
    assert "next" not in beyond.body


async def test_overlapping_pages_start_early_and_repeat_ids(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(overlap=3)

    first = await admin.get(AGENTS, count=10, offset=0)
    second = await admin.get(AGENTS, count=10, offset=10)

    assert ids_of(first) == agent_ids(livevox_sim, 0, 10)
    assert ids_of(second) == agent_ids(livevox_sim, 7, 17)
    assert next_query(second) == {"count": 10, "offset": 20}
    assert set(ids_of(first)) & set(ids_of(second)) == set(agent_ids(livevox_sim, 7, 10))


async def test_a_backwards_next_walks_back_after_the_first_page(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(backwards_next=True)

    first = await admin.get(AGENTS, count=10, offset=0)
    fourth = await admin.get(AGENTS, count=10, offset=30)
    near_start = await admin.get(AGENTS, count=10, offset=5)
    last = await admin.get(AGENTS, count=10, offset=240)

    assert next_query(first) == {"count": 10, "offset": 10}
    assert ids_of(fourth) == agent_ids(livevox_sim, 30, 40)
    assert next_query(fourth) == {"count": 10, "offset": 20}
    assert next_query(near_start) == {"count": 10, "offset": 0}
    assert next_query(last) == {"count": 10, "offset": 230}


async def test_an_endless_next_goes_on_past_the_end(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(endless_next=True)

    last = await admin.get(AGENTS, count=10, offset=240)
    past = await admin.get(AGENTS, count=10, offset=250)
    far = await admin.get(AGENTS, count=10, offset=10**6)

    assert ids_of(last) == agent_ids(livevox_sim, 240, 250)
    assert next_query(last) == {"count": 10, "offset": 250}
    assert past.body["agent"] == []
    assert next_query(past) == {"count": 10, "offset": 260}
    assert far.body["agent"] == []
    assert next_query(far) == {"count": 10, "offset": 10**6 + 10}


async def test_empty_pages_answer_404_with_livevox_error_body(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(empty_404=True, families=frozenset({"agents"}))

    past = await admin.get(AGENTS, count=10, offset=250)
    no_match = await admin.post(f"{AGENTS}/search", {"loginId": "no such agent"}, count=10, offset=0)
    full = await admin.get(AGENTS, count=10, offset=240)
    other_family = await admin.get("/configuration/services", count=10, offset=1000)

    assert (past.status, past.body) == (404, {"code": 404, "message": "no agents found"})
    assert (no_match.status, no_match.body) == (404, {"code": 404, "message": "no agents found"})
    assert ids_of(full) == agent_ids(livevox_sim, 240, 250)
    assert (other_family.status, other_family.body) == (200, {"service": []})


async def test_a_flood_sends_more_items_than_asked(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(flood=3)

    first = await admin.get(AGENTS, count=10, offset=0)
    last = await admin.get(AGENTS, count=10, offset=245)
    past = await admin.get(AGENTS, count=10, offset=250)

    assert ids_of(first) == agent_ids(livevox_sim, 0, 10) * 3
    assert next_query(first) == {"count": 10, "offset": 10}
    assert ids_of(last) == (agent_ids(livevox_sim, 245, 250) * 6)
    assert past.body == {"agent": []}


async def test_records_vanish_between_the_list_and_their_reads(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(vanish_per_page=2)
    listed = ids_of(await admin.get(AGENTS, count=10, offset=0))

    reads = [(await admin.get(f"{AGENTS}/{i}")).status for i in listed[:3]]

    assert reads == [404, 404, 200]
    assert agent_ids(livevox_sim, 0, 8) == listed[2:]
    assert (await admin.get(f"{AGENTS}/info")).body["size"] == 248


async def test_a_record_other_records_need_does_not_vanish(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(families=frozenset({"call_centers"}), vanish_per_page=1)
    before = livevox_sim.state.records("call_centers")

    listed = await admin.get("/configuration/callCenters", count=10, offset=0)

    assert listed.status == 200
    assert livevox_sim.state.records("call_centers") == before  # each still holds services (409)


async def test_records_appear_while_a_client_reads(livevox_sim: Simulator, admin: Api) -> None:
    livevox_sim.list_quirks = ListQuirks(appear_per_page=2)
    first = livevox_sim.state.record("agents", 100001)

    await admin.get(AGENTS, count=10, offset=0)
    made = [livevox_sim.state.record("agents", i) for i in (100251, 100252)]
    reads = [(await admin.get(f"{AGENTS}/{i}")).status for i in (100251, 100252)]

    assert [a["loginId"] for a in made] == [f"{first['loginId']}-1", f"{first['loginId']}-2"]
    assert [{**a, "id": 0, "loginId": ""} for a in made] == [{**first, "id": 0, "loginId": ""}] * 2
    assert reads == [200, 200]
    assert (await admin.get(f"{AGENTS}/info")).body["size"] == 252


@pytest.mark.parametrize(
    ("family", "path", "key", "id_key", "name"),
    [
        ("services", "/configuration/services", "service", "serviceId", "name"),
        ("term_codes", "/configuration/termCodes", "termCode", "id", "name"),
        ("users", "/configuration/users", "user", "id", "userName"),
        ("resource_groups", "/configuration/resourceGroups", "resourceGroup", "id", "name"),
    ],
)
async def test_copies_appear_in_other_families_with_unique_names(
    livevox_sim: Simulator, admin: Api, family: str, path: str, key: str, id_key: str, name: str
) -> None:
    livevox_sim.list_quirks = ListQuirks(families=frozenset({family}), appear_per_page=1)
    size = len(livevox_sim.state.records(family))

    page = await admin.get(path, count=1, offset=0)
    records = livevox_sim.state.records(family)

    template, made = records[0], records[-1]
    assert ids_of(page, key, id_key) == [template[id_key]]
    assert len(records) == size + 1
    assert made[id_key] > records[-2][id_key]
    assert made[name] == f"{template[name]}-1"
    if family == "resource_groups":
        assert made["inboundService"] == []  # a service is inbound to one resource group at most


async def test_quirks_come_from_the_config_and_change_while_running(
    livevox_sim_factory: SimulatorFactory,
) -> None:
    quirks = ListQuirks(page_cap=5)
    sim = await livevox_sim_factory(list_quirks=quirks)

    sim.list_quirks.page_cap = 7

    assert sim.list_quirks == ListQuirks(page_cap=7)
    assert sim.config.list_quirks == quirks == ListQuirks(page_cap=5)  # the config is copied


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"overlap": -1}, "overlap: must be an integer >= 0, got -1"),
        ({"flood": 1.5}, "flood: must be an integer >= 0, got 1.5"),
        ({"vanish_per_page": -2}, "vanish_per_page: must be an integer >= 0, got -2"),
        ({"appear_per_page": True}, "appear_per_page: must be an integer >= 0, got True"),
        ({"page_cap": 0}, "page_cap: must be an integer >= 1 or None, got 0"),
        ({"info_size": "3"}, "info_size: must be an integer or None, got '3'"),
        ({"families": {"agents", "robots"}}, r"families: unknown list families \['robots'\]"),
        ({"families": "agents"}, "families: a set of family names is required"),
    ],
)
def test_quirks_refuse_bad_values_when_made_and_when_changed(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ListQuirks(**changes)
    quirks = ListQuirks()
    with pytest.raises(ValueError, match=message):
        attrs.evolve(quirks, **changes)
    name, value = next(iter(changes.items()))
    with pytest.raises(ValueError, match=message):
        setattr(quirks, name, value)
