"""Bulk export against the simulator: exact data, minimal requests, determinism, resume, skips."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import attrs
import orjson
import pytest
from export_support import Export, read_jsonl

from livevox_async import ExportError, LiveVox
from livevox_async.tenant import Manifest, Progress, export_configuration
from livevox_async.tenant._export_plan import export_plan
from livevox_async.testing import Simulator

TIMES = ("started", "finished")


async def test_export_equals_the_simulators_data(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    result = await export(tmp_path / "out")
    families = result.manifest.families
    assert result.manifest.skipped == {}
    assert set(families) == {p.name for p in export_plan()}
    for plan in export_plan():
        if plan.list_op is None:
            continue
        records = read_jsonl(tmp_path / "out" / f"{plan.name}.jsonl")
        truth = livevox_sim.state.records(plan.name)
        assert [r["id"] for r in records] == [t[plan.id_key] for t in truth], plan.name
        assert families[plan.name].count == len(truth)
        read = f"{plan.name}.read"
        if any(op.id == read for op in plan.details):
            assert [r[read] for r in records] == truth, plan.name
    clients = read_jsonl(tmp_path / "out" / "clients.jsonl")
    assert [c["id"] for c in clients] == [result.manifest.client_id]
    client_reads = [
        "clients.read_internal",
        "clients.read_settings",
        "clients.read_voice_pool",
        "clients.read_messaging",
    ]
    assert set(clients[0]) == {"id", *client_reads}
    assert not (tmp_path / "out" / ".checkpoint").exists()


async def test_export_makes_the_minimum_number_of_requests(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    result = await export(tmp_path / "out")
    expected_total = 0
    for plan in export_plan():
        count = result.manifest.families[plan.name].count
        if plan.list_op is None:
            expected = len(plan.details)
        elif plan.info_op is not None:
            # /info before and after the pages (a family changed meanwhile is listed again);
            # the first page is asked even when /info says 0 (it is not believed).
            expected = 2 + max(1, math.ceil(count / 1000)) + count * len(plan.details)
        else:
            expected = max(1, math.ceil(count / 1000)) + count * len(plan.details)
        assert result.manifest.families[plan.name].requests == expected, plan.name
        expected_total += expected
    sent = [e for e in livevox_sim.request_log if e.operation not in ("session.login", "session.logout")]
    assert len(sent) == expected_total == result.manifest.totals.requests
    assert result.manifest.totals.retries == 0


async def test_two_exports_are_byte_identical(export: Export, tmp_path: Path) -> None:
    first = await export(tmp_path / "a")
    second = await export(tmp_path / "b")
    for name, family in first.manifest.families.items():
        assert (tmp_path / "a" / family.file).read_bytes() == (tmp_path / "b" / family.file).read_bytes(), (
            name
        )

    def untimed(manifest: Manifest) -> Manifest:
        return attrs.evolve(
            manifest, started="", finished="", totals=attrs.evolve(manifest.totals, seconds=0.0)
        )

    assert untimed(first.manifest) == untimed(second.manifest)


async def test_cancelled_export_resumes_without_refetching(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    reference = await export(tmp_path / "reference", families=["agents", "services"])
    livevox_sim.request_log.clear()
    out = tmp_path / "out"
    reached = asyncio.Event()

    def progress(event: Progress) -> None:
        if event.family == "agents" and event.phase == "reading" and event.done >= 100:
            reached.set()

    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        task = asyncio.ensure_future(
            export_configuration(lv, out, ["agents", "services"], concurrency=4, progress=progress)
        )
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not (out / "manifest.json").exists()
    written = [r["id"] for r in read_jsonl(out / ".checkpoint" / "agents.jsonl.part")]
    assert len(written) >= 100
    with pytest.raises(ExportError, match="interrupted export"):
        await export(out, families=["agents", "services"])
    lists_before = sum(1 for e in livevox_sim.request_log if e.operation == "agents.list")
    livevox_sim.request_log.clear()
    resumed = await export(out, families=["agents", "services"], resume=True)
    for name, family in reference.manifest.families.items():
        assert (out / family.file).read_bytes() == (tmp_path / "reference" / family.file).read_bytes(), name
        assert resumed.manifest.families[name].sha256 == family.sha256
    reread = {int(e.path.rsplit("/", 1)[1]) for e in livevox_sim.request_log if e.operation == "agents.read"}
    assert reread.isdisjoint(written)
    assert lists_before >= 1
    assert not any(e.operation in ("agents.list", "agents.info") for e in livevox_sim.request_log)


async def test_agent_session_skips_what_it_may_not_read(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    result = await export(tmp_path / "out", credentials=livevox_sim.agent_credentials())
    skipped = result.skipped
    assert set(result.manifest.families) == {
        "agents",
        "call_centers",
        "screen_pops",
        "term_codes",
        "term_code_categories",
        "livevox_results",
    }
    assert "users" in skipped
    assert skipped["users"].startswith("agent sessions may not call this method")
    assert not any(e.status == 403 for e in livevox_sim.request_log)


async def test_export_refuses_bad_directories_and_families(export: Export, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown family: nope"):
        await export(tmp_path / "x", families=["nope"])
    done = tmp_path / "done"
    await export(done, families=["voices"])
    with pytest.raises(ExportError, match="already holds a complete export"):
        await export(done, families=["voices"])
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        await export(other)
    assert (other / "notes.txt").read_text() == "mine"
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ExportError, match="cannot write to the output directory"):
        await export(blocker / "out")  # a path no one can create, even root


async def test_manifest_describes_the_files(export: Export, tmp_path: Path) -> None:
    import hashlib

    result = await export(tmp_path / "out", families=["term_codes", "voices"])
    written = (tmp_path / "out" / "manifest.json").read_bytes()
    assert written == result.manifest.to_json()
    assert Manifest.from_json(written, "manifest.json") == result.manifest
    manifest = orjson.loads(written)
    for family in manifest["families"].values():
        data = (tmp_path / "out" / family["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == family["sha256"]
        assert data.count(b"\n") == family["count"]
    assert manifest["sdk"].startswith("livevox-async ")
    assert set(manifest["totals"]) >= {"requests", "throttles", "retries", "objects"}


async def test_audit_log_export_for_a_date_range(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    entries = livevox_sim.state.records("audit_log")
    stamps = sorted(e["timestamp"] for e in entries)
    start_ms, end_ms = stamps[len(stamps) // 4], stamps[3 * len(stamps) // 4]
    start = datetime.fromtimestamp(start_ms / 1000, UTC)
    end = datetime.fromtimestamp(end_ms / 1000, UTC)
    result = await export(tmp_path / "out", families=["voices"], audit_log=(start, end))
    exported = read_jsonl(tmp_path / "out" / "audit_log.jsonl")
    expected = sorted((e for e in entries if start_ms <= e["timestamp"] <= end_ms), key=lambda e: e["id"])
    assert [r["audit_log.search"] for r in exported] == expected
    assert [r["id"] for r in exported] == sorted(r["id"] for r in exported)
    assert result.manifest.families["audit_log"].count == len(expected) > 0
