"""What the planner knows about each family, derived from the generated tables only.

Nothing here names a family: natural keys, references, memberships, copies and the
write methods come from `_generated/relations.py` and the operation table, so a family
that gains a create or update method in the schema is planned without a code change.

    >>> rules("term_codes").key, sorted(rules("term_codes").update_fields)[:2]
    (('serviceId', 'name'), ['action', 'lvResultId'])
    >>> level("call_centers") < level("services") < level("term_codes")
    True
    >>> planned_operations()["agents.add_skill"]
    'membership add'
"""

from __future__ import annotations

import functools
import graphlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .._generated.operations import OPERATIONS
from .._generated.relations import (
    COPY_CREATES,
    MEMBERSHIPS,
    NATURAL_KEYS,
    NOT_COMPARED,
    ORDERED,
    REFERENCES,
)
from .._operation import Evidence, Operation
from .._relation import CopyCreate, FieldPath, Membership, Reference
from ._export_plan import family_plan

WRITE_NAMES = ("create", "update", "delete")


def write_evidence(op: Operation) -> Evidence:
    """How sure the schema is of the endpoint (path and verb) a write sends to.

    The `path` part of the operation's evidence: `apply` refuses a write whose endpoint
    is `inferred` unless told `allow_inferred`. (A documented endpoint whose answer
    nobody has seen, like Create Agent's `201 {id}`, is sent.)

    >>> from livevox_async import OPERATIONS
    >>> write_evidence(OPERATIONS["agents.create"]), write_evidence(OPERATIONS["term_codes.update"])
    ('doc', 'inferred')
    """
    return op.evidence_parts.path


def inferred_body(op: Operation, fields: Iterable[str]) -> tuple[str, ...]:
    """The `fields` a write sends in its body, sorted, when the schema only infers the body.

    `plan` lists them as warnings: LiveVox may ignore or refuse a key the schema guessed.

    >>> from livevox_async import OPERATIONS
    >>> inferred_body(OPERATIONS["dialing_strategies.create"], ["service", "name"])
    ('name', 'service')
    >>> inferred_body(OPERATIONS["agents.create"], ["loginId"])
    ()
    """
    return tuple(sorted(fields)) if op.evidence_parts.body == "inferred" else ()


def is_write(op: Operation) -> bool:
    """Changes the tenant: every method but reads, lists and searches."""
    return op.method != "GET" and not op.is_list


def wire_fields(model: type[Any] | None) -> tuple[str, ...]:
    """Wire names of a generated model's fields (none for no model)."""
    return tuple(f.metadata["wire"] for f in attrs.fields(model)) if model is not None else ()


def required_fields(model: type[Any]) -> frozenset[str]:
    """Wire names of the fields a model cannot be built without."""
    return frozenset(f.metadata["wire"] for f in attrs.fields(model) if f.default is attrs.NOTHING)


def references(model: type[Any] | None) -> tuple[Reference, ...]:
    return REFERENCES.get(model, ()) if model is not None else ()


def not_compared(model: type[Any] | None) -> frozenset[str]:
    """Fields of `model` that are not configuration (`x-livevox-compare: false`)."""
    return NOT_COMPARED.get(model, frozenset()) if model is not None else frozenset()


def ordered(model: type[Any] | None) -> frozenset[FieldPath]:
    return frozenset(ORDERED.get(model, ())) if model is not None else frozenset()


@attrs.frozen
class FamilyRules:
    """One family as the planner sees it."""

    name: str
    key: tuple[str, ...]
    """Natural key: wire fields of the main record."""
    main: Operation
    """The read whose answer is the object (`<family>.read`, else the list item)."""
    details: tuple[Operation, ...]
    """Other reads of each object compared for fields LiveVox does not let us write."""
    create: Operation | None
    update: Operation | None
    delete: Operation | None
    copy: CopyCreate | None
    compared: frozenset[str]
    """Fields of the main record that are configuration (ids and memberships excluded)."""
    create_fields: frozenset[str]
    update_fields: frozenset[str]

    @property
    def model(self) -> type[Any] | None:
        return self.main.result

    @property
    def list_op(self) -> Operation:
        return OPERATIONS[f"{self.name}.list"]

    @property
    def writable(self) -> bool:
        """Has a method that creates, updates or deletes its objects, or links members to them."""
        return bool(self.create or self.update or self.delete or memberships_of(self.name))

    def key_references(self) -> dict[str, str]:
        """Natural-key fields that hold a reference, with the family referenced."""
        refs = {ref.path[0]: ref.family for ref in references(self.model) if len(ref.path) == 1}
        return {field: refs[field] for field in self.key if field in refs}


def id_key(family: str) -> str:
    """The key holding an object's id in its records (`id`; `serviceId`, `callCenterId`)."""
    return OPERATIONS[f"{family}.list"].id_key


def _op(name: str) -> Operation | None:
    return OPERATIONS.get(name)


def _compared(family: str, main: Operation) -> frozenset[str]:
    linked = {m.field for m in MEMBERSHIPS if m.read == main.id}
    return frozenset(wire_fields(main.result)) - not_compared(main.result) - linked - {id_key(family)}


@functools.cache
def rules(family: str) -> FamilyRules:
    """The planner's view of `family` (KeyError for a family without a natural key)."""
    key = NATURAL_KEYS[family]
    main = _op(f"{family}.read") or OPERATIONS[f"{family}.list"]
    details = tuple(op for op in family_plan(family).details if op is not main and op.name != "related")
    compared = _compared(family, main)
    create, update = _op(f"{family}.create"), _op(f"{family}.update")
    copy = COPY_CREATES.get(create.id) if create is not None else None
    if copy is not None:
        create_fields = frozenset(field for _, field in copy.fields)
    else:
        create_fields = compared & frozenset(wire_fields(create.body if create else None))
    return FamilyRules(
        name=family,
        key=key,
        main=main,
        details=details,
        create=create,
        update=update,
        delete=_op(f"{family}.delete"),
        copy=copy,
        compared=compared,
        create_fields=create_fields,
        update_fields=compared & frozenset(wire_fields(update.body if update else None)),
    )


def memberships_of(family: str) -> tuple[Membership, ...]:
    """The memberships planned with `family` (those whose add method is in it)."""
    return tuple(m for m in MEMBERSHIPS if m.family == family)


def keyed_families() -> tuple[str, ...]:
    """Every family with a natural key, in schema order."""
    return tuple(NATURAL_KEYS)


def writable_families() -> tuple[str, ...]:
    """Families plan and apply can change, in dependency order (referenced first)."""
    return tuple(sorted((f for f in NATURAL_KEYS if rules(f).writable), key=lambda f: (level(f), f)))


def _dependencies(family: str) -> set[str]:
    """Families `family`'s objects point at (main record and write bodies); itself excluded."""
    r = rules(family)
    models = [r.model, *(op.body for op in (r.create, r.update) if op is not None)]
    return {ref.family for model in models for ref in references(model)} - {family}


@functools.cache
def levels() -> Mapping[str, int]:
    """Each keyed family's depth in the reference graph: 0 for one pointing at nothing.

    Raises graphlib.CycleError if the schema's references form a cycle.
    """
    graph = {family: _dependencies(family) for family in NATURAL_KEYS}
    depth: dict[str, int] = {}
    for family in graphlib.TopologicalSorter(graph).static_order():
        depth[family] = 1 + max((depth[d] for d in graph.get(family, ())), default=-1)
    return depth


def level(family: str) -> int:
    return levels()[family]


def key_families(family: str) -> tuple[str, ...]:
    """`family` and every family its natural key refers to, transitively (term codes: services)."""
    found = [family]
    for referenced in rules(family).key_references().values():
        found += [f for f in key_families(referenced) if f not in found]
    return tuple(found)


def _read_families(family: str) -> set[str]:
    r = rules(family)
    models = [op.result for op in (r.main, *r.details)]
    models += [op.body for op in (r.create, r.update) if op is not None]
    found = {ref.family for model in models for ref in references(model)}
    for m in memberships_of(family):
        found |= {m.owner, m.member}
    return found | {family}


def families_to_read(planned: Iterable[str]) -> frozenset[str]:
    """The planned families and every family their objects, keys and members point at."""
    wanted: set[str] = set()
    todo = list(planned)
    while todo:
        family = todo.pop()
        if family in wanted:
            continue
        wanted.add(family)
        todo += sorted(_read_families(family) - wanted)
    return frozenset(wanted)


def planned_operations() -> dict[str, str]:
    """Every write method the planner uses, with how (`create`, `membership add`, …)."""
    found: dict[str, str] = {}
    for family in writable_families():
        r = rules(family)
        for op in (r.create, r.update, r.delete):
            if op is not None:
                found[op.id] = op.name
    for m in MEMBERSHIPS:
        found[m.add] = "membership add"
        if m.remove is not None:
            found[m.remove] = "membership remove"
    return found
