"""Helpers shared by the plan/apply tests: clients, exports, diverging two tenants, truth."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from livevox_async import Credentials, LiveVox
from livevox_async.models import (
    CallCenterCreate,
    TermCodeAction,
    TermCodeCategoryCreate,
    TermCodeCreate,
    UserCreate,
)
from livevox_async.tenant import Plan, export_configuration, plan_changes
from livevox_async.testing import Simulator, TenantSize

SMALL = TenantSize(
    call_centers=2,
    services=6,
    agents=12,
    term_codes_per_service=3,
    users_per_role=1,
    agent_skills=4,
    audit_log_entries=0,
)
WRITES = ("POST", "PUT", "DELETE")
SESSION_OPS = ("session.login", "session.logout")


@attrs.define
class Tenants:
    source: Simulator
    target: Simulator
    tmp: Path

    @property
    def source_dir(self) -> Path:
        return self.tmp / "source"

    def client(self, sim: Simulator, credentials: Credentials | None = None, **options: Any) -> LiveVox:
        return LiveVox(credentials or sim.credentials("Sysadmin"), base_url=sim.base_url, **options)

    async def export_source(self) -> Path:
        async with self.client(self.source) as lv:
            await export_configuration(lv, self.source_dir)
        return self.source_dir

    async def plan(self, credentials: Credentials | None = None, **kwargs: Any) -> Plan:
        async with self.client(self.target, credentials) as lv:
            return await plan_changes(lv, self.source_dir, **kwargs)


def writes(sim: Simulator) -> list[str]:
    """Operations of the write requests the simulator answered (logins and logouts left out)."""
    return [
        r.operation or "?" for r in sim.request_log if r.method in WRITES and r.operation not in SESSION_OPS
    ]


def names(sim: Simulator, family: str, field: str = "name") -> dict[int, Any]:
    """id -> natural key field of every record of `family` in the simulator."""
    return {r[sim.state.id_key(family)]: r[field] for r in sim.state.values(family)}


def by_name(sim: Simulator, family: str, field: str = "name") -> dict[Any, dict[str, Any]]:
    return {r[field]: r for r in sim.state.values(family)}


async def diverge(tenants: Tenants) -> None:
    """New objects in the source, and dummies in the target so that new ids differ between them.

    Source: call center "Promo Call Center" with service "Promo 0007" (a copy of 40001)
    in it, category "Escalated", term codes on the new service, a new user. Target: a
    dummy call center, service and category first, so the same objects get other ids.
    """
    async with tenants.client(tenants.source) as lv:
        center = await lv.call_centers.create(
            CallCenterCreate(name="Promo Call Center", manager_name="Ann Lee")
        )
        service = await lv.services.create(service=40001, name="Promo 0007")
        await lv.call_centers.add_service(center, service)
        await lv.services.update_message_template(service, 905)
        category = await lv.term_code_categories.create(TermCodeCategoryCreate(name="Escalated"))
        for order, name in enumerate(("Escalated Sale", "Escalated Refusal"), start=1):
            await lv.term_codes.create(
                TermCodeCreate(
                    name=name,
                    service_id=service,
                    term_category_id=category,
                    lv_result_id=705,
                    action=TermCodeAction.DISCONNECT_CALL,
                    report_order=order,
                )
            )
        await lv.term_codes.create(
            TermCodeCreate(
                name="Escalated Callback",
                service_id=40002,
                term_category_id=category,
                lv_result_id=706,
                action=TermCodeAction.LEAVE_MESSAGE,
                report_order=9,
            )
        )
        user = await lv.users.create(
            UserCreate(
                user_name="promo.lead",
                password="Start-12345",
                first_name="Pat",
                last_name="Promo",
                role="Manager",
            )
        )
        await lv.users.add_service(user, service)
    async with tenants.client(tenants.target) as lv:
        await lv.call_centers.create(CallCenterCreate(name="Dummy Call Center"))
        await lv.services.create(service=40002, name="Dummy 0099")
        await lv.term_code_categories.create(TermCodeCategoryCreate(name="Dummy"))
    tenants.source.request_log.clear()
    tenants.target.request_log.clear()


def action_ids(actions: Iterable[Any]) -> set[str]:
    return {a.id for a in actions}


class _View:
    """One tenant's records with every reference replaced by the referenced object's name."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.service = names(sim, "services")
        self.center = names(sim, "call_centers")
        self.category = names(sim, "term_code_categories")
        self.result = names(sim, "livevox_results")
        self.skill = names(sim, "agent_skills")
        self.template = names(sim, "message_templates")

    def call_centers(self) -> dict[Any, Any]:
        fields = ("managerName", "billingSystem", "defaultInputFilter", "open")
        return {r["name"]: {f: r.get(f) for f in fields} for r in self.sim.state.values("call_centers")}

    def services(self) -> dict[Any, Any]:
        return {
            r["name"]: (
                self.center[r["callCenterId"]],
                self.template[r["messageTemplateId"]],
                r["callDirection"],
            )
            for r in self.sim.state.values("services")
        }

    def term_codes(self) -> dict[Any, Any]:
        fields = ("action", "reportOrder", "previewDialEnabled")
        return {
            (self.service[r["serviceId"]], r["name"]): (
                self.category[r["termCategoryId"]],
                self.result[r["lvResultId"]],
                *(r[f] for f in fields),
            )
            for r in self.sim.state.values("term_codes")
        }

    def agents(self) -> dict[Any, Any]:
        fields = ("firstName", "lastName", "phone", "wrapUpTime", "active", "homeAgent")
        return {
            r["loginId"]: (
                *(r[f] for f in fields),
                sorted(self.service[e["id"]] for e in r["assignedService"]),
                sorted((self.skill[e["id"]], e.get("proficiency")) for e in r["agentSkill"]),
            )
            for r in self.sim.state.values("agents")
        }

    def users(self) -> dict[Any, Any]:
        fields = ("firstName", "lastName", "email", "role", "roleId", "locked")
        return {
            r["userName"]: (*(r.get(f) for f in fields), sorted(self.service[e["id"]] for e in r["service"]))
            for r in self.sim.state.values("users")
        }

    def dialing_strategies(self) -> dict[Any, Any]:
        return {
            r["name"]: (
                sorted(self.service[e["id"]] for e in r["service"]),
                r["dialingSequenceItem"],
                sorted(
                    (self.result[o["lvResultId"]], o["dialAnotherNumber"], o["maxNumberOfRetries"])
                    for o in r["outcomeItem"]
                ),
            )
            for r in self.sim.state.values("dialing_strategies")
        }

    def resource_groups(self) -> dict[Any, Any]:
        return {
            r["name"]: (
                r["type"],
                r["enabled"],
                sorted(self.service[e["id"]] for e in r["inboundService"]),
                sorted(self.service[e["id"]] for e in r["outboundService"]),
            )
            for r in self.sim.state.values("resource_groups")
        }

    def term_code_categories(self) -> dict[Any, Any]:
        return {name: () for name in self.category.values()}


TRUTH_FAMILIES = (
    "call_centers",
    "services",
    "term_code_categories",
    "term_codes",
    "agents",
    "users",
    "dialing_strategies",
    "resource_groups",
)


def mismatches(source: Simulator, target: Simulator, *, pruned: Iterable[str] = ()) -> dict[str, Any]:
    """Per family, the source objects (by natural key) the target lacks or holds otherwise.

    Written apart from the planner: references are compared by the names of what they
    point at, read from each simulator's own records (so a target record holding a
    source id would name the wrong object, or none). For `pruned` families the target
    must also hold nothing more.
    """
    want, have = _View(source), _View(target)
    found: dict[str, Any] = {}
    for family in TRUTH_FAMILIES:
        wanted, held = getattr(want, family)(), getattr(have, family)()
        bad = {k: (v, held.get(k)) for k, v in wanted.items() if held.get(k) != v}
        if family in pruned:
            bad |= {k: (None, v) for k, v in held.items() if k not in wanted}
        if bad:
            found[family] = bad
    return found
