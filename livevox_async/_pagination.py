"""`Paginator`: every item of a LiveVox list, fetched lazily page by page.

LiveVox lists answer `{"<listKey>": [...], "next": "<uri>"}` pages selected by `count`
(at most 1000) and `offset`; `next` is absent on the last page.

    async for agent in lv.agents.list():                 # every item, one page at a time
        ...
    async for page in lv.agents.list(page_size=500).pages():
        print(page.offset, len(page.items))
    first_ten = await lv.agents.list(max_items=10).collect()
    async for page in lv.agents.list().concurrent_pages(concurrency=8):
        ...                                              # pages by offset, in order, using /info

Following `next` costs one round trip per page; `concurrent_pages()` asks `/info` for the
total and fetches the pages by offset several at a time (yielding them in order), then
follows `next` from the last page in case the list grew meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import attrs

from ._exceptions import ConfigurationError, ProtocolError

T = TypeVar("T")

MAX_PAGE_SIZE = 1000


@attrs.frozen(slots=True)
class Page(Generic[T]):
    """One page of a list: its items (decoded), the same items as wire JSON, and `next`."""

    offset: int
    items: Sequence[T]
    raw: Sequence[dict[str, Any]] = attrs.field(repr=False)
    next: str | None


FetchPage = Callable[[int, int], Awaitable[Page[T]]]
"""fetch(offset, count) -> Page"""
FetchTotal = Callable[[], Awaitable[int]]


def next_offset(next_uri: str | None) -> int | None:
    """The offset a `next` URI points at; None when there are no more pages."""
    if next_uri is None or not next_uri.strip():
        return None
    values = parse_qs(urlsplit(next_uri).query).get("offset")
    if not values or not values[0].isdigit():
        raise ProtocolError(f"LiveVox's next page link has no usable offset: {urlsplit(next_uri).path!r}")
    return int(values[0])


class Paginator(Generic[T]):
    """Lazy iterator over a list operation's items; see the module docstring."""

    def __init__(
        self,
        fetch_page: FetchPage[T],
        *,
        fetch_total: FetchTotal | None,
        page_size: int = MAX_PAGE_SIZE,
        max_items: int | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        if max_items is not None and max_items < 0:
            raise ConfigurationError(f"max_items must be >= 0, got {max_items}")
        self._fetch_page = fetch_page
        self._fetch_total = fetch_total
        self._page_size = page_size
        self._max_items = max_items

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def collect(self) -> list[T]:
        """Every item in a list (mind the memory on a large tenant)."""
        return [item async for item in self]

    def _count_for(self, yielded: int) -> int:
        if self._max_items is None:
            return self._page_size
        return min(self._page_size, self._max_items - yielded)

    def _trim(self, page: Page[T], yielded: int) -> Page[T]:
        if self._max_items is None or yielded + len(page.items) <= self._max_items:
            return page
        keep = self._max_items - yielded
        return attrs.evolve(page, items=page.items[:keep], raw=page.raw[:keep])

    async def pages(self, *, start: int = 0) -> AsyncIterator[Page[T]]:
        """Pages one after another, following `next` from offset `start`."""
        async for page in self._follow(start, yielded=0):
            yield page

    async def _follow(self, offset: int, *, yielded: int) -> AsyncIterator[Page[T]]:
        seen = {offset}
        while self._count_for(yielded) > 0:
            page = self._trim(await self._fetch_page(offset, self._count_for(yielded)), yielded)
            yielded += len(page.items)
            yield page
            following = next_offset(page.next)
            if following is None:
                return
            if following in seen or following <= offset:
                raise ProtocolError(f"LiveVox's next page link repeats offset {following}; stopping")
            seen.add(following)
            offset = following

    async def concurrent_pages(self, *, concurrency: int = 8) -> AsyncIterator[Page[T]]:
        """Pages fetched by offset, `concurrency` at a time, yielded in order.

        Needs the family's `/info` (total size); without one it follows `next`.
        """
        if concurrency < 1:
            raise ConfigurationError(f"concurrency must be >= 1, got {concurrency}")
        if self._fetch_total is None:
            async for page in self.pages():
                yield page
            return
        total = await self._fetch_total()
        if self._max_items is not None:
            total = min(total, self._max_items)
        offsets = list(range(0, total, self._page_size))
        pending: dict[int, asyncio.Task[Page[T]]] = {}
        yielded = 0
        last: Page[T] | None = None
        try:
            for index, offset in enumerate(offsets):
                for ahead in offsets[index : index + concurrency]:
                    if ahead not in pending:
                        count = min(self._page_size, total - ahead)
                        pending[ahead] = asyncio.ensure_future(self._fetch_page(ahead, count))
                last = self._trim(await pending.pop(offset), yielded)
                yielded += len(last.items)
                yield last
        finally:
            for task in pending.values():
                task.cancel()
            if pending:
                await asyncio.gather(*pending.values(), return_exceptions=True)
        # The list may have grown since /info: carry on from where the last page points.
        following = next_offset(last.next) if last is not None else None
        if following is not None and (self._max_items is None or yielded < self._max_items):
            async for page in self._follow(following, yielded=yielded):
                yield page
