"""Helpers shared by the plan/apply tests: clients, exports, diverging two tenants, truth."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from livevox_async import Credentials, LiveVox, export_configuration
from livevox_async.models import (
    CallCenterCreate,
    TermCodeAction,
    TermCodeCategoryCreate,
    TermCodeCreate,
    UserCreate,
)
from livevox_async.tenant import Plan, plan_changes
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
