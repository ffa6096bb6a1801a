"""What each LiveVox resource family does beyond generic CRUD, as a table of specs.

The generic handlers (`_handlers.py`) serve every operation of the generated table;
this module only says, per family: where its ids start, what must be unique, which
fields point at other families, what a created record gets by default, which fields
are computed, how lists filter and searches match, and what "related objects" are.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .._generated import models
from .._generated.operations import OPERATIONS
from ._problem import Problem
from ._sessions import Caller
from ._store import FamilySpec, Link, Matcher, Record, Ref, Store, ids, wire_fields

ROLE_IDS: dict[str, int] = {"Sysadmin": 1, "IT User": 2, "Superuser": 3, "Manager": 4, "Reporting": 5}
"""LiveVox user roles; `Reporting` stands for a role without Configuration access."""
ROLE_NAMES: dict[int, str] = {v: k for k, v in ROLE_IDS.items()}
MANAGER_POWERS: dict[str, str] = {
    "Administer Agents": "administer_agents",
    "Dialing Strategies": "manage_dialing_strategies",
}
"""Each Manager power the schema requires -> its code in `optionalManagerPowers`/`optionalExcludedPowers`."""
KNOWN_POWERS: frozenset[str] = frozenset(op.manager_power for op in OPERATIONS.values() if op.manager_power)


def check_password(field: str, password: str) -> None:
    """LiveVox's password rule: at least 8 characters, at least one digit."""
    if len(password) < 8 or not any(c.isdigit() for c in password):
        raise Problem(400, f"{field}: must be at least 8 characters long and contain a digit")


def manager_powers(role: str, granted: list[str] | None, excluded: list[str] | None) -> list[str]:
    """The powers a user holds: a Manager gets every power unless granted/excluded say otherwise."""
    if role != "Manager":
        return []
    if granted is not None:
        return sorted(p for p, code in MANAGER_POWERS.items() if code in granted)
    return sorted(p for p, code in MANAGER_POWERS.items() if code not in (excluded or ()))


# -- matchers for search bodies ----------------------------------------------------------


def _contains(field: str) -> Matcher:
    return lambda record, wanted: str(wanted).lower() in str(record.get(field, "")).lower()


def _equals(field: str) -> Matcher:
    return lambda record, wanted: bool(record.get(field) == wanted)


def _one_of(field: str) -> Matcher:
    return lambda record, wanted: record.get(field) in wanted


def _within(field: str) -> Matcher:
    """Inside an audit-log `dateRange`; its two (inferred) keys are read from the schema's model."""
    start, end = wire_fields(models.AuditLogDateRange)
    return lambda record, wanted: field in record and wanted[start] <= record[field] <= wanted[end]


# -- write hooks -------------------------------------------------------------------------


def _prepare_agent(store: Store, caller: Caller, changes: Record, current: Record | None) -> None:
    if "loginId" in changes:
        changes["loginId"] = changes["loginId"].upper()
    if "password" in changes:
        check_password("password", changes["password"])
        changes["passwordLastModified"] = store.clock.epoch_ms()
    if changes.pop("unlock", False):
        changes["locked"] = False


def _prepare_user(store: Store, caller: Caller, changes: Record, current: Record | None) -> None:
    role, role_id = changes.get("role"), changes.get("roleId")
    if role is not None and role not in ROLE_IDS:
        raise Problem(400, f"role: unknown role {role!r}; known: {', '.join(ROLE_IDS)}")
    if role_id is not None and role_id not in ROLE_NAMES:
        raise Problem(400, f"roleId: unknown role id {role_id}")
    if role is not None and role_id is not None and ROLE_IDS[role] != role_id:
        raise Problem(400, f"roleId: {role_id} is not the id of role {role!r}")
    named = role or (ROLE_NAMES[role_id] if role_id is not None else None)
    effective = named or (current["role"] if current else "Manager")
    if named is not None or current is None:
        if effective == "Sysadmin" and caller.role == "Superuser":
            raise Problem(403, "a Superuser may not give users the Sysadmin role")
        changes["role"], changes["roleId"] = effective, ROLE_IDS[effective]
    granted = changes.pop("optionalManagerPowers", None)
    excluded = changes.pop("optionalExcludedPowers", None)
    if "role" in changes or granted is not None or excluded is not None:
        changes["managerPowers"] = manager_powers(effective, granted, excluded)
    if "password" in changes:
        check_password("password", changes["password"])


def _prepare_resource_group(store: Store, caller: Caller, changes: Record, current: Record | None) -> None:
    own = current["id"] if current else None
    for entry in changes.get("inboundService", ()):
        for group in store.values("resource_groups"):
            if group["id"] != own and any(e["id"] == entry["id"] for e in group["inboundService"]):
                raise Problem(
                    409,
                    f"inboundService: service {entry['id']} is already on the inbound side "
                    f"of resource group {group['id']}",
                )


def _prepare_dialing_strategy(store: Store, caller: Caller, changes: Record, current: Record | None) -> None:
    for i, outcome in enumerate(changes.get("outcomeItem", ())):
        if store.find("livevox_results", outcome["lvResultId"]) is None:
            raise Problem(
                400, f"outcomeItem[{i}].lvResultId: livevox_results {outcome['lvResultId']} does not exist"
            )


def _copy_service(store: Store, params: Mapping[str, Any]) -> Record:
    source = store.get("services", params["service"])
    if source["callDirection"] == "INBOUND":
        raise Problem(
            400, f"service: {params['service']} is an inbound service; inbound services cannot be created"
        )
    record = copy.deepcopy(source)
    del record["serviceId"]
    record["name"] = params["name"]
    return record


def _sees_user(caller: Caller, user: Record) -> bool:
    return not (caller.role == "Superuser" and user.get("role") == "Sysadmin")


# -- derived fields and related objects ---------------------------------------------------


def _services_where(store: Store, field: str, value: int) -> list[int]:
    return [s["serviceId"] for s in store.values("services") if s.get(field) == value]


def _agents_on(store: Store, services: set[int]) -> list[int]:
    return [a["id"] for a in store.values("agents") if any(e["id"] in services for e in a["assignedService"])]


def _screen_pop_services(store: Store, pop: Record) -> Record:
    """The services using a screen pop, as List Services items (G-CM's `List<Skill>`)."""
    fields = wire_fields(models.ServiceSummary)
    using = [s for s in store.values("services") if s.get("screenPopId") == pop["id"]]
    return {"associatedService": [store.shape("services", s, fields) for s in using]}


def _term_code_names(store: Store, term_code: Record) -> Record:
    category = store.get("term_code_categories", term_code["termCategoryId"])
    result = store.get("livevox_results", term_code["lvResultId"])
    return {"termCategoryName": category["name"], "resultName": result["name"]}


def _agent_related(store: Store, agent: Record) -> Record:
    services = [e["id"] for e in agent["assignedService"]]
    return {
        "service": ids(services),
        "agentSkill": agent["agentSkill"],
        "callCenter": ids(store.get("services", s)["callCenterId"] for s in services),
    }


def _call_center_related(store: Store, center: Record) -> Record:
    services = _services_where(store, "callCenterId", center["callCenterId"])
    return {"service": ids(services), "agent": ids(_agents_on(store, set(services)))}


def _service_related(store: Store, service: Record) -> Record:
    sid = service["serviceId"]

    def groups(side: str) -> list[int]:
        return [g["id"] for g in store.values("resource_groups") if any(e["id"] == sid for e in g[side])]

    related: Record = {"callCenter": {"id": service["callCenterId"]}}
    inbound = groups("inboundService")
    if inbound:
        related["inboundResourceGroup"] = {"id": inbound[0]}
    related["outboundResourceGroup"] = ids(groups("outboundService"))
    related["agent"] = ids(_agents_on(store, {sid}))
    related["campaign"] = []
    return related


def _template_related(store: Store, template: Record) -> Record:
    default = store.get("clients", store.client_id)["defaultMessageTemplateId"]
    return {
        "allServices": default == template["id"],
        "service": ids(_services_where(store, "messageTemplateId", template["id"])),
    }


def _add_remove(name: str, field: str, target: str) -> dict[str, Link]:
    """The `add_<name>` / `remove_<name>` methods that edit the reference list `field`."""
    return {f"add_{name}": Link(field, target, "add"), f"remove_{name}": Link(field, target, "remove")}


_ON_SERVICES = ("services",)

FAMILIES: dict[str, FamilySpec] = {
    "agents": FamilySpec(
        id_base=100001,
        unique=("loginId",),
        refs=(Ref("assignedService", "services", many=True), Ref("agentSkill", "agent_skills", many=True)),
        defaults=lambda store: {
            "active": True,
            "homeAgent": False,
            "locked": False,
            "clientId": store.client_id,
            "assignedService": [],
            "agentSkill": [],
        },
        prepare=_prepare_agent,
        search={
            "loginId": _contains("loginId"),
            "lastName": _contains("lastName"),
            "phoneNumber": _contains("phone"),
        },
        related=_agent_related,
        links=_add_remove("service", "assignedService", "services")
        | _add_remove("skill", "agentSkill", "agent_skills"),
        principal="agent",
    ),
    "agent_skills": FamilySpec(id_base=401),
    "audit_log": FamilySpec(
        id_base=1,
        search={
            "userId": _equals("userId"),
            "type": _equals("type"),
            "id": _equals("objectId"),
            "dateRange": _within("timestamp"),
        },
    ),
    "call_centers": FamilySpec(
        id_base=101,
        defaults=lambda store: {"open": True, "clientId": store.client_id},
        related=_call_center_related,
        links={"add_service": Link("callCenterId", "services", "assign", on_target=True)},
    ),
    "clients": FamilySpec(id_base=1),
    "contact_timings": FamilySpec(id_base=801),
    "custom_outcomes": FamilySpec(id_base=1),
    "dialing_strategies": FamilySpec(
        id_base=601,
        refs=(Ref("service", "services", many=True),),
        defaults=lambda store: {"service": [], "outcomeItem": []},
        prepare=_prepare_dialing_strategy,
    ),
    "lcid_packages": FamilySpec(
        id_base=851,
        derive=lambda store, package: {
            "service": ids(_services_where(store, "lcidPackageId", package["id"]))
        },
        derived_from=_ON_SERVICES,
    ),
    "livevox_results": FamilySpec(id_base=701),
    "message_templates": FamilySpec(id_base=901, related=_template_related),
    "report_formats": FamilySpec(id_base=951),
    "resource_groups": FamilySpec(
        id_base=501,
        refs=(Ref("inboundService", "services", many=True), Ref("outboundService", "services", many=True)),
        defaults=lambda store: {"inboundService": [], "outboundService": []},
        prepare=_prepare_resource_group,
    ),
    "screen_pops": FamilySpec(id_base=1001, derive=_screen_pop_services, derived_from=_ON_SERVICES),
    "services": FamilySpec(
        id_base=40001,
        refs=(Ref("callCenterId", "call_centers", on_delete="restrict"),),
        list_filters={"callCenter": "callCenterId"},
        search={"callDirection": _equals("callDirection"), "acdFeatureCode": _one_of("acdFeatureCode")},
        related=_service_related,
        links={"update_message_template": Link("messageTemplateId", "message_templates", "assign")},
        copy_create=_copy_service,
    ),
    "term_code_categories": FamilySpec(id_base=17001),
    "term_codes": FamilySpec(
        id_base=1200001,
        unique=("name", "serviceId"),
        refs=(
            Ref("serviceId", "services", on_delete="cascade"),
            Ref("termCategoryId", "term_code_categories", on_delete="restrict"),
            Ref("lvResultId", "livevox_results", on_delete="restrict"),
        ),
        defaults=lambda store: {"previewDialEnabled": False, "clientId": store.client_id},
        derive=_term_code_names,
        derived_from=("term_code_categories", "livevox_results"),
        list_filters={"service": "serviceId"},
    ),
    "users": FamilySpec(
        id_base=5001,
        unique=("userName",),
        refs=(Ref("service", "services", many=True),),
        defaults=lambda store: {"clientId": store.client_id, "locked": False, "service": []},
        prepare=_prepare_user,
        search={
            "userName": _contains("userName"),
            "lastName": _contains("lastName"),
            "email": _contains("email"),
        },
        visible=_sees_user,
        links=_add_remove("service", "service", "services"),
        principal="user",
    ),
    "voices": FamilySpec(id_base=1),
}
