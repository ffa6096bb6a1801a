"""What a configuration export fetches, derived from the operation table.

For every family with a plain `list` operation: the list (all pages), then for each
item every GET method addressed by that item's id under the list's path — `read`,
`related`, `read_phone`, `read_settings`, a LiveVox result's custom outcomes, … The
Clients family has no list: its settings are read for the session's own client. The
audit log is a search over a date range, exported only when a range is given.

    >>> [f.name for f in export_plan()][:3]
    ['agents', 'agent_skills', 'call_centers']
    >>> [op.id for op in family_plan("services").details]
    ['services.read', 'services.related', 'services.read_phone', 'services.read_settings']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from .._generated.operations import OPERATIONS
from .._operation import Operation

CLIENT_FAMILY = "clients"
AUDIT_LOG = "audit_log.search"


@attrs.frozen
class FamilyPlan:
    """One family of an export: its list (None for Clients) and its per-item reads."""

    name: str
    list_op: Operation | None
    info_op: Operation | None
    details: tuple[Operation, ...]

    @property
    def id_key(self) -> str:
        return self.list_op.id_key if self.list_op else "id"

    @property
    def operations(self) -> tuple[Operation, ...]:
        listing = (self.list_op,) if self.list_op else ()
        return listing + self.details


def _by_item_id(list_op: Operation, operations: Iterable[Operation]) -> tuple[Operation, ...]:
    prefix = list_op.path + "/{id}"
    return tuple(
        op
        for op in operations
        if op.method == "GET"
        and not op.is_list
        and [p.wire for p in op.path_params()] == ["id"]
        and (op.path == prefix or op.path.startswith(prefix + "/"))
    )


def export_plan(operations: Mapping[str, Operation] = OPERATIONS) -> list[FamilyPlan]:
    """Every family an export covers, in schema order (Clients last)."""
    plans = []
    for op in operations.values():
        if op.name == "list" and op.method == "GET" and op.body is None:
            plans.append(
                FamilyPlan(
                    op.family, op, operations.get(f"{op.family}.info"), _by_item_id(op, operations.values())
                )
            )
    client_reads = tuple(
        op
        for op in operations.values()
        if op.family == CLIENT_FAMILY and op.method == "GET" and [p.wire for p in op.path_params()] == ["id"]
    )
    plans.append(FamilyPlan(CLIENT_FAMILY, None, None, client_reads))
    return plans


def family_plan(name: str) -> FamilyPlan:
    for plan in export_plan():
        if plan.name == name:
            return plan
    raise KeyError(name)


def family_names() -> list[str]:
    return [plan.name for plan in export_plan()]
