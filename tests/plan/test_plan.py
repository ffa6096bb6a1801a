"""plan_changes against two simulators: matching by key, re-mapped references, blocks, completeness, roles."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from plan_support import Tenants, by_name, diverge, names, writes

from livevox_async.tenant import Plan, PlanError, apply_plan, show
from livevox_async.tenant._relations import rules
from livevox_async.testing import ListQuirks


def _action(plan: Plan, action_id: str):  # type: ignore[no-untyped-def]
    found = [a for a in plan.actions if a.id == action_id]
    assert len(found) == 1, (action_id, [a.id for a in plan.actions if a.family in action_id][:5])
    return found[0]


async def test_references_are_mapped_to_the_targets_ids(tenants: Tenants) -> None:
    await diverge(tenants)
    await tenants.export_source()
    plan = await tenants.plan()
    target = tenants.target.state
    assert all(f.planned for f in plan.families), plan.families

    center = _action(plan, 'call_centers.create ["Promo Call Center"]')
    assert center.body == {"name": "Promo Call Center", "managerName": "Ann Lee", "open": True}
    service = _action(plan, 'services.create ["Promo 0007"]')
    first_outbound = min(
        s["serviceId"] for s in target.values("services") if s["callDirection"] == "OUTBOUND"
    )
    assert service.query == {"name": "Promo 0007", "service": first_outbound}
    category = _action(plan, 'term_code_categories.create ["Escalated"]')
    sale = _action(plan, 'term_codes.create [["Promo 0007"],"Escalated Sale"]')
    result_705 = next(
        r["id"]
        for r in target.values("livevox_results")
        if r["name"] == names(tenants.source, "livevox_results")[705]
    )
    assert sale.body == {
        "name": "Escalated Sale",
        "serviceId": {"$created": service.id},
        "termCategoryId": {"$created": category.id},
        "lvResultId": result_705,
        "action": "DISCONNECT_CALL",
        "reportOrder": 1,
        "previewDialEnabled": False,
    }
    on_existing = _action(plan, 'term_codes.create [["Sales 0002"],"Escalated Callback"]')
    assert on_existing.body["serviceId"] == by_name(tenants.target, "services")["Sales 0002"]["serviceId"]
    moved = _action(plan, 'call_centers.add_service ["Promo Call Center"] ["Promo 0007"]')
    assert moved.path == {"id": {"$created": center.id}, "serviceId": {"$created": service.id}}
    template = _action(plan, 'services.update_message_template ["Support SMS Template"] ["Promo 0007"]')
    assert template.path == {"templateId": 905, "id": {"$created": service.id}}
    assert center.step < service.step < sale.step < moved.step
    assert not [a for a in plan.actions if "Dummy" in a.id]  # objects only in the target are left alone
    assert plan.counts()["delete"] == 0
    assert writes(tenants.target) == []


async def test_a_plan_is_deterministic_and_reads_back_equal(tenants: Tenants) -> None:
    await tenants.export_source()
    first, second = await tenants.plan(), await tenants.plan()
    a, b = first.write(tenants.tmp / "a.json"), second.write(tenants.tmp / "b.json")
    assert a.read_bytes() == b.read_bytes()
    assert Plan.read(a) == first
    assert b"password" not in a.read_bytes().lower().replace(b'"secrets":["password"]', b"")


async def test_updates_hold_only_the_writable_fields_that_differ(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    source, target = by_name(tenants.source, "call_centers"), by_name(tenants.target, "call_centers")
    for name in source:
        fields = ("managerName", "billingSystem", "defaultInputFilter", "open")
        differ = {f: source[name][f] for f in fields if source[name][f] != target[name][f]}
        update = _action(plan, f'call_centers.update ["{name}"]')
        assert update.body == differ
        assert update.path == {"id": target[name]["callCenterId"]}
        assert update.seen == {f: target[name][f] for f in ("name", *fields)}
    users = [a for a in plan.actions if a.op == "users.update"]
    assert users
    allowed = rules("users").update_fields
    assert all(a.body is not None and set(a.body) <= allowed and "lastLogin" not in a.body for a in users)
    # services have no update method: what differs is listed as not writable, not planned
    assert not [a for a in plan.actions if a.kind == "update" and a.family == "services"]
    services = {show(n.key): n for n in plan.not_writable if n.family == "services"}
    changed = {c.field for c in services["Sales 0002"].changes}
    assert {"services.read_settings.voiceId", "services.read_phone.operatorPhone"} <= changed
    assert "name" not in changed


async def test_prune_deletes_only_in_the_named_families(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(prune=("term_codes",))
    assert (await tenants.plan()).counts()["delete"] == 0

    def keys(sim) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
        services = names(sim, "services")
        return {(services[t["serviceId"]], t["name"]) for t in sim.state.values("term_codes")}

    only_target = keys(tenants.target) - keys(tenants.source)
    deletes = [a for a in plan.actions if a.kind == "delete"]
    assert {tuple(show(a.key).split(" / ")) for a in deletes} == only_target
    assert {a.family for a in deletes} == {"term_codes"}
    agents_only_in_target = set(names(tenants.target, "agents", "loginId").values()) - set(
        names(tenants.source, "agents", "loginId").values()
    )
    assert agents_only_in_target  # they exist, and are left alone
    with pytest.raises(PlanError, match="only a planned family can be pruned"):
        await tenants.plan(families=["agents"], prune=("term_codes",))


async def test_a_missing_read_only_reference_blocks_exactly_its_actions(tenants: Tenants) -> None:
    await tenants.export_source()
    tenants.target.state.change("livevox_results", 701, {"name": "Renamed Result"})
    plan = await tenants.plan()
    services, in_target = names(tenants.source, "services"), _target_term_codes(tenants)
    needs_701 = set()
    for term_code in tenants.source.state.values("term_codes"):
        key = (services[term_code["serviceId"]], term_code["name"])
        if term_code["lvResultId"] == 701:
            kind = "update" if key in in_target else "create"
            needs_701.add(f'term_codes.{kind} [["{key[0]}"],"{key[1]}"]')
    needs_701 |= {
        f'dialing_strategies.update ["{s["name"]}"]'
        for s in tenants.source.state.values("dialing_strategies")
        if any(o["lvResultId"] == 701 for o in s["outcomeItem"])
    }
    assert needs_701
    blocked = {a.id: a.blocked for a in plan.actions if a.blocked}
    assert set(blocked) == needs_701
    assert all(
        "livevox_results 'Agent - Customer Contact' does not exist in the target" in r
        for r in blocked.values()
    )
    assert plan.runnable  # the rest goes on


def _target_term_codes(tenants: Tenants) -> set[tuple[str, str]]:
    services = names(tenants.target, "services")
    return {(services[t["serviceId"]], t["name"]) for t in tenants.target.state.values("term_codes")}


async def test_an_ambiguous_natural_key_blocks_its_actions(tenants: Tenants) -> None:
    skills = names(tenants.source, "agent_skills")
    tenants.source.state.change("agent_skills", 402, {"name": skills[401]})  # two skills named alike
    await tenants.export_source()
    plan = await tenants.plan()
    adds = [a for a in plan.actions if a.op == "agents.add_skill"]
    ambiguous = {a.id for a in adds if a.member == [skills[401]]}
    assert ambiguous
    assert {a.id for a in adds if a.blocked} == ambiguous
    assert all(
        f"agent_skills {skills[401]!r} is ambiguous: 2 objects in the source" in a.blocked
        for a in adds
        if a.blocked
    )


async def test_a_family_partial_in_the_source_is_not_planned_and_not_pruned(tenants: Tenants) -> None:
    source = await tenants.export_source()
    manifest = orjson.loads((source / "manifest.json").read_bytes())
    manifest["families"]["term_codes"]["missing_reads"] = {"term_codes.read": 1}
    (source / "manifest.json").write_bytes(orjson.dumps(manifest))
    plan = await tenants.plan(prune=("term_codes",))
    status = {f.name: f for f in plan.families}
    assert status["term_codes"].planned is False
    assert status["term_codes"].reason == "source: partial: reads missing (term_codes.read x1)"
    assert not [a for a in plan.actions if a.family == "term_codes"]
    assert status["agents"].planned


async def test_a_source_file_that_does_not_match_its_manifest_is_not_planned(tenants: Tenants) -> None:
    source = await tenants.export_source()
    lines = (source / "users.jsonl").read_bytes().splitlines(keepends=True)
    (source / "users.jsonl").write_bytes(b"".join(lines[:-1]))
    plan = await tenants.plan(prune=("users",))
    status = {f.name: f for f in plan.families}
    assert status["users"].reason == "source: its file does not match the manifest's sha256"
    assert not [a for a in plan.actions if a.family == "users"]


async def test_a_family_refused_in_the_target_is_not_planned_and_not_pruned(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(tenants.target.credentials("Manager"), prune=("users", "term_codes"))
    status = {f.name: f for f in plan.families}
    assert status["users"].planned is False
    assert str(status["users"].reason).startswith(
        "target: skipped by the export: the Manager role may not call"
    )
    assert not [a for a in plan.actions if a.family == "users"]
    members = {m.name: m for m in plan.memberships}
    assert members["services.update_message_template"].planned is False
    assert status["term_codes"].planned  # readable by a Manager: planned, and pruned
    assert [a for a in plan.actions if a.kind == "delete"]
    assert writes(tenants.target) == []


async def test_a_family_whose_keys_need_a_refused_family_is_not_planned(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(tenants.target.agent_credentials(), prune=("term_codes",))
    status = {f.name: f for f in plan.families}
    # agents may read term codes, not services: term codes cannot be keyed in the target
    assert status["term_codes"].planned is False
    assert str(status["term_codes"].reason).startswith(
        "target services (its natural key refers to it): skipped"
    )
    assert not [a for a in plan.actions if a.family == "term_codes"]


async def test_an_agent_session_gets_a_plan_listing_the_refused_actions(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(tenants.target.agent_credentials())
    assert plan.actions
    assert plan.runnable == ()
    refused = [
        a for a in plan.actions if a.blocked and a.blocked.endswith("agent sessions may not call this method")
    ]
    assert refused == list(plan.actions)  # every write is refused before anything is sent
    assert {a.op for a in refused} == {
        "agents.create",
        "agents.add_service",
        "agents.add_skill",
        "call_centers.update",
        "call_centers.add_service",
    }
    assert len([a for a in refused if a.op == "agents.create"]) == len(
        list(tenants.source.state.values("agents"))
    )
    async with tenants.client(tenants.target, tenants.target.agent_credentials()) as lv:
        result = await apply_plan(lv, plan, state_dir=tenants.tmp / "state")
    assert {o.status for o in result.outcomes} == {"blocked"}
    assert writes(tenants.target) == []  # neither the plan nor its apply sent a write


async def test_a_manager_without_the_power_gets_the_refused_actions_listed(tenants: Tenants) -> None:
    await diverge(tenants)
    await tenants.export_source()
    plan = await tenants.plan(tenants.target.credentials("Manager", manager_powers=()))
    status = {f.name: f for f in plan.families}
    assert status["agents"].reason == (
        "target: skipped by the export: a Manager needs the 'Administer Agents' power for this method "
        "(agents.list, agents.read, agents.related)"
    )
    creates = [a for a in plan.actions if a.op == "term_codes.create"]
    assert creates
    assert all(
        a.blocked == "this session may not call term_codes.create: the Manager role may not call this method"
        for a in creates
    )
    center = _action(plan, 'call_centers.create ["Promo Call Center"]')
    assert (
        center.blocked
        == "this session may not call call_centers.create: the Manager role may not call this method"
    )
    assert [a for a in plan.runnable if a.op == "call_centers.update"]  # a Manager may update them
    assert writes(tenants.target) == []


async def test_an_unchanged_tenant_plans_nothing(tenants: Tenants) -> None:
    async with tenants.client(tenants.target) as lv:
        from livevox_async.tenant import export_configuration

        await export_configuration(lv, tenants.source_dir)  # yesterday's export of the same tenant
    plan = await tenants.plan(prune=("term_codes", "agents", "users"))
    assert plan.is_empty
    assert plan.not_writable == ()
    assert hashlib.sha256(plan.write(tenants.tmp / "p.json").read_bytes()).hexdigest()


async def test_a_wrong_source_or_family_is_refused(tenants: Tenants) -> None:
    with pytest.raises(PlanError, match="is not a complete export"):
        await tenants.plan()
    await tenants.export_source()
    with pytest.raises(PlanError, match="cannot plan voices"):
        await tenants.plan(families=["voices"])


async def test_inferred_body_fields_are_listed_as_warnings(tenants: Tenants) -> None:
    await diverge(tenants)
    await tenants.export_source()
    plan = await tenants.plan()
    warned = {a.op for a in plan.runnable if a.inferred_fields}
    # the writes whose body part is inferred in the schema (x-livevox-evidence-parts)
    assert warned == {
        "call_centers.update",
        "dialing_strategies.update",
        "resource_groups.update",
        "term_code_categories.create",
        "term_codes.update",
    }
    for action in plan.actions:  # exactly the fields each one sends
        if action.op in warned:
            assert action.inferred_fields == tuple(sorted(action.body or {})), action.id
    category = _action(plan, 'term_code_categories.create ["Escalated"]')
    assert category.inferred_fields == ("name",)
    # a documented body (Create Term Code) or one seen in code (Create User) warns of nothing
    known = [a for a in plan.actions if a.op in ("term_codes.create", "users.create")]
    assert {a.op for a in known} == {"term_codes.create", "users.create"}
    assert [a.inferred_fields for a in known] == [()] * len(known)
    assert len(plan.warnings) == len([a for a in plan.runnable if a.inferred_fields])
    assert (
        'term_code_categories.create ["Escalated"]: sends name, whose shape the schema only infers'
        in plan.warnings
    )
    assert Plan.read(plan.write(tenants.tmp / "plan.json")).warnings == plan.warnings


async def test_a_key_ambiguous_in_the_target_blocks_its_actions(tenants: Tenants) -> None:
    skills = names(tenants.target, "agent_skills")
    tenants.target.state.change("agent_skills", 402, {"name": skills[401]})  # two skills alike
    await tenants.export_source()
    plan = await tenants.plan()
    adds = [a for a in plan.actions if a.op == "agents.add_skill"]
    blocked = {(a.member or [None])[0]: a.blocked for a in adds if a.blocked}
    assert blocked == {
        skills[401]: f"agent_skills {skills[401]!r} is ambiguous: 2 objects in the target have that key",
        skills[402]: f"agent_skills {skills[402]!r} does not exist in the target "
        "(LiveVox cannot create agent_skills: it must exist)",
    }
    assert {a.id for a in adds if a.member == [skills[401]]} <= {a.id for a in adds if a.blocked}
    assert [a for a in adds if a.blocked is None]  # the other skills are added


async def test_a_family_empty_by_404_in_the_target_is_not_planned(tenants: Tenants) -> None:
    # LiveVox answers an empty list with 404 here: an empty family, or a wrong path. Both
    # look alike, so the target's resource groups are unknown, not absent: no mass create.
    for group in list(tenants.target.state.values("resource_groups")):
        tenants.target.state.delete("resource_groups", group["id"])
    tenants.target.list_quirks = ListQuirks(families=frozenset({"resource_groups"}), empty_404=True)
    await tenants.export_source()
    assert list(tenants.source.state.values("resource_groups"))
    plan = await tenants.plan(prune=("resource_groups",))
    status = {f.name: f for f in plan.families}
    assert status["resource_groups"].planned is False
    assert status["resource_groups"].reason == (
        "target: its list answered 404 (empty by 404: an empty family or a wrong path)"
    )
    assert not [a for a in plan.actions if a.family == "resource_groups"]
    assert status["term_codes"].planned
    tenants.target.list_quirks = ListQuirks()
    planned = await tenants.plan(families=["resource_groups"])  # a plain empty list: all created
    assert {a.kind for a in planned.actions} == {"create"}
    assert len(planned.actions) == len(list(tenants.source.state.values("resource_groups")))


async def test_a_removal_livevox_has_no_method_for_is_reported_blocked(tenants: Tenants) -> None:
    # In the source, service 40001 is under no message template; in the target it is under one.
    # LiveVox can move a service to another template, not take it off: reported, not faked.
    tenants.source.state.change("services", 40001, {"messageTemplateId": None})
    await tenants.export_source()
    plan = await tenants.plan(families=["services"])
    service = names(tenants.source, "services")[40001]
    target = by_name(tenants.target, "services")[service]
    held = target["messageTemplateId"]
    template = names(tenants.target, "message_templates")[held]
    removals = [a for a in plan.actions if a.kind == "remove"]
    assert [(a.id, a.blocked) for a in removals] == [
        (
            f'services.update_message_template ["{template}"] ["{service}"]',
            "LiveVox has no method to remove services from message_templates",
        )
    ]
    async with tenants.client(tenants.target) as lv:
        result = await apply_plan(lv, plan, state_dir=tenants.tmp / "state", allow_inferred=True)
    assert [o.status for o in result.outcomes if o.kind == "remove"] == ["blocked"]
    sent = [a for a in plan.runnable if a.op == "services.update_message_template"]
    assert writes(tenants.target).count("services.update_message_template") == len(sent)  # the adds
    assert all(a.kind == "add" for a in sent)
    assert by_name(tenants.target, "services")[service]["messageTemplateId"] == held  # still on it
