"""Row 1 — SDK overhead: typed calls through every SDK layer vs bare aiohttp + orjson.

Both sides use one keep-alive connection pool of the same size, the same number of
concurrent workers and the same URLs; the baseline logs in with plain aiohttp and
sends its own `LV-Session`. The SDK runs with its limiter on but not binding
(rate=1e6), retries and the in-flight cap on, and decodes into attrs models.

Each row's ratio is the median over `PAIRED_ROUNDS` rounds of the SDK's rate divided by
the baseline's in the same round (the order alternates); client CPU µs a request beside.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson

from livevox_async import OPERATIONS, LiveVox
from livevox_async.models import ListInfo

from ._common import (
    PAIRED_ROUNDS,
    Row,
    SimProcess,
    bare_login,
    bare_logout,
    interleaved,
    median,
    paired_rate_ratios,
)

TARGETS = {"read": 0.85, "page": 0.75}
WORKERS = 16
POOL = 32
READS = 3000
PAGES = 600
PAGE_SIZE = 100
ROUNDS = PAIRED_ROUNDS


async def _workers(count: int, job: Callable[[int], Awaitable[Any]]) -> int:
    jobs = iter(range(count))

    async def worker() -> None:
        for i in jobs:
            await job(i)

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return count


async def run() -> list[Row]:
    async with SimProcess(agents=5000, services=20) as sim:
        creds = sim.credentials()
        connector = aiohttp.TCPConnector(limit=POOL, limit_per_host=POOL)
        async with (
            LiveVox(creds, base_url=sim.base_url, rate=1e6, burst=3, max_concurrency=POOL) as lv,
            aiohttp.ClientSession(connector=connector) as http,
        ):
            sid = await bare_login(http, sim.base_url, creds)
            headers = {"LV-Session": sid, "Accept": "application/json"}
            listing = await lv.agents.list(max_items=READS).collect()
            ids = [a.id for a in listing]
            total = (await lv.runtime.fetch(OPERATIONS["agents.info"], ListInfo)).size
            offsets = [(i * 37 * PAGE_SIZE) % (total - PAGE_SIZE) for i in range(PAGES)]

            async def sdk_read(i: int) -> None:
                agent = await lv.agents.read(ids[i % len(ids)])
                assert agent.id == ids[i % len(ids)]

            async def bare_read(i: int) -> None:
                url = f"{sim.base_url}/configuration/agents/{ids[i % len(ids)]}"
                async with http.get(url, headers=headers) as resp:
                    body = await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"baseline read answered {resp.status}")
                data = orjson.loads(body)
                assert data["id"] == ids[i % len(ids)]

            async def sdk_page(i: int) -> None:
                paginator = lv.agents.list(page_size=PAGE_SIZE, max_items=PAGE_SIZE)
                pages = [page async for page in paginator.pages(start=offsets[i])]
                assert len(pages) == 1
                assert len(pages[0].items) == PAGE_SIZE

            async def bare_page(i: int) -> None:
                url = f"{sim.base_url}/configuration/agents"
                params = {"count": str(PAGE_SIZE), "offset": str(offsets[i])}
                async with http.get(url, headers=headers, params=params) as resp:
                    body = await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"baseline page answered {resp.status}")
                assert len(orjson.loads(body)["agent"]) == PAGE_SIZE

            # Warm both pools and code paths before measuring.
            await _workers(200, sdk_read)
            await _workers(200, bare_read)
            await _workers(50, sdk_page)
            await _workers(50, bare_page)
            reads = await interleaved(
                [
                    ("sdk", lambda: _workers(READS, sdk_read)),
                    ("aiohttp", lambda: _workers(READS, bare_read)),
                ],
                ROUNDS,
            )
            page_results = await interleaved(
                [
                    ("sdk", lambda: _workers(PAGES, sdk_page)),
                    ("aiohttp", lambda: _workers(PAGES, bare_page)),
                ],
                ROUNDS,
            )
            stats = lv.stats()
            await bare_logout(http, sim.base_url, sid)
    rows = [
        _row("1a. overhead: typed agents.read", reads, f"{READS} reads x {ROUNDS} rounds", TARGETS["read"]),
        _row(
            f"1b. overhead: {PAGE_SIZE}-item agents.list page",
            page_results,
            f"{PAGES} pages x {ROUNDS} rounds",
            TARGETS["page"],
        ),
    ]
    rows[0].details.append(
        f"SDK counters over the whole row: {stats.requests} requests, {stats.retries} retries, "
        f"{stats.throttles} throttles"
    )
    return rows


def _row(name: str, results: dict[str, list[Any]], shape: str, target: float) -> Row:
    sdk, bare = results["sdk"], results["aiohttp"]
    ratios = paired_rate_ratios(sdk, bare)
    ratio = median(ratios)
    sdk_rate = median([t.rate for t in sdk])
    bare_rate = median([t.rate for t in bare])
    sdk_cpu = median([t.cpu_us for t in sdk])
    bare_cpu = median([t.cpu_us for t in bare])
    notes = (
        f"median of {len(ratios)} paired rounds; SDK {sdk_rate:,.0f} req/s vs aiohttp+orjson "
        f"{bare_rate:,.0f} req/s; client CPU/request {sdk_cpu:.0f} µs vs {bare_cpu:.0f} µs "
        f"(+{sdk_cpu - bare_cpu:.0f} µs, {sdk_cpu / bare_cpu:.2f}x)"
    )
    row = Row(name, f"{ratio:.2f}x", f">= {target}x", ratio >= target, notes)
    row.details += [
        f"{shape}, {WORKERS} concurrent workers, pool of {POOL} connections",
        "rounds req/s SDK: " + ", ".join(f"{t.rate:,.0f}" for t in sdk),
        "rounds req/s aiohttp: " + ", ".join(f"{t.rate:,.0f}" for t in bare),
        "rounds CPU µs/req SDK: " + ", ".join(f"{t.cpu_us:.0f}" for t in sdk),
        "rounds CPU µs/req aiohttp: " + ", ".join(f"{t.cpu_us:.0f}" for t in bare),
        "paired ratio per round: " + ", ".join(f"{r:.2f}" for r in ratios),
    ]
    return row
