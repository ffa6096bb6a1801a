"""`Paginator`: every item of a LiveVox list exactly once, fetched lazily page by page.

LiveVox lists answer `{"<listKey>": [...], "next": "<uri>"}` pages selected by `count`
(at most 1000) and `offset`; `next` is absent on the last page.

    async for agent in lv.agents.list():                 # every item, one page at a time
        ...
    async for page in lv.agents.list(page_size=500).pages():
        print(page.offset, len(page.items))
    first_ten = await lv.agents.list(max_items=10).collect()
    async for page in lv.agents.list().concurrent_pages(concurrency=8):
        ...                                              # pages by offset, in order, using /info

Nothing the server says is taken on trust (design §10). The paginator walks the list by
offset itself: after a page of `n` items at offset `o` it asks for `o + n`, so a server
that caps pages below `count`, or whose `next` points backwards, too far or nowhere
useful, loses nothing. `next` is only the server's claim that more follows; `/info`'s
size is only a plan for fetching several pages at once. Where they disagree the
paginator asks the server at the boundary (one more page) instead of believing either:

- a page shorter than asked while more follows: the walk goes on from where it ended
  and plans its next offsets with the server's real page size;
- `/info` larger than the list (10**7 for 25): the first empty page ends the walk;
  smaller (0, negative): the walk follows the pages until the list ends;
- no `next` although `/info` promised more, or on a full page: one more page is asked for;
- an id already listed (overlapping pages, a repeated page, a `next` walking back) is
  dropped, so each id comes once; a page holding *only* ids already listed means the
  server ignores `offset` or loops, and the walk stops with `PaginationError`;
- an empty page that still has a `next` (a runaway `next`) ends the walk;
- LiveVox's own client reads a 404 on a list as an empty list (`Page.not_found`).

What was checked and what disagreed is kept in `Paginator.report` (`ListReport`):

    >>> import asyncio
    >>> rows = [{"id": n} for n in range(25)]
    >>> async def capped(offset, count):          # a server capping pages at 10 items
    ...     chunk = rows[offset : offset + min(count, 10)]
    ...     more = offset + len(chunk) < len(rows)
    ...     return Page(offset, chunk, chunk, f"?offset={offset + 10}" if more else None)
    >>> async def lying_info():
    ...     return 0
    >>> listing = Paginator(capped, fetch_total=lying_info, page_size=20, id_of=lambda r: r["id"])
    >>> async def walk():
    ...     return [item["id"] async for page in listing.concurrent_pages() for item in page.items]
    >>> asyncio.run(walk()) == list(range(25))
    True
    >>> listing.report.delivered, listing.report.expected, listing.report.short_pages
    (25, 0, 2)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Sequence
from operator import itemgetter
from typing import Any, Generic, TypeVar

import attrs

from ._exceptions import ConfigurationError, PaginationError

T = TypeVar("T")

MAX_PAGE_SIZE = 1000
ID_RANGE = range(-(2**63), 2**64)
"""An id must fit in 64 bits (signed or unsigned); anything else is refused, not rounded."""
_INT = {int}
_NONE = type(None)
_ID_TYPES = {int, str}
"""The exact types of a usable id (`bool` is not one)."""


@attrs.frozen(slots=True)
class Page(Generic[T]):
    """One page of a list: its items (decoded), the same items as wire JSON, and `next`.

    `offset` is where the page starts in the list; `not_found` is True for a 404 that
    LiveVox sends instead of an empty page.
    """

    offset: int
    items: Sequence[T]
    raw: Sequence[dict[str, Any]] = attrs.field(repr=False)
    next: str | None
    not_found: bool = False


FetchPage = Callable[[int, int], Awaitable[Page[T]]]
"""fetch(offset, count) -> Page"""
FetchTotal = Callable[[], Awaitable[int]]
IdOf = Callable[[dict[str, Any]], Hashable]
"""An item's id from its wire JSON (the paginator drops an id it has seen)."""


@attrs.define
class ListReport:
    """What a walk over a list verified, and where the server disagreed with itself."""

    expected: int | None = None
    """The size `/info` announced (None when it was not asked)."""
    delivered: int = 0
    """Items yielded, each id once."""
    pages: int = 0
    """Pages fetched (prefetched pages that were cancelled are not counted)."""
    repeated: int = 0
    """Items dropped because their id had already been listed."""
    unidentified: int = 0
    """Items without a usable id (kept, but they cannot be checked for repeats)."""
    short_pages: int = 0
    """Pages holding fewer items than asked although more followed."""
    not_found: bool = False
    """The list ended with a 404 (an empty family, or a wrong path)."""
    disagreements: list[str] = attrs.field(factory=list)
    """Each way the server contradicted itself, in words (`/info said 0; 25 listed`)."""

    def note(self, text: str) -> None:
        if text not in self.disagreements:
            self.disagreements.append(text)


class Paginator(Generic[T]):
    """Lazy iterator over a list operation's items; see the module docstring.

    `what` names the list in errors (`agents.list`); `id_of` enables the checks on ids
    (each once, 64-bit integers when they are integers).
    """

    def __init__(
        self,
        fetch_page: FetchPage[T],
        *,
        fetch_total: FetchTotal | None,
        page_size: int = MAX_PAGE_SIZE,
        max_items: int | None = None,
        id_of: IdOf | None = None,
        what: str = "list",
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        if max_items is not None and max_items < 0:
            raise ConfigurationError(f"max_items must be >= 0, got {max_items}")
        self._fetch_page = fetch_page
        self._fetch_total = fetch_total
        self._page_size = page_size
        self._max_items = max_items
        self._id_of = id_of
        self._what = what
        self.report = ListReport()
        """What the last walk verified (reset when a walk starts)."""

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def collect(self) -> list[T]:
        """Every item in a list (mind the memory on a large tenant)."""
        return [item async for item in self]

    async def pages(self, *, start: int = 0, seen: Iterable[Hashable] = ()) -> AsyncIterator[Page[T]]:
        """Pages one after another from offset `start`; `seen`: ids already listed (a resume)."""
        walk = _Walk(self, start=start, expected=None, concurrency=1, seen=seen)
        async for page in walk.run():
            yield page

    async def concurrent_pages(
        self, *, concurrency: int = 8, total: int | None = None
    ) -> AsyncIterator[Page[T]]:
        """Pages fetched by offset, `concurrency` at a time, yielded in order.

        Plans its offsets from the family's `/info` size (or `total`, when the caller has
        just asked it); without either it walks one page at a time.
        """
        if concurrency < 1:
            raise ConfigurationError(f"concurrency must be >= 1, got {concurrency}")
        expected = total
        if expected is None and self._fetch_total is not None:
            expected = await self._fetch_total()
        walk = _Walk(self, start=0, expected=expected, concurrency=concurrency, seen=())
        async for page in walk.run():
            yield page


class _Walk(Generic[T]):
    """One walk over a list: the offsets in flight, the cursor, the ids seen."""

    def __init__(
        self,
        paginator: Paginator[T],
        *,
        start: int,
        expected: int | None,
        concurrency: int,
        seen: Iterable[Hashable],
    ) -> None:
        self.p = paginator
        self.report = paginator.report = ListReport(expected=expected)
        self.cursor = start
        self.stride = paginator._page_size
        self.concurrency = concurrency if expected is not None and expected > 0 else 1
        self.resumed = frozenset(seen) - {None}
        """Ids listed before this walk (a resume): dropped, but not repeats."""
        self.walked: set[Hashable] = set()
        """Ids met during this walk: a page of only these means offset is ignored."""
        self.in_flight: dict[int, asyncio.Future[Page[T]]] = {}
        self.abandoned: list[asyncio.Future[Page[T]]] = []
        """Prefetched pages the cursor went past (cancelled, awaited at the end)."""
        if expected is not None and expected < 0:
            self.report.note(f"/info announced a negative size ({expected}); the pages were followed")

    def _wanted(self) -> int:
        """Items still wanted (max_items), the page size otherwise."""
        if self.p._max_items is None:
            return self.p._page_size
        return min(self.p._page_size, self.p._max_items - self.report.delivered)

    def _plan(self) -> None:
        """Start the page at the cursor and, with an `/info` size, the ones after it."""
        for stale in [o for o in self.in_flight if o < self.cursor]:
            future = self.in_flight.pop(stale)
            future.cancel()
            self.abandoned.append(future)
        expected = self.report.expected or 0
        offset = self.cursor
        while len(self.in_flight) < self.concurrency:
            if offset not in self.in_flight:
                self.in_flight[offset] = asyncio.ensure_future(self.p._fetch_page(offset, self._wanted()))
            offset += self.stride
            if offset >= expected or self._wanted() < self.p._page_size:
                break

    async def run(self) -> AsyncIterator[Page[T]]:
        try:
            while self._wanted() > 0:
                page = await self._next_page()
                self.report.pages += 1
                kept = self._fresh(page)
                if kept is not None:
                    yield kept
                if not self._advance(page):
                    self._verify_total()
                    return
        finally:
            abandoned = [*self.in_flight.values(), *self.abandoned]
            for future in abandoned:
                future.cancel()
            if abandoned:
                await asyncio.gather(*abandoned, return_exceptions=True)

    async def _next_page(self) -> Page[T]:
        """The page at the cursor: fetched right here one page at a time (no task to schedule),
        else from the pages in flight."""
        if self.concurrency == 1:
            return await self.p._fetch_page(self.cursor, self._wanted())
        self._plan()
        return await self.in_flight.pop(self.cursor)

    def _fresh(self, page: Page[T]) -> Page[T] | None:
        """The page without ids already listed, cut to max_items; None when nothing is left."""
        keep = self._unlisted(page)
        if self.p._max_items is not None:
            keep = keep[: self.p._max_items - self.report.delivered]
        self.report.delivered += len(keep)
        if not keep:
            return None
        if len(keep) == len(page.raw):
            return page
        return attrs.evolve(page, items=[page.items[i] for i in keep], raw=[page.raw[i] for i in keep])

    def _unlisted(self, page: Page[T]) -> Sequence[int]:
        """The indices of the page's items whose id was not listed before; records its ids.

        Set operations over the page's ids, read once: a page of ids all new (the common
        case) is kept whole without a look at each id.
        """
        if self.p._id_of is None:
            return range(len(page.raw))
        ids, missing = self._ids(page)
        self.report.unidentified += missing
        known = [i for i in ids if i is not None] if missing else ids
        if known and not missing and self.walked.issuperset(known):
            raise PaginationError(
                f"{self.p._what}: every item of the page at offset {page.offset} was already listed "
                "(the server ignores offset, or its pages loop)",
                operation=self.p._what,
                offset=page.offset,
            )
        keep: Sequence[int] = range(len(ids))
        if not self.walked.isdisjoint(known) or (self.resumed and not self.resumed.isdisjoint(known)):
            walked, resumed = self.walked, self.resumed
            keep = [i for i, item_id in enumerate(ids) if item_id not in walked and item_id not in resumed]
            # (ids known from before this walk, a resume, are not repeats)
            self.report.repeated += sum(1 for item_id in known if item_id in self.walked)
        self.walked.update(known)
        return keep

    def _ids(self, page: Page[T]) -> tuple[list[Hashable | None], int]:
        """The page's ids (None for an item without one) and how many are None.

        One pass over the ids' types decides: a page of integer ids is checked to fit in
        64 bits by its extremes, any other page id by id.
        """
        id_of = self.p._id_of
        assert id_of is not None
        ids = id_of.of_page(page.raw) if isinstance(id_of, IdReader) else [id_of(raw) for raw in page.raw]
        kinds = set(map(type, ids))
        numbers: list[int] = ids  # type: ignore[assignment]  # (when kinds is {int})
        if int in kinds and not (kinds == _INT and min(numbers) in ID_RANGE and max(numbers) in ID_RANGE):
            self._refuse_beyond_64_bits(page, ids)
        return ids, ids.count(None) if _NONE in kinds else 0

    def _refuse_beyond_64_bits(self, page: Page[T], ids: list[Hashable | None]) -> None:
        for index, item_id in enumerate(ids):
            if type(item_id) is int and item_id not in ID_RANGE:
                position = page.offset + index
                raise PaginationError(
                    f"{self.p._what}: the id at offset {position} does not fit in 64 bits ({item_id})",
                    operation=self.p._what,
                    offset=position,
                )

    def _advance(self, page: Page[T]) -> bool:
        """Move the cursor past `page`; False when the list has ended."""
        count = len(page.raw)
        expected = self.report.expected
        if count == 0:
            self._ended_empty(page)
            return False
        self.cursor += count
        if page.next is not None and count < self.p._page_size:
            self.report.short_pages += 1
            self.stride = count  # the server's real page size: plan by it from now on
        if page.next is None:
            # No `next`, yet /info promised more or the page was full: ask the next offset,
            # the server decides (one request, and only when its signals disagree).
            promised = expected is not None and self.report.delivered < expected
            return promised or count >= self.stride
        return True

    def _ended_empty(self, page: Page[T]) -> None:
        if page.not_found:
            self.report.not_found = True
        if page.next is not None:
            self.report.note(f"an empty page at offset {self.cursor} still pointed to a next page")

    def _verify_total(self) -> None:
        expected, delivered = self.report.expected, self.report.delivered
        if expected is not None and delivered != expected:
            self.report.note(f"/info announced {expected} items; the list held {delivered}")


@attrs.frozen
class IdReader:
    """`id_of` for items keyed by `key`: an int or str id, None for an item without one.

    >>> read = id_reader("serviceId")
    >>> read({"serviceId": 7}), read({"name": "x"}), read({"serviceId": 1.5}), read({"serviceId": True})
    (7, None, None, None)
    >>> read.of_page([{"serviceId": 7}, {"serviceId": "B"}, {"serviceId": None}])
    [7, 'B', None]
    """

    key: str

    def __call__(self, raw: dict[str, Any]) -> Hashable | None:
        value = raw.get(self.key) if isinstance(raw, dict) else None
        return value if isinstance(value, int | str) and not isinstance(value, bool) else None

    def of_page(self, raws: Sequence[dict[str, Any]]) -> list[Hashable | None]:
        """`self(raw)` for each item, in one pass when every item has an int or str id."""
        try:
            ids: list[Hashable | None] = list(map(itemgetter(self.key), raws))
        except (KeyError, TypeError):  # an item without the key, or not a JSON object
            return [self(raw) for raw in raws]
        if set(map(type, ids)) <= _ID_TYPES:  # exact types: no bool, no float
            return ids
        return [self(raw) for raw in raws]


def id_reader(key: str) -> IdReader:
    """The `id_of` of a list whose items are keyed by `key` (see `IdReader`)."""
    return IdReader(key)
