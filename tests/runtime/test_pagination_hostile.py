"""Pagination against servers that do not behave (design §10): nothing lost, nothing twice.

Each test sets one `ListQuirks` knob of the simulator and checks exactly what the
paginator yielded, what it reported and how many pages the server was asked for.
"""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import ops_in_log

from livevox_async import OPERATIONS, ListReport, LiveVox, Page, PaginationError, Paginator
from livevox_async._pagination import id_reader
from livevox_async.testing import ListQuirks, Simulator, TenantSize
from livevox_async.testing._drift import KeyRenamed, StringForInteger
from livevox_async.testing.pytest_plugin import SimulatorFactory


def _agent_ids(sim: Simulator) -> list[int]:
    return [r["id"] for r in sim.state.records("agents")]


async def _ids_by_offset(lv: LiveVox, page_size: int = 1000, concurrency: int = 8) -> list[int]:
    listing = lv.agents.list(page_size=page_size)
    return [a.id async for page in listing.concurrent_pages(concurrency=concurrency) for a in page.items]


async def test_pages_capped_below_count_lose_nothing(
    livevox_sim_factory: SimulatorFactory,
) -> None:
    sim = await livevox_sim_factory(size=TenantSize(call_centers=1, services=2, agents=2500))
    sim.list_quirks = ListQuirks(page_cap=100)
    async with LiveVox(sim.credentials(), base_url=sim.base_url) as lv:
        listing = lv.agents.list()
        ids = [a.id async for page in listing.concurrent_pages(concurrency=8) for a in page.items]
        assert ids == _agent_ids(sim)
        assert listing.report.delivered == 2500
        assert listing.report.expected == 2500
        assert listing.report.repeated == 0
        assert listing.report.disagreements == []
        assert listing.report.short_pages == 24  # every page but the last said more followed
        followed = [a.id async for a in lv.agents.list()]
        assert followed == _agent_ids(sim)


@pytest.mark.parametrize("size", [0, -3])
async def test_an_info_that_says_too_little_is_not_believed(livevox_sim: Simulator, size: int) -> None:
    livevox_sim.list_quirks = ListQuirks(info_size=size)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        listing = lv.agents.list(page_size=100)
        ids = [a.id async for page in listing.concurrent_pages() for a in page.items]
    assert ids == _agent_ids(livevox_sim)
    assert f"/info announced {size} items; the list held 250" in listing.report.disagreements
    assert ops_in_log(livevox_sim, "agents.list") == 3  # followed one page after another


async def test_an_info_that_says_too_much_costs_one_window(livevox_sim_factory: SimulatorFactory) -> None:
    sim = await livevox_sim_factory(size=TenantSize(call_centers=1, services=2, agents=25))
    sim.list_quirks = ListQuirks(info_size=10**7)
    async with LiveVox(sim.credentials(), base_url=sim.base_url) as lv:
        listing = lv.agents.list()
        ids = [a.id async for page in listing.concurrent_pages(concurrency=8) for a in page.items]
    assert ids == _agent_ids(sim)
    assert listing.report.disagreements == ["/info announced 10000000 items; the list held 25"]
    # Offsets 0, 1000, …, 7000 went out together, then offset 25 checked the end: at most 9.
    assert ops_in_log(sim, "agents.list") <= 9


async def test_overlapping_pages_give_each_id_once(livevox_sim: Simulator) -> None:
    livevox_sim.list_quirks = ListQuirks(overlap=3)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        listing = lv.agents.list(page_size=100)
        ids = [a.id async for a in listing]
        assert ids == _agent_ids(livevox_sim)
        assert listing.report.repeated == 3  # offset 100 answered from 97; offset 200 from 197: contiguous
        assert await _ids_by_offset(lv, page_size=100) == _agent_ids(livevox_sim)


async def test_a_next_walking_backwards_gives_each_id_once(livevox_sim: Simulator) -> None:
    livevox_sim.list_quirks = ListQuirks(backwards_next=True)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        listing = lv.agents.list(page_size=40)
        assert [a.id async for a in listing] == _agent_ids(livevox_sim)
    assert listing.report.repeated == 0
    # 250 / 40 pages walked by offset, and the empty one at 250 (its next still points back).
    assert ops_in_log(livevox_sim, "agents.list") == 8


async def test_a_server_ignoring_offset_is_a_typed_error(livevox_sim: Simulator) -> None:
    livevox_sim.list_quirks = ListQuirks(ignore_offset=True)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        with pytest.raises(PaginationError) as caught:
            await lv.agents.list(page_size=100).collect()
        with pytest.raises(PaginationError):
            await _ids_by_offset(lv, page_size=100)
    assert caught.value.offset == 100
    assert caught.value.operation == "agents.list"
    assert "ignores offset" in str(caught.value)


async def test_a_runaway_next_ends_at_the_first_empty_page(livevox_sim: Simulator) -> None:
    livevox_sim.list_quirks = ListQuirks(endless_next=True)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        listing = lv.agents.list(page_size=100)
        assert [a.id async for a in listing] == _agent_ids(livevox_sim)
    assert ops_in_log(livevox_sim, "agents.list") == 4  # 3 pages and the empty one
    assert listing.report.disagreements == ["an empty page at offset 250 still pointed to a next page"]


async def test_a_404_on_an_empty_list_is_an_empty_list(livevox_sim_factory: SimulatorFactory) -> None:
    sim = await livevox_sim_factory(size=TenantSize(call_centers=1, services=2, agents=5, agent_skills=0))
    sim.list_quirks = ListQuirks(empty_404=True)
    async with LiveVox(sim.credentials(), base_url=sim.base_url) as lv:
        skills = lv.agent_skills.list()
        assert await skills.collect() == []
        assert skills.report.not_found
        agents = lv.agents.list(page_size=2)
        assert [a.id async for a in agents] == _agent_ids(sim)
        assert not agents.report.not_found


async def test_an_id_beyond_64_bits_is_refused_not_rounded(livevox_sim: Simulator) -> None:
    livevox_sim.faults.script("big_integers", operation="agents.list")
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        with pytest.raises(PaginationError, match="does not fit in 64 bits") as caught:
            await lv.agents.list().collect()
    assert caught.value.offset == 0
    assert str(2**64 + _agent_ids(livevox_sim)[0]) in str(caught.value)


async def test_items_without_an_id_are_kept_and_counted(livevox_sim: Simulator) -> None:
    livevox_sim.drift.add(KeyRenamed("agents.list", "agent[].id", "agentId"))
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        listing = lv.runtime.paginate(OPERATIONS["agents.list"], dict, page_size=100)
        items = await listing.collect()
    assert [item["agentId"] for item in items] == _agent_ids(livevox_sim)
    assert listing.report == ListReport(delivered=250, pages=3, unidentified=250)


async def test_string_ids_are_checked_for_repeats_like_numbers(livevox_sim: Simulator) -> None:
    livevox_sim.drift.add(StringForInteger("agents.list", "agent[].id"))
    livevox_sim.list_quirks = ListQuirks(overlap=3)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url) as lv:
        listing = lv.runtime.paginate(OPERATIONS["agents.list"], dict, page_size=100)
        items = await listing.collect()
    assert [item["id"] for item in items] == [str(i) for i in _agent_ids(livevox_sim)]
    assert listing.report.repeated == 3
    assert listing.report.unidentified == 0


def _stub(pages: dict[int, list[Any]]) -> Paginator[Any]:
    """A paginator over `pages` (offset: wire items), each the last unless another follows."""

    async def fetch(offset: int, count: int) -> Page[Any]:
        raw = pages.get(offset, [])
        more = any(o > offset for o in pages)
        return Page(offset, raw, raw, f"?offset={offset + len(raw)}" if more else None)

    return Paginator(fetch, fetch_total=None, page_size=4, id_of=id_reader("id"), what="stub.list")


async def test_a_page_of_mixed_ids_is_checked_item_by_item() -> None:
    first = [{"id": 1}, {"id": "B"}, {"name": "no id"}, {"id": True}]
    second = [{"id": 1.5}, {"id": "B"}, {"id": 2**64 - 1}, {"id": 1}]
    listing = _stub({0: first, 4: second})
    items = await listing.collect()
    assert items == [*first, {"id": 1.5}, {"id": 2**64 - 1}]
    assert listing.report == ListReport(delivered=6, pages=3, repeated=2, unidentified=3)


@pytest.mark.parametrize("bad", [2**64, -(2**63) - 1])
async def test_a_page_of_mixed_ids_names_the_id_beyond_64_bits(bad: int) -> None:
    listing = _stub({0: [{"id": 1}, {"id": "B"}, {"name": "no id"}, {"id": 2}], 4: [{"id": 3}, {"id": bad}]})
    refused = rf"the id at offset 5 does not fit in 64 bits \({bad}\)"
    with pytest.raises(PaginationError, match=refused) as caught:
        await listing.collect()
    assert caught.value.offset == 5


def test_a_page_read_in_one_pass_reads_as_each_item_does() -> None:
    read = id_reader("id")
    pages: list[list[Any]] = [
        [{"id": 1}, {"id": 2}],
        [{"id": "a"}, {"id": 3}],
        [{"id": 1}, {"id": None}],
        [{"id": 1}, {"id": False}],
        [{"id": 1}, {"id": 2.0}],
        [{"id": 1}, {"other": 2}],
        [{"id": 1}, [1, 2]],
        [],
    ]
    for raws in pages:
        assert read.of_page(raws) == [read(raw) for raw in raws], raws
