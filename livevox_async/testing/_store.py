"""The tenant's data in memory: one collection of JSON-ready wire dicts per family.

Records are stored as the dicts LiveVox would send (wire names, epoch-ms dates), in id
order, so a page of a list is a slice of a cached, already-shaped list. What differs by
family — uniqueness keys, references to other families, defaults, derived fields,
filters, related objects — is described by a `FamilySpec` (see `_families.py`); the
mechanics here are the same for every family.

`Simulator.state` is the `Store`, for exact assertions in tests:

    >>> sim.state.records("agents")[0]                          # doctest: +SKIP
    {'id': 100001, 'loginId': 'JSMITH00001', 'firstName': 'John', ...}
    >>> sim.state.record("services", 40001)["callCenterId"]     # doctest: +SKIP
    101
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, ValuesView
from typing import Any, Literal, TypeAlias

import attrs
import orjson

from .._generated.operations import OPERATIONS
from ._clock import SimClock
from ._problem import Problem
from ._sessions import Caller, SessionKind

Record: TypeAlias = dict[str, Any]
Matcher: TypeAlias = Callable[[Record, Any], bool]
"""Does a record match one search criterion's value?"""

ID_KEYS: dict[str, str] = {op.family: op.id_key for op in OPERATIONS.values() if op.is_list}
WRITABLE: frozenset[str] = frozenset(
    op.family for op in OPERATIONS.values() if op.name in ("create", "update")
)


_WIRE_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def wire_fields(model: type[Any]) -> tuple[str, ...]:
    """The wire names of a generated model's fields, in declaration order."""
    fields = _WIRE_FIELDS.get(model)
    if fields is None:
        fields = _WIRE_FIELDS[model] = tuple(a.metadata["wire"] for a in attrs.fields(model))
    return fields


def _read_fields(family: str) -> tuple[str, ...]:
    """What a whole record of `family` looks like: its Read answer, else its list item."""
    ops = [
        op
        for op in OPERATIONS.values()
        if op.family == family and op.result is not None and op.name not in ("info", "related")
    ]
    reads = [op for op in ops if not op.is_list]
    chosen = [op for op in reads if op.name == "read"] or reads or ops
    return tuple(dict.fromkeys(f for op in chosen if op.result for f in wire_fields(op.result)))


def ids(values: Iterable[int]) -> list[Record]:
    """`[{"id": n}, ...]`, sorted and without duplicates: LiveVox's reference lists."""
    return [{"id": i} for i in sorted(set(values))]


@attrs.frozen
class Ref:
    """A record field that points at records of another family.

    `many` fields hold `[{"id": n}, ...]`, scalar ones an id. When the target is
    deleted, the reference is dropped (`remove`, lists only), the owner is deleted too
    (`cascade`), or the delete is refused with 409 (`restrict`).
    """

    field: str
    target: str
    many: bool = False
    on_delete: Literal["remove", "cascade", "restrict"] = "remove"


@attrs.frozen
class Link:
    """An add/remove method `PUT|DELETE /<family>/{id}/<...>/{targetId}`.

    `add`/`remove` edit the owner's reference list `field` (an added entry also carries
    the method's query parameters, e.g. a skill's `proficiency`); `assign` sets the
    scalar `field` on the owner to the target's id, or on the target to the owner's id
    when `on_target`.
    """

    field: str
    target: str
    action: Literal["add", "remove", "assign"]
    on_target: bool = False


@attrs.frozen(kw_only=True)
class FamilySpec:
    """How one resource family behaves beyond generic CRUD."""

    id_base: int
    """First id handed out when seeding and creating."""
    unique: tuple[str, ...] = ("name",)
    """Fields whose values must be unique together (409): the first is the name, the rest its scope."""
    refs: tuple[Ref, ...] = ()
    defaults: Callable[[Store], Record] | None = None
    """Keys a created record gets when the body leaves them out."""
    prepare: Callable[[Store, Caller, Record, Record | None], None] | None = None
    """Check and normalise the keys about to be written, in place (current record None on create)."""
    derive: Callable[[Store, Record], Record] | None = None
    """Fields computed from other families when a record is shown."""
    derived_from: tuple[str, ...] = ()
    """The families `derive` reads (a change there refreshes cached pages)."""
    list_filters: Mapping[str, str] = attrs.field(factory=dict)
    """List query parameter -> record field it must equal."""
    search: Mapping[str, Matcher] = attrs.field(factory=dict)
    """Search body key -> how a record matches it."""
    visible: Callable[[Caller, Record], bool] | None = None
    """Whether a caller may see a record at all (hidden ones answer 403 and are left out of lists)."""
    related: Callable[[Store, Record], Record] | None = None
    links: Mapping[str, Link] = attrs.field(factory=dict)
    """Operation name (`add_service`) -> what it changes."""
    copy_create: Callable[[Store, Mapping[str, Any]], Record] | None = None
    """Create from query parameters instead of a body (Create Service copies a service)."""
    principal: SessionKind | None = None
    """Records of this family log in (their sessions end when deleted or re-passworded)."""


class Store:
    """Every record of one tenant, with the generic operations the handlers use."""

    def __init__(
        self,
        specs: Mapping[str, FamilySpec],
        *,
        clock: SimClock,
        client_id: int,
        client_code: str,
        base_ms: int,
    ) -> None:
        missing = {op.family for op in OPERATIONS.values() if op.family != "session"} - specs.keys()
        if missing:
            raise ValueError(f"no FamilySpec for {sorted(missing)}")
        self.specs = specs
        self.clock = clock
        self.client_id = client_id
        """The tenant's client id (`clientId` of login, records and settings)."""
        self.client_code = client_code
        """The client code, i.e. the `clientName` of a login."""
        self._records: dict[str, dict[int, Record]] = {f: {} for f in specs}
        self._version = dict.fromkeys(specs, 0)
        self._modified = dict.fromkeys(specs, base_ms)
        self._next_id = {f: spec.id_base for f, spec in specs.items()}
        self._unique: dict[str, dict[tuple[Any, ...], int]] = {f: {} for f in specs if f in WRITABLE}
        self._items: dict[tuple[str, type[Any]], tuple[tuple[int, ...], list[Record]]] = {}
        self._read_fields = {f: _read_fields(f) for f in specs}

    # -- reading ---------------------------------------------------------------------

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(self.specs)

    def id_key(self, family: str) -> str:
        """`id`, or `serviceId` / `callCenterId` for the families LiveVox keys so."""
        return ID_KEYS.get(family, "id")

    def values(self, family: str) -> ValuesView[Record]:
        """The raw records of a family in id order (internal fields included)."""
        return self._records[family].values()

    def find(self, family: str, record_id: int) -> Record | None:
        return self._records[family].get(record_id)

    def get(self, family: str, record_id: int) -> Record:
        """The raw record, or a 404 `Problem`."""
        record = self._records[family].get(record_id)
        if record is None:
            raise Problem(404, f"{family} {record_id} does not exist")
        return record

    def lookup(self, family: str, *key: Any) -> int | None:
        """The id of the record whose unique key (`FamilySpec.unique`) is `key`."""
        return self._unique[family].get(key)

    def shape(self, family: str, record: Record, fields: Iterable[str]) -> Record:
        """A record as an answer with these wire fields (derived fields included)."""
        derive = self.specs[family].derive
        if derive is not None:
            record = {**record, **derive(self, record)}
        return {k: record[k] for k in fields if k in record}

    def items(self, family: str, model: type[Any]) -> list[Record]:
        """Every record shaped as `model`, in id order; cached until the family changes."""
        spec = self.specs[family]
        stamp = tuple(self._version[f] for f in (family, *spec.derived_from))
        cached = self._items.get((family, model))
        if cached is None or cached[0] != stamp:
            fields = wire_fields(model)
            cached = (stamp, [self.shape(family, r, fields) for r in self.values(family)])
            self._items[family, model] = cached
        return cached[1]

    def last_modified(self, family: str) -> int:
        """When the family last changed, epoch ms (the seed's base time until then)."""
        return self._modified[family]

    def records(self, family: str) -> list[Record]:
        """Every record of a family as Read returns it (its list item if it has no Read), by id."""
        fields = self._read_fields[family]
        return [self.shape(family, r, fields) for r in self.values(family)]

    def record(self, family: str, record_id: int) -> Record:
        """One record as Read returns it; KeyError when absent."""
        record = self._records[family].get(record_id)
        if record is None:
            raise KeyError((family, record_id))
        return self.shape(family, record, self._read_fields[family])

    def dump(self) -> bytes:
        """The whole tenant as JSON: `{family: records(family)}` (same seed, same bytes)."""
        return orjson.dumps({f: self.records(f) for f in self.specs})

    # -- writing ---------------------------------------------------------------------

    def insert(self, family: str, record: Record, *, touch: bool = True) -> int:
        """Add a record (a new id unless it carries one above every existing id); 409 on a duplicate."""
        key = self.id_key(family)
        record_id = record.setdefault(key, self._next_id[family])
        if record_id < self._next_id[family] and self._records[family]:
            raise ValueError(f"{family} ids must ascend: {record_id} after {self._next_id[family] - 1}")
        self._claim(family, record, record_id)
        self._records[family][record_id] = record
        self._next_id[family] = record_id + 1
        if touch:
            self.touch(family)
        return int(record_id)

    def change(self, family: str, record_id: int, changes: Record) -> None:
        """Merge `changes` into a record; 404 if absent, 409 if its unique key collides."""
        record = self.get(family, record_id)
        if family in self._unique:
            old, new = self._unique_key(family, record), self._unique_key(family, {**record, **changes})
            if new != old:
                self._claim(family, {**record, **changes}, record_id)
                if old is not None:
                    del self._unique[family][old]
        record.update(changes)
        self.touch(family)

    def delete(self, family: str, record_id: int) -> None:
        """Remove a record and the references to it (see `Ref.on_delete`)."""
        record = self.get(family, record_id)
        dependents = [(f, ref) for f, spec in self.specs.items() for ref in spec.refs if ref.target == family]
        for owner, ref in dependents:
            if ref.on_delete == "restrict" and any(_refers(r, ref, record_id) for r in self.values(owner)):
                raise Problem(409, f"{family} {record_id} is still used by {owner} ({ref.field})")
        del self._records[family][record_id]
        key = self._unique_key(family, record) if family in self._unique else None
        if key is not None:
            del self._unique[family][key]
        self.touch(family)
        for owner, ref in dependents:
            owner_key = self.id_key(owner)
            for dependent in [r for r in self.values(owner) if _refers(r, ref, record_id)]:
                if ref.on_delete == "cascade":
                    self.delete(owner, dependent[owner_key])
                else:
                    self.change(
                        owner, dependent[owner_key], {ref.field: _without(dependent[ref.field], record_id)}
                    )

    def check_refs(self, family: str, changes: Record) -> None:
        """400 naming the field when a reference points nowhere; sorts reference lists."""
        for ref in self.specs[family].refs:
            if ref.field not in changes:
                continue
            value = changes[ref.field]
            if ref.many:
                value = changes[ref.field] = sorted({e["id"]: e for e in value}.values(), key=_id_of)
            for target in [e["id"] for e in value] if ref.many else [value]:
                if target not in self._records[ref.target]:
                    raise Problem(400, f"{ref.field}: {ref.target} {target} does not exist")

    def link(self, family: str, owner_id: int, link: Link, target_id: int, extra: Record) -> None:
        """Apply an add/remove/assign method (404 when either record is absent)."""
        owner = self.get(family, owner_id)
        self.get(link.target, target_id)
        if link.action == "assign":
            if link.on_target:
                self.change(link.target, target_id, {link.field: owner_id})
            else:
                self.change(family, owner_id, {link.field: target_id})
            return
        current = owner.get(link.field, [])
        entries = _without(current, target_id)
        if link.action == "add":
            entries = sorted([*entries, {"id": target_id, **extra}], key=_id_of)
        if entries != current:
            self.change(family, owner_id, {link.field: entries})

    def touch(self, family: str) -> None:
        """Mark a family changed: new `lastModified`, cached pages dropped."""
        self._version[family] += 1
        self._modified[family] = max(self.clock.epoch_ms(), self._modified[family] + 1)

    def _unique_key(self, family: str, record: Record) -> tuple[Any, ...] | None:
        fields = self.specs[family].unique
        return tuple(record[f] for f in fields) if all(f in record for f in fields) else None

    def _claim(self, family: str, record: Record, record_id: int) -> None:
        if family not in self._unique:
            return
        key = self._unique_key(family, record)
        if key is None:
            return
        holder = self._unique[family].setdefault(key, record_id)
        if holder != record_id:
            name, *scope = self.specs[family].unique
            where = "".join(f" for {f} {record[f]!r}" for f in scope)
            raise Problem(409, f"{name} {record[name]!r} already exists{where}")


def _id_of(entry: Record) -> int:
    return int(entry["id"])


def _refers(record: Record, ref: Ref, target_id: int) -> bool:
    value = record.get(ref.field)
    if ref.many:
        return any(e["id"] == target_id for e in value or ())
    return bool(value == target_id)


def _without(entries: list[Record], target_id: int) -> list[Record]:
    return [e for e in entries if e["id"] != target_id]
