"""The relation tables: every write method accounted for, keys usable, order derived, schema checked."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from codegen.bundle import SchemaError, bundle
from codegen.relations import relations_context
from livevox_async import OPERATIONS
from livevox_async._generated.relations import MEMBERSHIPS, NATURAL_KEYS, UNPLANNED
from livevox_async.tenant._relations import (
    is_write,
    keyed_families,
    level,
    planned_operations,
    rules,
    wire_fields,
    writable_families,
)
from livevox_async.tenant._steps import step_of


def test_every_write_operation_is_planned_or_unplanned_with_a_reason() -> None:
    planned = planned_operations()
    writes = [op.id for op in OPERATIONS.values() if is_write(op)]
    neither = [w for w in writes if w not in planned and w not in UNPLANNED]
    both = [w for w in writes if w in planned and w in UNPLANNED]
    assert neither == []
    assert both == []
    assert all(UNPLANNED[w].strip() for w in writes if w in UNPLANNED)
    assert set(planned) | set(UNPLANNED) == set(writes)
    assert sorted(UNPLANNED) == [
        "services.update_open_hours",
        "services.update_pacing",
        "session.change_password",
        "session.login",
        "session.logout",
    ]


def test_the_writable_families_are_the_issues_scope() -> None:
    assert set(writable_families()) == {
        "agents",
        "call_centers",
        "services",
        "term_codes",
        "term_code_categories",
        "users",
        "dialing_strategies",
        "resource_groups",
    }
    assert {m.add for m in MEMBERSHIPS} == {
        "agents.add_service",
        "agents.add_skill",
        "users.add_service",
        "call_centers.add_service",
        "services.update_message_template",
    }
    assert next(m for m in MEMBERSHIPS if m.add == "call_centers.add_service").remove is None


def test_read_only_families_others_point_at_are_keyed_by_name() -> None:
    for family in (
        "livevox_results",
        "voices",
        "screen_pops",
        "contact_timings",
        "lcid_packages",
        "message_templates",
        "report_formats",
        "agent_skills",
    ):
        assert NATURAL_KEYS[family] == ("name",), family
        assert not rules(family).writable
    assert NATURAL_KEYS["agents"] == ("loginId",)
    assert NATURAL_KEYS["users"] == ("userName",)
    assert NATURAL_KEYS["term_codes"] == ("serviceId", "name")
    assert rules("term_codes").key_references() == {"serviceId": "services"}


def test_a_lost_create_can_be_found_by_its_key_in_the_list() -> None:
    for family in writable_families():
        r = rules(family)
        assert set(r.key) <= set(wire_fields(r.list_op.result)), family


def test_dependency_order_comes_from_the_references() -> None:
    assert level("call_centers") < level("services") < level("term_codes")
    assert level("term_code_categories") < level("term_codes")
    assert level("services") < level("resource_groups")
    order = list(writable_families())
    assert order.index("services") < order.index("term_codes")
    deletes = {f: step_of("delete", f) for f in ("call_centers", "services", "term_codes")}
    assert deletes["term_codes"] < deletes["services"] < deletes["call_centers"]
    assert max(step_of("create", f) for f in keyed_families()) < step_of("add", "agents")
    assert step_of("add", "agents") < min(deletes.values())


def test_only_writable_configuration_fields_are_compared() -> None:
    agents = rules("agents")
    assert "assignedService" not in agents.compared  # a membership, synced with add/remove
    assert {"locked", "clientId", "passwordLastModified", "id"} & agents.compared == set()
    assert "loginId" in agents.create_fields
    assert "loginId" not in agents.update_fields
    assert rules("services").create_fields == {"name"}  # a copy: only its name is given
    assert rules("services").update_fields == frozenset()
    assert {"termCategoryName", "resultName"} & rules("term_codes").compared == set()


def _doc() -> dict[str, Any]:
    return copy.deepcopy(bundle())


def test_the_codegen_refuses_a_reference_to_an_unkeyed_family() -> None:
    doc = _doc()
    doc["components"]["schemas"]["TermCode"]["properties"]["lvResultId"]["x-livevox-ref"] = "nowhere"
    with pytest.raises(SchemaError, match=r"TermCode.lvResultId: x-livevox-ref 'nowhere'"):
        relations_context(doc)


def test_the_codegen_refuses_a_writable_family_without_a_natural_key() -> None:
    doc = _doc()
    del doc["paths"]["/configuration/termCodes"]["get"]["x-livevox-natural-key"]
    with pytest.raises(
        SchemaError, match=r"term_codes\.create: family term_codes has a create method but no"
    ):
        relations_context(doc)


def test_the_codegen_refuses_a_membership_with_wrong_parameters() -> None:
    doc = _doc()
    spec = doc["paths"]["/configuration/agents/{id}/services/{serviceId}"]["put"]["x-livevox-membership"]
    spec["member-param"] = "skillId"
    with pytest.raises(SchemaError, match=r"agents\.add_service: owner-param and member-param"):
        relations_context(doc)
