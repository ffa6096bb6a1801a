"""Seeded data: deterministic, sized as asked, internally consistent; the family tables match the schema."""

from __future__ import annotations

from livevox_async import OPERATIONS
from livevox_async.testing import Simulator, SimulatorConfig, TenantSize
from livevox_async.testing._families import FAMILIES, KNOWN_POWERS, MANAGER_POWERS
from livevox_async.testing._seed import base_ms
from livevox_async.testing._store import wire_fields

SIZE = TenantSize(call_centers=4, services=30, agents=1500, term_codes_per_service=3, audit_log_entries=200)


def test_the_same_seed_gives_byte_identical_data() -> None:
    first = Simulator(SimulatorConfig(seed=7, size=SIZE))
    second = Simulator(SimulatorConfig(seed=7, size=SIZE))
    other = Simulator(SimulatorConfig(seed=8, size=SIZE))

    assert first.state.dump() == second.state.dump()
    assert first.access_tokens == second.access_tokens
    assert first.state.dump() != other.state.dump()
    assert first.access_tokens != other.access_tokens


def test_sizes_follow_the_tenant_size() -> None:
    state = Simulator(SimulatorConfig(seed=3, size=SIZE)).state

    counts = {family: len(state.records(family)) for family in state.families}

    assert counts["agents"] == 1500
    assert counts["services"] == 30
    assert counts["call_centers"] == 4
    assert counts["term_codes"] == 90
    assert counts["audit_log"] == 200
    assert counts["agent_skills"] == 12
    assert counts["voices"] == 10
    assert counts["users"] == 5 * SIZE.users_per_role + 3  # each role, plus Managers without some power
    assert counts["clients"] == 1
    assert counts["custom_outcomes"] == counts["livevox_results"]


def test_seeded_records_are_consistent_and_dated_before_the_seed_base() -> None:
    state = Simulator(SimulatorConfig(seed=3, size=SIZE)).state
    services = {s["serviceId"]: s for s in state.records("services")}
    base = base_ms(3)

    for agent in state.records("agents"):
        assert agent["assignedService"]
        assert all(e["id"] in services for e in agent["assignedService"])
        assert agent["passwordLastModified"] < base
    assert all(
        s["callCenterId"] in {c["callCenterId"] for c in state.records("call_centers")}
        for s in services.values()
    )
    inbound = [e["id"] for g in state.records("resource_groups") for e in g["inboundService"]]
    assert len(inbound) == len(set(inbound))
    for code in state.records("term_codes"):
        assert code["serviceId"] in services
    assert all(e["timestamp"] < base for e in state.records("audit_log"))
    assert all(u["lastLogin"] < base for u in state.records("users"))
    assert [e["timestamp"] for e in state.records("audit_log")] == sorted(
        e["timestamp"] for e in state.records("audit_log")
    )
    assert all(state.last_modified(family) == base for family in state.families)


def test_the_family_tables_cover_the_schema() -> None:
    for op in OPERATIONS.values():
        if op.is_list and op.body is not None:
            assert set(wire_fields(op.body)) <= set(FAMILIES[op.family].search), op.id
    assert set(MANAGER_POWERS) == KNOWN_POWERS


def test_credentials_exist_for_every_role_and_power_set() -> None:
    sim = Simulator(SimulatorConfig(seed=1, size=TenantSize(agents=5, services=3)))

    assert sim.credentials("Manager").manager_powers == KNOWN_POWERS
    assert sim.credentials("Manager", manager_powers=()).manager_powers == frozenset()
    assert sim.credentials("Reporting").role == "Reporting"
    assert sim.agent_credentials().agent is True
    assert sim.credentials("IT User", token_index=4).access_token == sim.access_tokens[4]
