"""List quirks: lists, searches and `/info` that misbehave the way a real server may.

By default a list page is `selection[offset:offset + count]` with a `next` while more
follows, and `/info` tells the true size. `ListQuirks` bends that, per family or for all
of them (every field is off by default and can change while the simulator runs):

- `page_cap` — at most this many items a page, whatever `count` asked (`next` correct:
  offset + items returned);
- `info_size` — every `/info` answers this size (0, -3, 10**7: a lie);
- `ignore_offset` — every page starts at item 0 (`next` advances as if it did not);
- `overlap` — a page after offset 0 starts this many items early (`next` unchanged);
- `backwards_next` — a page at offset > 0 points `next` `count` items back;
- `endless_next` — every page has a `next`, past the end too (empty pages, forever);
- `empty_404` — a page without items answers 404 `{"code": 404, "message": ...}`;
- `flood` — a non-empty page holds `flood` x `count` items (its records repeated);
- `vanish_per_page` — after a page is answered, its first N records are deleted as a
  Delete would (cascades included, the sessions of a deleted user or agent end; a record
  others still require, such as a call center holding services, stays);
- `appear_per_page` — after a page is answered, N copies of its first record are created
  (fresh ids, unique names such as `loginId`/`userName`/`name` suffixed `-1`, `-2`, ...;
  every family with a list; a resource group's copy has no inbound services, since a
  service is inbound to one group at most).

    >>> quirks = ListQuirks(families=frozenset({"agents"}), page_cap=100)
    >>> page = cut_page(quirks, list(range(2500)), count=1000, offset=0)
    >>> len(page.items), page.next_offset
    (100, 100)
    >>> quirks.applies_to("services")
    False

In a simulator: `SimulatorConfig(list_quirks=ListQuirks(empty_404=True))`, or live
`sim.list_quirks.page_cap = 100` / `sim.list_quirks = ListQuirks(overlap=3)`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import attrs

from .._generated.operations import OPERATIONS
from ._bounds import Bound
from ._store import Record, Store

T = TypeVar("T")
LIST_FAMILIES: frozenset[str] = frozenset(
    op.family for op in OPERATIONS.values() if op.is_list or op.name == "info"
)
"""The families with a list, search or `/info` operation: what `ListQuirks.families` may name."""


def _families(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise ValueError(f"families: a set of family names is required, got the string {value!r}")
    families = frozenset(value)
    unknown = families - LIST_FAMILIES
    if unknown:
        raise ValueError(
            f"families: unknown list families {sorted(unknown)}; known: {', '.join(sorted(LIST_FAMILIES))}"
        )
    return families


_NOT_NEGATIVE = Bound(low=0, integer=True)


@attrs.define(kw_only=True)
class ListQuirks:
    """How lists, searches and `/info` misbehave (see the module docstring); all off by default."""

    families: frozenset[str] | None = attrs.field(default=None, converter=_families)
    """The families affected; None: every family's lists, searches and `/info`."""
    page_cap: int | None = attrs.field(default=None, validator=Bound(low=1, integer=True, optional=True))
    info_size: int | None = attrs.field(default=None, validator=Bound(integer=True, optional=True))
    ignore_offset: bool = False
    overlap: int = attrs.field(default=0, validator=_NOT_NEGATIVE)
    backwards_next: bool = False
    endless_next: bool = False
    empty_404: bool = False
    flood: int = attrs.field(default=0, validator=_NOT_NEGATIVE)
    vanish_per_page: int = attrs.field(default=0, validator=_NOT_NEGATIVE)
    appear_per_page: int = attrs.field(default=0, validator=_NOT_NEGATIVE)

    def applies_to(self, family: str) -> bool:
        """Do the quirks bend this family's answers?"""
        return self.families is None or family in self.families


_OFF = ListQuirks()
"""No quirk at all: what a family outside `ListQuirks.families` gets."""


def quirks_for(quirks: ListQuirks, family: str) -> ListQuirks:
    """`quirks` if they apply to `family`, else quirks that are all off."""
    return quirks if quirks.applies_to(family) else _OFF


@attrs.frozen
class Page:
    """What one list or search page answers: its items and where `next` points (None: no next)."""

    items: list[Any]
    next_offset: int | None


def cut_page(quirks: ListQuirks, selected: Sequence[T], count: int, offset: int) -> Page:
    """The page at `offset` of `count` items of `selected`, bent by `quirks`."""
    step = min(count, quirks.page_cap) if quirks.page_cap is not None else count
    start = 0 if quirks.ignore_offset else max(0, offset - quirks.overlap)
    items = list(selected[start : start + step])
    if items and quirks.flood:
        items = [items[i % len(items)] for i in range(quirks.flood * count)]
    next_offset: int | None = offset + step
    if quirks.backwards_next and offset:
        next_offset = max(0, offset - count)
    elif not quirks.endless_next and offset + step >= len(selected):
        next_offset = None
    return Page(items, next_offset)


def first_ids(items: Iterable[Record], id_key: str, n: int) -> list[int]:
    """The first `n` distinct ids of a page's items (a flooded page repeats them)."""
    return list(dict.fromkeys(item[id_key] for item in items))[:n]


def fresh_copy(store: Store, family: str, record: Record, id_key: str) -> Record:
    """A copy of a raw record, ready to insert: no id, a name no other record of `family` has."""
    spec = store.specs[family]
    made = copy.deepcopy(record)
    del made[id_key]
    name = spec.unique[0]
    if isinstance(made.get(name), str):
        taken = {r.get(name) for r in store.values(family)}
        suffixed = (f"{record[name]}-{i}" for i in range(1, len(taken) + 2))
        made[name] = next(n for n in suffixed if n not in taken)
    if family == "resource_groups":
        made["inboundService"] = []  # a service is inbound to one resource group at most
    return made
