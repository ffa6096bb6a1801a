"""`Plan`: what `apply` will do to a tenant, as data; written to and read from a JSON file.

    plan = await plan_changes(lv, "export-staging/")
    plan.write("plan.json")                 # deterministic: the same inputs give the same bytes
    plan = Plan.read("plan.json")
    for action in plan.actions:
        print(action.kind, action.family, show(action.key), action.blocked or "")

Each `Action` is one write: its operation, where it goes (`path`, `query`) and its
`body`, all as wire JSON. Ids of objects this plan creates are unknown until apply
runs; they appear as `{"$created": "<action id>"}`. Updates and deletes carry `seen`,
the target object's state the plan was computed against: apply re-reads the object
and does not write if it changed since (a stale plan). No password is ever in a plan:
`secrets` names the fields apply generates. An action whose body the schema only infers
(`x-livevox-evidence-parts` body `inferred`) names the fields it sends in
`inferred_fields`; `Plan.warnings` lists them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs

from .._json import dumps_sorted, loads
from ._errors import PlanError
from ._keys import Key

FORMAT = 1
ActionKind = Literal["create", "update", "delete", "add", "remove"]
KIND_ORDER: dict[str, int] = {"create": 0, "update": 1, "add": 2, "remove": 3, "delete": 4}


@attrs.frozen
class Change:
    """A field that differs: its value in the target and the one wanted (references as keys)."""

    field: str
    old: Any
    new: Any


@attrs.frozen
class Action:
    """One write apply may send; see the module docstring."""

    id: str
    """Stable within the plan: operation, key and (memberships) member key."""
    kind: ActionKind
    family: str
    """The object's family (a membership's owner family)."""
    op: str
    """Operation id sent (`term_codes.create`)."""
    key: Key | None
    """The object's natural key (the owner's, for a membership); None for an object without one."""
    step: int
    """Apply runs steps in order; actions of one step concurrently."""
    target_id: Any = None
    """The object's id in the target (None for a create, or an owner created by this plan)."""
    member: Key | None = None
    """A membership's member key."""
    member_family: str | None = None
    path: dict[str, Any] = attrs.field(factory=dict)
    query: dict[str, Any] = attrs.field(factory=dict)
    body: dict[str, Any] | None = None
    lookup: dict[str, Any] = attrs.field(factory=dict)
    """A create's natural key as target values: how apply finds an object whose answer was lost."""
    seen: dict[str, Any] | None = None
    """Updates and deletes: the target object's compared fields when planned."""
    changes: tuple[Change, ...] = ()
    secrets: tuple[str, ...] = ()
    """A create's fields apply generates (passwords); never their values."""
    evidence: str = "doc"
    """The endpoint's evidence, path and verb (`inferred` ones need `allow_inferred`)."""
    inferred_fields: tuple[str, ...] = ()
    """Body fields sent whose shape the schema only infers: a warning, shown with the plan."""
    blocked: str | None = None
    """Why this action cannot be applied; None when it can."""


@attrs.frozen
class FamilyStatus:
    """Whether a family (or a membership, by its add method) was planned, and why not."""

    name: str
    planned: bool
    reason: str | None = None


@attrs.frozen
class NotWritable:
    """An object matched in both tenants whose differences LiveVox does not let us write."""

    family: str
    key: Key
    target_id: Any
    changes: tuple[Change, ...]


@attrs.frozen
class Plan:
    """Everything `apply` needs, and what a person needs to review it."""

    source: str
    """The export directory (absolute path) the plan was made from."""
    source_client_id: int
    target_client_id: int
    api_version: str | None
    requested: tuple[str, ...] | None
    """Families asked for (None: every writable family)."""
    prune: tuple[str, ...]
    families: tuple[FamilyStatus, ...]
    memberships: tuple[FamilyStatus, ...]
    actions: tuple[Action, ...]
    not_writable: tuple[NotWritable, ...] = ()
    format: int = FORMAT
    path: Path | None = attrs.field(default=None, eq=False, repr=False)
    """The file the plan was read from or last written to."""

    @property
    def runnable(self) -> tuple[Action, ...]:
        """The actions that are not blocked."""
        return tuple(a for a in self.actions if a.blocked is None)

    @property
    def blocked(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.blocked is not None)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per runnable action that sends body fields the schema only infers."""
        return tuple(
            f"{a.id}: sends {', '.join(a.inferred_fields)}, whose shape the schema only infers"
            for a in self.runnable
            if a.inferred_fields
        )

    @property
    def is_empty(self) -> bool:
        """No action at all, blocked or not: the target already matches the source."""
        return not self.actions

    def counts(self) -> dict[str, int]:
        """Runnable actions per kind, plus `blocked`."""
        counts = dict.fromkeys(KIND_ORDER, 0)
        for action in self.runnable:
            counts[action.kind] += 1
        counts["blocked"] = len(self.blocked)
        return counts

    def fingerprint(self) -> str:
        """sha256 of the plan's content (what a state directory belongs to)."""
        return hashlib.sha256(dumps_sorted(_converter.unstructure(self))).hexdigest()

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the plan as JSON (keys sorted, one action per line); returns the path."""
        target = Path(path)
        data = _converter.unstructure(self)
        actions = data.pop("actions")
        head = dumps_sorted(data)[:-1]
        lines = b",\n".join(dumps_sorted(a) for a in actions)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(head + b',"actions":[\n' + lines + b"\n]}\n")
        tmp.replace(target)
        object.__setattr__(self, "path", target)
        return target

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Plan:
        """Read a plan written by `write`; PlanError for anything else."""
        source = Path(path)
        try:
            data = loads(source.read_bytes())
        except (OSError, ValueError) as exc:
            raise PlanError(f"cannot read the plan {source}: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PlanError(f"{source} is not a plan of format {FORMAT}")
        try:
            plan = _converter.structure(data, cls)
        except (cattrs.BaseValidationError, KeyError, TypeError) as exc:
            raise PlanError(f"{source} is not a valid plan: {exc}") from None
        return attrs.evolve(plan, path=source)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_unstructure_hook(Path, lambda p: None)
    unstructure_plan = cattrs.gen.make_dict_unstructure_fn(
        Plan, converter, path=cattrs.gen.override(omit=True)
    )
    converter.register_unstructure_hook(Plan, unstructure_plan)
    converter.register_structure_hook(Any, lambda value, _: value)
    return converter


_converter = _make_converter()
