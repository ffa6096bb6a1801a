"""apply_plan against a second simulator: convergence, no needless writes, prune, staleness, guards."""

from __future__ import annotations

import logging
import os
import stat
from collections import Counter

import aiohttp
import attrs
import orjson
import pytest
from plan_support import Tenants, by_name, diverge, mismatches, names, writes

from livevox_async import OPERATIONS
from livevox_async.models import (
    CallCenterUpdate,
    IdRef,
    ResourceGroupCreate,
    ResourceGroupType,
    ResourceGroupUpdate,
)
from livevox_async.tenant import ApplyProgress, ApplyResult, Plan, PlanError, apply_plan, plan_changes


async def _apply(tenants: Tenants, plan: Plan, **kwargs: object) -> ApplyResult:
    kwargs.setdefault("passwords", tenants.tmp / "passwords.jsonl")
    kwargs.setdefault("allow_inferred", True)
    kwargs.setdefault("state_dir", tenants.tmp / "state")
    async with tenants.client(tenants.target) as lv:
        return await apply_plan(lv, plan, **kwargs)  # type: ignore[arg-type]


def _passwords(tenants: Tenants) -> dict[tuple[str, str], str]:
    lines = (tenants.tmp / "passwords.jsonl").read_bytes().splitlines()
    return {(e["family"], orjson.dumps(e["key"]).decode()): e["password"] for e in map(orjson.loads, lines)}


async def test_apply_makes_the_target_match_the_source_and_a_second_plan_is_empty(tenants: Tenants) -> None:
    await diverge(tenants)
    await tenants.export_source()
    assert mismatches(tenants.source, tenants.target)  # they differ before
    plan = await tenants.plan()
    result = await _apply(tenants, plan)

    assert result.counts() == {**dict.fromkeys(result.counts(), 0), "applied": len(plan.actions)}
    assert result.ok
    assert result.converged
    assert result.replan is not None
    assert result.replan.is_empty
    assert mismatches(tenants.source, tenants.target) == {}
    assert (await tenants.plan()).is_empty
    # the new objects got the target's own ids, and what points at them uses those ids
    source, target = tenants.source.state, tenants.target.state
    center = by_name(tenants.target, "call_centers")["Promo Call Center"]["callCenterId"]
    service = by_name(tenants.target, "services")["Promo 0007"]
    category = by_name(tenants.target, "term_code_categories")["Escalated"]["id"]
    assert center != by_name(tenants.source, "call_centers")["Promo Call Center"]["callCenterId"]
    assert service["serviceId"] != by_name(tenants.source, "services")["Promo 0007"]["serviceId"]
    assert category != by_name(tenants.source, "term_code_categories")["Escalated"]["id"]
    assert service["callCenterId"] == center
    sale = next(t for t in target.values("term_codes") if t["name"] == "Escalated Sale")
    assert (sale["serviceId"], sale["termCategoryId"]) == (service["serviceId"], category)
    assert len(list(target.values("agents"))) == 2 * len(list(source.values("agents")))  # none deleted
    assert (result.state_dir / "backup" / "manifest.json").exists()


async def test_each_create_is_sent_once_and_writes_follow_the_plan(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    await _apply(tenants, plan)
    sent = Counter(writes(tenants.target))
    assert sent == Counter(a.op for a in plan.actions)
    assert sent["agents.create"] == len(list(tenants.source.state.values("agents")))


async def test_a_run_with_no_changes_makes_no_write_request(tenants: Tenants) -> None:
    async with tenants.client(tenants.target) as lv:
        plan = await plan_changes(lv, await _export_target(tenants), prune=("term_codes", "agents"))
    assert plan.is_empty
    tenants.target.request_log.clear()
    result = await _apply(tenants, plan)
    assert result.ok
    assert result.backup is None  # nothing to write, nothing to back up
    assert writes(tenants.target) == []


async def _export_target(tenants: Tenants):  # type: ignore[no-untyped-def]
    from livevox_async.tenant import export_configuration

    async with tenants.client(tenants.target) as lv:
        await export_configuration(lv, tenants.tmp / "yesterday")
    return tenants.tmp / "yesterday"


async def test_a_second_apply_of_the_same_plan_writes_nothing(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    await _apply(tenants, plan)
    tenants.target.request_log.clear()
    again = await _apply(tenants, plan)
    assert writes(tenants.target) == []
    assert {o.detail for o in again.outcomes} == {"done by an earlier run"}
    assert again.ok


async def test_restore_undoes_a_change_to_the_same_tenant(tenants: Tenants) -> None:
    yesterday = await _export_target(tenants)
    before = mismatches(tenants.target, tenants.target)
    async with tenants.client(tenants.target) as lv:
        await lv.call_centers.update(101, CallCenterUpdate(manager_name="Mangled"))
        await lv.term_codes.delete(1200002)
        plan = await plan_changes(lv, yesterday)
    assert [(a.kind, a.family) for a in plan.actions] == [
        ("update", "call_centers"),
        ("create", "term_codes"),
    ]
    await _apply(tenants, plan)
    assert tenants.target.state.record("call_centers", 101)["managerName"] != "Mangled"
    assert before == {}


async def test_prune_deletes_only_with_the_flag_and_only_in_the_named_families(tenants: Tenants) -> None:
    await tenants.export_source()
    await _apply(tenants, await tenants.plan())
    agents_before = len(list(tenants.target.state.values("agents")))
    tenants.target.request_log.clear()
    plan = await tenants.plan(prune=("term_codes",))
    assert {a.kind for a in plan.actions} == {"delete"}
    result = await _apply(tenants, plan, state_dir=tenants.tmp / "state-prune")
    assert result.ok
    assert set(writes(tenants.target)) == {"term_codes.delete"}
    assert mismatches(tenants.source, tenants.target, pruned=("term_codes",)) == {}
    assert len(list(tenants.target.state.values("agents"))) == agents_before


async def test_a_stale_plan_is_refused_for_the_changed_objects_only(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(prune=("term_codes",))
    update = next(a for a in plan.actions if a.op == "call_centers.update")
    delete = next(a for a in plan.actions if a.kind == "delete")
    async with tenants.client(tenants.target) as lv:
        await lv.call_centers.update(update.target_id, CallCenterUpdate(manager_name="Changed Meanwhile"))
        await lv.term_codes.update(delete.target_id, _report_order(99))
    result = await _apply(tenants, plan)
    stale = {o.action: o.detail for o in result.by_status("stale")}
    assert stale == {
        update.id: "changed in the target since the plan: managerName",
        delete.id: "changed in the target since the plan: reportOrder",
    }
    assert result.counts()["applied"] == len(plan.actions) - 2
    assert tenants.target.state.record("call_centers", update.target_id)["managerName"] == "Changed Meanwhile"
    assert tenants.target.state.record("term_codes", delete.target_id)["reportOrder"] == 99
    assert not result.ok


def _report_order(value: int):  # type: ignore[no-untyped-def]
    from livevox_async.models import TermCodeUpdate

    return TermCodeUpdate(report_order=value)


async def test_inferred_writes_are_refused_unless_allowed(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    result = await _apply(tenants, plan, allow_inferred=False)
    inferred = {a.id for a in plan.actions if OPERATIONS[a.op].evidence_parts.path == "inferred"}
    assert inferred
    assert inferred != {a.id for a in plan.actions}
    refused = result.by_status("refused")
    assert {o.action for o in refused} == inferred
    assert all("is inferred" in (o.detail or "") for o in refused)
    assert {OPERATIONS[op].evidence_parts.path for op in writes(tenants.target)} <= {"doc", "code"}
    # the endpoint decides, not the answer: Create Agent's path is documented, its 201 {id} inferred
    assert str(OPERATIONS["agents.create"].evidence_parts) == "path doc, body doc, response inferred"
    assert Counter(writes(tenants.target))["agents.create"] == len(
        list(tenants.source.state.values("agents"))
    )
    tenants.target.request_log.clear()
    allowed = await _apply(tenants, plan, allow_inferred=True)
    assert Counter(writes(tenants.target)) == Counter(a.op for a in plan.actions if a.id in inferred)
    assert allowed.ok


async def test_passwords_are_written_0600_before_each_create_and_never_shown(
    tenants: Tenants, caplog: pytest.LogCaptureFixture
) -> None:
    await diverge(tenants)
    await tenants.export_source()
    plan = await tenants.plan()
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    result = await _apply(tenants, plan)
    path = tenants.tmp / "passwords.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    passwords = _passwords(tenants)
    created = [a for a in plan.actions if a.kind == "create" and a.secrets]
    assert {(a.family, orjson.dumps(a.key).decode()) for a in created} == set(passwords)
    for action in created:
        outcome = next(o for o in result.outcomes if o.action == action.id)
        stored = tenants.target.state.find(action.family, outcome.id)
        assert stored is not None
        assert stored["password"] == passwords[action.family, orjson.dumps(action.key).decode()]
    shown = [r.getMessage() for r in caplog.records] + [repr(result), repr(plan)]
    shown += [p.read_text() for p in result.state_dir.rglob("*") if p.is_file()]
    shown.append(plan.write(tenants.tmp / "plan.json").read_text())
    for secret in passwords.values():
        assert not [text for text in shown if secret in text]


async def test_apply_refuses_what_it_cannot_do_safely(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    with pytest.raises(PlanError, match="the plan creates agents or users: give a passwords file"):
        await _apply(tenants, plan, passwords=None)
    with pytest.raises(PlanError, match="the plan is for LiveVox client 1; this session is client 4199"):
        await _apply(tenants, attrs.evolve(plan, target_client_id=1), state_dir=tenants.tmp / "other")
    with pytest.raises(PlanError, match="holds the state of another plan"):
        await _apply(tenants, attrs.evolve(plan, prune=("agents",)))
    loose = tenants.tmp / "loose.jsonl"
    loose.touch()
    os.chmod(loose, 0o644)
    with pytest.raises(PlanError, match=r"may be read by others \(mode 644\)"):
        await _apply(tenants, plan, passwords=loose, state_dir=tenants.tmp / "state-loose")
    assert writes(tenants.target) == []


async def test_a_write_refused_409_waits_for_the_one_it_conflicts_with(tenants: Tenants) -> None:
    # A service is on the inbound side of one resource group only: the source moves one
    # from "Resource Group 01" to a new group, so the new group can only be created after
    # the old one gave it up. Both are in one step; the create is sent first.
    target_group = by_name(tenants.target, "resource_groups")["Resource Group 01"]
    moved = names(tenants.target, "services")[target_group["inboundService"][0]["id"]]
    moved_id = by_name(tenants.source, "services")[moved]["serviceId"]
    source_group = by_name(tenants.source, "resource_groups")["Resource Group 01"]
    kept = [e for e in source_group["inboundService"] if e["id"] != moved_id]
    async with tenants.client(tenants.source) as lv:
        await lv.resource_groups.update(source_group["id"], ResourceGroupUpdate(inbound_service=_ids(kept)))
        await lv.resource_groups.create(
            ResourceGroupCreate(
                name="Resource Group 02",
                type=ResourceGroupType.STRICT_OVERFLOW,
                enabled=True,
                inbound_service=_ids([{"id": moved_id}]),
            )
        )
    await tenants.export_source()
    plan = await tenants.plan(families=["resource_groups"])
    assert [a.kind for a in plan.actions] == ["create", "update"]
    assert plan.actions[0].step == plan.actions[1].step
    result = await _apply(tenants, plan)
    assert result.ok
    creates = [r.status for r in tenants.target.request_log if r.operation == "resource_groups.create"]
    assert creates == [409, 201]
    assert mismatches(tenants.source, tenants.target).get("resource_groups") is None


def _ids(entries: list[dict[str, int]]) -> list[IdRef]:
    return [IdRef(id=e["id"]) for e in entries]


async def test_a_field_the_source_clears_is_sent_as_null_and_converges(tenants: Tenants) -> None:
    # yesterday's export holds call center 101 without a manager; today someone set one
    tenants.target.state.change("call_centers", 101, {"managerName": None})
    yesterday = await _export_target(tenants)
    exported = orjson.loads((yesterday / "call_centers.jsonl").read_bytes().splitlines()[0])
    assert exported["id"] == 101
    assert exported["call_centers.read"]["managerName"] is None
    async with tenants.client(tenants.target) as lv:
        await lv.call_centers.update(101, CallCenterUpdate(manager_name="Set By Hand"))
        plan = await plan_changes(lv, yesterday, families=["call_centers"])
    (update,) = plan.actions
    assert (update.op, update.path, update.body) == (
        "call_centers.update",
        {"id": 101},
        {"managerName": None},
    )
    assert [(c.field, c.old, c.new) for c in update.changes] == [("managerName", "Set By Hand", None)]

    bodies: list[bytes] = []

    async def on_chunk(_: object, __: object, params: aiohttp.TraceRequestChunkSentParams) -> None:
        bodies.append(params.chunk)

    trace = aiohttp.TraceConfig()
    trace.on_request_chunk_sent.append(on_chunk)
    tenants.target.request_log.clear()
    async with tenants.client(tenants.target, trace_configs=[trace]) as lv:
        result = await apply_plan(lv, plan, state_dir=tenants.tmp / "state", allow_inferred=True)
    assert writes(tenants.target) == ["call_centers.update"]
    assert b'{"managerName":null}' in bodies  # sent as JSON null, not left out
    assert tenants.target.state.record("call_centers", 101)["managerName"] is None
    assert result.ok
    assert result.replan is not None
    assert result.replan.is_empty


async def test_the_backup_plans_the_change_back(tenants: Tenants) -> None:
    await diverge(tenants)
    before = {r["callCenterId"]: dict(r) for r in tenants.target.state.values("call_centers")}
    homes = {r["serviceId"]: r["callCenterId"] for r in tenants.target.state.values("services")}
    await tenants.export_source()
    result = await _apply(tenants, await tenants.plan(families=["call_centers"]))
    assert result.backup is not None
    assert {r["callCenterId"]: r for r in tenants.target.state.values("call_centers")} != before
    async with tenants.client(tenants.target) as lv:
        back = await plan_changes(lv, result.backup, ["call_centers"], prune=["call_centers"])
    assert {(a.kind, a.op) for a in back.actions} == {
        ("update", "call_centers.update"),  # the changed fields back
        ("delete", "call_centers.delete"),  # the call center created, gone again
    }
    undone = await _apply(tenants, back, state_dir=tenants.tmp / "state-back")
    assert undone.ok
    assert {r["callCenterId"]: r for r in tenants.target.state.values("call_centers")} == before
    assert {r["serviceId"]: r["callCenterId"] for r in tenants.target.state.values("services")} == homes


async def test_the_actions_of_a_step_run_concurrently_and_steps_in_order(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(families=["agents"])
    in_flight, most, events = 0, 0, []

    async def started(_: object, __: object, params: aiohttp.TraceRequestStartParams) -> None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        events.append(("start", params.method, params.url.path))

    async def ended(_: object, __: object, params: aiohttp.TraceRequestEndParams) -> None:
        nonlocal in_flight
        in_flight -= 1
        events.append(("end", params.method, params.url.path))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    trace.on_request_end.append(ended)
    tenants.target.set_latency(0.02)
    async with tenants.client(tenants.target, trace_configs=[trace]) as lv:
        result = await apply_plan(
            lv,
            plan,
            state_dir=tenants.tmp / "s",
            passwords=tenants.tmp / "pw",
            allow_inferred=True,
            concurrency=4,
            backup=False,
            verify=False,
        )
    assert result.counts()["applied"] == len(plan.actions)
    assert most == 4  # the step's actions in flight at once, as many as allowed
    creates = [
        i for i, (_, method, path) in enumerate(events) if method == "POST" and path.endswith("/agents")
    ]
    links = [i for i, (_, method, _) in enumerate(events) if method == "PUT"]
    assert creates
    assert links
    assert max(creates) < min(links)  # every create answered before the first membership is sent


async def test_progress_is_reported_after_each_action(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(families=["term_codes"])
    events: list[ApplyProgress] = []
    result = await _apply(tenants, plan, progress=events.append)
    assert [(e.done, e.total) for e in events] == [
        (n, len(plan.actions)) for n in range(1, len(plan.actions) + 1)
    ]
    assert [e.outcome for e in events] == list(result.outcomes)
