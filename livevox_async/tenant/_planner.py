"""`build_plan`: two exports in, a `Plan` out (no I/O; `plan_changes` reads the tenant).

Per family, in dependency order (`_relations.levels`): objects are matched by natural
key; one only in the source is created, one in both is updated in the writable fields
that differ, one only in the target is deleted when its family is pruned. Then the
memberships (`_memberships.py`). An action that cannot be carried out stays in the plan,
blocked, with the reason; so does one this session may not call (the role preflight).

    plan = build_plan(source, target, requested=None, prune=(), preflight=lv.preflight)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import attrs

from .._generated.operations import OPERATIONS
from .._generated.relations import GENERATED_SECRETS
from .._operation import Operation
from ._errors import Blocked, PlanError
from ._keys import Key, KeyIndex, show, token
from ._memberships import plan_memberships
from ._plan import KIND_ORDER, Action, ActionKind, Change, FamilyStatus, NotWritable, Plan
from ._relations import (
    FamilyRules,
    inferred_body,
    key_families,
    not_compared,
    ordered,
    references,
    required_fields,
    rules,
    wire_fields,
    writable_families,
    write_evidence,
)
from ._resolve import Resolver
from ._snapshot import Snapshot
from ._steps import action_id, step_of
from ._values import changed_fields, map_references, project

Preflight = Callable[[Operation], str | None]


class Planner:
    """The state of one planning run; `run()` returns the actions and what is not writable."""

    def __init__(
        self, source: Snapshot, target: Snapshot, prune: Collection[str], preflight: Preflight
    ) -> None:
        self.source = source
        self.target = target
        self.prune = frozenset(prune)
        self.preflight = preflight
        self.src = KeyIndex(source, "source")
        self.tgt = KeyIndex(target, "target")
        self.creates: dict[tuple[str, str], Action] = {}
        self.res = Resolver(self.src, self.tgt, self.creates)
        self.actions: list[Action] = []
        self.not_writable: list[NotWritable] = []

    def add(self, action: Action) -> Action:
        """Record an action; blocked, first of all, if this session may not call its operation."""
        op = OPERATIONS.get(action.op)
        if op is not None:
            refusal = self.preflight(op)
            blocked = f"this session may not call {op.id}: {refusal}" if refusal else action.blocked
            sent = inferred_body(op, [*(action.body or {}), *action.secrets])
            action = attrs.evolve(action, evidence=write_evidence(op), inferred_fields=sent, blocked=blocked)
        self.actions.append(action)
        return action

    def action(
        self, kind: ActionKind, family: str, op: str, key: Key | None, *, where: Any = None, **fields: Any
    ) -> Action:
        """Add the `kind` action of `op` on the `family` object `key` (`where`: its id, to tell apart)."""
        return self.add(
            Action(action_id(op, key, where=where), kind, family, op, key, step_of(kind, family), **fields)
        )

    def status(self, family: str) -> str | None:
        """Why `family` cannot be planned, or None: it, or a family its keys need, is incomplete."""
        for needed in key_families(family):
            for side, snapshot in (("source", self.source), ("target", self.target)):
                problem = snapshot.problem(needed)
                if problem is not None:
                    whose = "" if needed == family else f" {needed} (its natural key refers to it)"
                    return f"{side}{whose}: {problem}"
        return None

    def plan_family(self, family: str) -> None:
        r = rules(family)
        in_source, in_target = self.src.by_key(family), self.tgt.by_key(family)
        for tok in sorted(set(in_source) | set(in_target)):
            _, source_ids = in_source.get(tok, (None, []))
            target_key, target_ids = in_target.get(tok, (None, []))
            if source_ids and target_ids:
                self._matched(r, source_ids, target_ids)
            elif source_ids:
                self._create(r, source_ids)
            elif family in self.prune:
                for target_id in target_ids:
                    self._delete(r, target_key or [], target_id, several=len(target_ids) > 1)
        for source_id, why in self.src.unkeyed(family):
            self.action("create", family, f"{family}.create", None, where=source_id, blocked=why)
        if family in self.prune:
            for target_id, why in self.tgt.unkeyed(family):
                self.action(
                    "delete",
                    family,
                    f"{family}.delete",
                    None,
                    where=target_id,
                    target_id=target_id,
                    blocked=why,
                )

    def _ambiguity(self, family: str, key: Key, source_ids: list[Any], target_ids: list[Any]) -> None:
        for side, ids in (("source", source_ids), ("target", target_ids)):
            if len(ids) > 1:
                shown = ", ".join(map(str, ids))
                raise Blocked(
                    f"ambiguous natural key {show(key)!r}: {len(ids)} {family} in the {side} ({shown})"
                )

    # -- create ------------------------------------------------------------------------

    def _create(self, r: FamilyRules, source_ids: list[Any]) -> None:
        key = self.src.key(r.name, source_ids[0])
        op = r.create.id if r.create is not None else f"{r.name}.create"
        fields: dict[str, Any] = {"query": {}, "body": None, "lookup": {}, "blocked": None}
        try:
            self._ambiguity(r.name, key, source_ids, [])
            if r.create is None:
                raise Blocked(f"LiveVox has no method to create {r.name}")
            fields.update(self._create_request(r, r.create, self.source.main(r.name, source_ids[0]) or {}))
        except Blocked as exc:
            fields["blocked"] = exc.reason
        action = self.action("create", r.name, op, key, secrets=GENERATED_SECRETS.get(op, ()), **fields)
        self.creates[r.name, token(key)] = action

    def _create_request(self, r: FamilyRules, op: Operation, record: dict[str, Any]) -> dict[str, Any]:
        """query, body and lookup of a create; Blocked when a reference cannot be resolved."""
        refs = references(r.model)
        keyed = map_references(project(record, r.create_fields), refs, self.res.source_marker)
        written = map_references(keyed, refs, self.res.to_target)
        if r.copy is not None:
            query = {param: written[field] for param, field in r.copy.fields}
            query[r.copy.template] = self._template(r, record)
            return {"query": query, "lookup": {f: written[f] for f in r.key}}
        missing: frozenset[str] = frozenset()
        if op.body is not None:
            missing = required_fields(op.body) - written.keys() - set(GENERATED_SECRETS.get(op.id, ()))
        if missing:
            raise Blocked(f"the source lacks {', '.join(sorted(missing))}, which creating needs")
        return {"body": written, "lookup": {f: written[f] for f in r.key}}

    def _template(self, r: FamilyRules, record: dict[str, Any]) -> Any:
        """The target object a copy-create copies: the first sharing the `match` fields."""
        assert r.copy is not None
        refs = references(r.model)
        wanted = map_references(project(record, r.copy.match), refs, self.res.source_marker)
        for target_id in sorted(self.target.records(r.name)):
            found = self.target.main(r.name, target_id)
            have = map_references(project(found, r.copy.match), refs, self.res.target_marker)
            if not changed_fields(r.copy.match, have, wanted, ordered(r.model)):
                return target_id
        shown = ", ".join(f"{f} {record.get(f)!r}" for f in r.copy.match)
        raise Blocked(f"LiveVox creates {r.name} by copying one, and the target has none with {shown}")

    # -- update ------------------------------------------------------------------------

    def _matched(self, r: FamilyRules, source_ids: list[Any], target_ids: list[Any]) -> None:
        key = self.src.key(r.name, source_ids[0])
        op = r.update.id if r.update is not None else f"{r.name}.update"
        try:
            self._ambiguity(r.name, key, source_ids, target_ids)
        except Blocked as exc:
            if r.update is not None:
                self.action("update", r.name, op, key, blocked=exc.reason)
            return
        source_id, target_id = source_ids[0], target_ids[0]
        wanted, have = self._keyed(r, self.source, source_id, self.target, target_id)
        changed = changed_fields(r.compared, have, wanted, ordered(r.model))
        fixed = [Change(f, have.get(f), wanted.get(f)) for f in changed if f not in r.update_fields]
        fixed += self._detail_changes(r, source_id, target_id)
        if fixed:
            self.not_writable.append(NotWritable(r.name, key, target_id, tuple(fixed)))
        writable = [f for f in changed if f in r.update_fields]
        if not writable or r.update is None:
            return
        body: dict[str, Any] | None = None
        blocked = None
        try:
            body = map_references(
                {f: wanted.get(f) for f in writable}, references(r.model), self.res.to_target
            )
        except Blocked as exc:
            blocked = exc.reason
        changes = tuple(Change(f, have.get(f), wanted.get(f)) for f in writable)
        seen = project(self.target.main(r.name, target_id), r.compared)
        self.action(
            "update",
            r.name,
            op,
            key,
            target_id=target_id,
            path={"id": target_id},
            body=body,
            seen=seen,
            changes=changes,
            blocked=blocked,
        )

    def _keyed(
        self, r: FamilyRules, source: Snapshot, source_id: Any, target: Snapshot, target_id: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The compared fields of both main records, references as key markers."""
        refs = references(r.model)
        wanted = map_references(
            project(source.main(r.name, source_id), r.compared), refs, self.res.source_marker
        )
        have = map_references(
            project(target.main(r.name, target_id), r.compared), refs, self.res.target_marker
        )
        return wanted, have

    def _detail_changes(self, r: FamilyRules, source_id: Any, target_id: Any) -> list[Change]:
        """Differences in the family's other reads (no method writes them)."""
        found: list[Change] = []
        for op in r.details:
            fields = set(wire_fields(op.result)) - not_compared(op.result)
            refs = references(op.result)
            wanted = map_references(
                project(self.source.records(r.name)[source_id].get(op.id), fields),
                refs,
                self.res.source_marker,
            )
            have = map_references(
                project(self.target.records(r.name)[target_id].get(op.id), fields),
                refs,
                self.res.target_marker,
            )
            for f in changed_fields(fields, have, wanted, ordered(op.result)):
                found.append(Change(f"{op.id}.{f}", have.get(f), wanted.get(f)))
        return found

    # -- delete ------------------------------------------------------------------------

    def _delete(self, r: FamilyRules, key: Key, target_id: Any, *, several: bool) -> None:
        op = r.delete.id if r.delete is not None else f"{r.name}.delete"
        blocked = None if r.delete is not None else f"LiveVox has no method to delete {r.name}"
        seen = project(self.target.main(r.name, target_id), r.compared)
        self.action(
            "delete",
            r.name,
            op,
            key,
            where=target_id if several else None,
            target_id=target_id,
            path={"id": target_id},
            seen=seen,
            blocked=blocked,
        )


def check_families(requested: Sequence[str] | None, prune: Collection[str]) -> list[str]:
    """The families to plan, in dependency order; PlanError for an unknown or unplannable one."""
    writable = writable_families()
    wanted = list(requested) if requested else list(writable)
    unknown = sorted(set(wanted) - set(writable))
    if unknown:
        raise PlanError(f"cannot plan {', '.join(unknown)}; plannable families: {', '.join(writable)}")
    outside = sorted(set(prune) - set(wanted))
    if outside:
        raise PlanError(f"--prune {', '.join(outside)}: only a planned family can be pruned")
    return [f for f in writable if f in wanted]


def build_plan(
    source: Snapshot,
    target: Snapshot,
    *,
    requested: Sequence[str] | None,
    prune: Collection[str],
    preflight: Preflight,
    api_version: str | None = None,
) -> Plan:
    """The plan that makes `target` match `source` for the requested families; see the module docstring."""
    families = check_families(requested, prune)
    planner = Planner(source, target, prune, preflight)
    statuses = []
    for family in families:
        reason = planner.status(family)
        statuses.append(FamilyStatus(family, reason is None, reason))
        if reason is None:
            planner.plan_family(family)
    memberships = plan_memberships(planner, families)
    actions = sorted(planner.actions, key=lambda a: (a.step, a.family, KIND_ORDER[a.kind], a.id))
    return Plan(
        source=str(source.path.resolve()),
        source_client_id=source.client_id,
        target_client_id=target.client_id,
        api_version=api_version,
        requested=tuple(requested) if requested else None,
        prune=tuple(sorted(prune)),
        families=tuple(statuses),
        memberships=tuple(memberships),
        actions=tuple(actions),
        not_writable=tuple(sorted(planner.not_writable, key=lambda n: (n.family, token(n.key)))),
    )
