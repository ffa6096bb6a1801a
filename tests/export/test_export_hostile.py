"""Exports against a server that misbehaves or changes meanwhile: each id once, verified counts,
vanished objects recorded, exact values, resumable (design §10)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from export_support import read_jsonl

from livevox_async import ExportError, LiveVox, PaginationError, RetryPolicy
from livevox_async.tenant import ManifestListing, Progress, diff_exports, export_configuration
from livevox_async.testing import ListQuirks, Simulator, TenantSize
from livevox_async.testing._drift import KeyRenamed
from livevox_async.testing.pytest_plugin import SimulatorFactory

SMALL = TenantSize(call_centers=1, services=3, agents=600, agent_skills=0)


async def _export(sim: Simulator, out: Path, **kwargs: Any) -> Any:
    async with LiveVox(sim.credentials(), base_url=sim.base_url) as lv:
        return await export_configuration(lv, out, **kwargs)


def _ids(sim: Simulator, family: str = "agents", key: str = "id") -> list[int]:
    return [r[key] for r in sim.state.records(family)]


async def test_capped_pages_export_every_agent_once(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=SMALL)
    sim.list_quirks = ListQuirks(page_cap=100)
    result = await _export(sim, tmp_path / "out", families=["agents"])
    lines = read_jsonl(tmp_path / "out" / "agents.jsonl")
    assert [line["id"] for line in lines] == _ids(sim)
    family = result.manifest.families["agents"]
    assert family.count == 600
    assert family.listing == ManifestListing(
        info_size=600, listed=600, repeated_ids_dropped=0, short_pages=5, disagreements=[]
    )


async def test_overlapping_pages_and_a_lying_info_change_nothing(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=SMALL)
    await _export(sim, tmp_path / "polite", families=["agents", "services"])
    sim.list_quirks = ListQuirks(overlap=3, page_cap=50, info_size=0)
    result = await _export(sim, tmp_path / "hostile", families=["agents", "services"])
    assert [line["id"] for line in read_jsonl(tmp_path / "hostile" / "agents.jsonl")] == _ids(sim)
    listing = result.manifest.families["agents"].listing
    assert listing is not None
    assert listing.repeated_ids_dropped == 3  # offset 50 answered from 47; later pages are contiguous
    assert listing.disagreements == ["/info announced 0 items; the list held 600"]
    assert diff_exports(tmp_path / "polite", tmp_path / "hostile").families == {}


async def test_a_server_ignoring_offset_stops_the_export_with_a_typed_error(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=SMALL)
    sim.list_quirks = ListQuirks(ignore_offset=True, page_cap=100)
    with pytest.raises(PaginationError, match="offset 100 was already listed") as caught:
        await _export(sim, tmp_path / "out", families=["agents"])
    assert caught.value.operation == "agents.list"
    assert not (tmp_path / "out" / "agents.jsonl").exists()
    assert not (tmp_path / "out" / "manifest.json").exists()


async def test_a_listed_item_without_an_id_stops_the_export_naming_it(
    livevox_sim: Simulator, tmp_path: Path
) -> None:
    livevox_sim.drift.add(KeyRenamed("agents.list", "agent[].id", "agentId"))
    with pytest.raises(ExportError) as caught:
        await _export(livevox_sim, tmp_path / "out", families=["agents"])
    assert str(caught.value) == (
        "agents: a list item near offset 0 has no usable 'id'; the export cannot read or key it"
    )
    assert (tmp_path / "out" / ".checkpoint" / "agents.items.jsonl").read_bytes() == b""


async def test_objects_that_vanish_are_recorded_and_resume_goes_over_them(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=SMALL)
    listed = _ids(sim)
    sim.list_quirks = ListQuirks(families=frozenset({"agents"}), vanish_per_page=2)

    class Stop(Exception):
        pass

    def stop_half_way(event: Progress) -> None:
        if event.phase == "reading" and event.done >= 300:
            raise Stop

    with pytest.raises(Stop):
        await _export(sim, tmp_path / "out", families=["agents"], progress=stop_half_way)
    sim.list_quirks = ListQuirks()
    result = await _export(sim, tmp_path / "out", families=["agents"], resume=True)
    # The page of 600 lost its first two agents once answered; /info's lastModified moved, so
    # the family was listed again (which cost two more): four listed agents were gone by their reads.
    assert _ids(sim) == listed[4:]
    family = result.manifest.families["agents"]
    assert family.vanished == listed[:4]
    assert family.count == 596
    assert result.manifest.totals.vanished == 4
    assert [line["id"] for line in read_jsonl(tmp_path / "out" / "agents.jsonl")] == listed[4:]


async def test_objects_created_while_listing_are_included_or_reported(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=SMALL)
    sim.list_quirks = ListQuirks(families=frozenset({"agents"}), appear_per_page=1)
    result = await _export(sim, tmp_path / "out", families=["agents"])
    family = result.manifest.families["agents"]
    # The first pass (one page) added one agent: /info's lastModified moved, so the family was
    # listed again and the new agent included; that second pass added another one, reported.
    assert family.count == 601
    assert family.listing is not None
    assert family.listing.disagreements == ["the family changed while it was listed; objects may be missing"]
    assert [line["id"] for line in read_jsonl(tmp_path / "out" / "agents.jsonl")] == _ids(sim)[:601]


async def test_a_family_empty_by_404_is_marked_in_the_manifest(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=SMALL)
    sim.list_quirks = ListQuirks(empty_404=True)
    result = await _export(sim, tmp_path / "out", families=["agent_skills", "agents"])
    families = result.manifest.families
    assert families["agent_skills"].count == 0
    assert families["agent_skills"].empty_by_404 is True
    assert families["agents"].empty_by_404 is False
    written = json.loads((tmp_path / "out" / "manifest.json").read_bytes())["families"]
    assert written["agent_skills"]["empty_by_404"] is True
    assert "empty_by_404" not in written["agents"]
    sim.list_quirks = ListQuirks()
    polite = await _export(sim, tmp_path / "polite", families=["agent_skills"])
    assert polite.manifest.families["agent_skills"].empty_by_404 is False


async def test_big_integers_and_deep_records_are_written_exactly(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=TenantSize(call_centers=1, services=2, agents=3))
    sim.faults.script("big_integers", operation="agents.read")
    sim.faults.script("deep_nesting", operation="agents.read")
    await _export(sim, tmp_path / "out", families=["agents"])
    lines = [json.loads(line) for line in (tmp_path / "out" / "agents.jsonl").read_bytes().splitlines()]
    reads = {line["id"]: line["agents.read"] for line in lines}
    big = [r for r in reads.values() if r["id"] >= 2**64]
    assert len(big) == 1
    assert big[0]["id"] - 2**64 in reads
    deep = [r for r in reads.values() if "nested" in r]
    assert len(deep) == 1
    depth, value = 0, deep[0]["nested"]
    while isinstance(value, list) and value:
        depth, value = depth + 1, value[0]
    assert depth + (1 if value == [] else 0) >= 299


async def test_several_failing_families_are_one_export_error_carrying_each(
    livevox_sim: Simulator, tmp_path: Path
) -> None:
    livevox_sim.faults.script("500", times=4, operation="voices.list")
    livevox_sim.faults.script("502", times=4, operation="screen_pops.list")
    retry = RetryPolicy(max_attempts=2, backoff_base=0.001, backoff_cap=0.002)
    async with LiveVox(livevox_sim.credentials(), base_url=livevox_sim.base_url, retry=retry) as lv:
        with pytest.raises(ExportError) as caught:
            await export_configuration(lv, tmp_path / "out", families=["voices", "screen_pops", "agents"])
    failures = caught.value.failures
    assert sorted(failures) == ["screen_pops", "voices"]
    assert [failures["voices"].status, failures["screen_pops"].status] == [500, 502]  # type: ignore[attr-defined]
    assert str(caught.value).startswith("2 families failed (the checkpoint is kept): ")
    assert (tmp_path / "out" / "agents.jsonl").exists()  # the others finished
    assert (tmp_path / "out" / ".checkpoint").is_dir()
