"""Row 4 — concurrency: a 100 000-item list at 50 ms latency, by offset vs following `next`.

Both sides go through the SDK and decode every item (`AgentSummary`), 1000 per page:
`lv.agents.list().pages()` follows `next` one page after another;
`.concurrent_pages(concurrency=16)` asks `/info` for the total and fetches pages by
offset, 16 in flight, yielding them in order.
"""

from __future__ import annotations

from livevox_async import LiveVox

from ._common import Row, SimProcess, interleaved, median

TARGET = 5.0
ITEMS = 100_000
LATENCY = 0.05
CONCURRENCY = 16
ROUNDS = 3


async def run() -> list[Row]:
    async with (
        SimProcess(agents=ITEMS, services=20, latency=LATENCY) as sim,
        LiveVox(sim.credentials(), base_url=sim.base_url, max_concurrency=32) as lv,
    ):
        await lv.client_id()  # log in before timing

        async def sequential() -> int:
            items = requests = 0
            async for page in lv.agents.list().pages():
                items += len(page.items)
                requests += 1
            assert items == ITEMS, items
            return requests

        async def concurrent() -> int:
            items = requests = 0
            async for page in lv.agents.list().concurrent_pages(concurrency=CONCURRENCY):
                items += len(page.items)
                requests += 1
            assert items == ITEMS, items
            return requests + 1  # the /info call

        results = await interleaved([("next", sequential), ("offset", concurrent)], ROUNDS)
    seq = median([t.wall for t in results["next"]])
    conc = median([t.wall for t in results["offset"]])
    ratio = seq / conc
    row = Row(
        "4. concurrency: 100k-item list, offset pages vs next",
        f"{ratio:.1f}x",
        f">= {TARGET:g}x",
        ratio >= TARGET,
        f"following next {seq:.2f} s, {CONCURRENCY} offset pages in flight {conc:.2f} s "
        f"(latency {LATENCY * 1000:.0f} ms, 100 pages of 1000)",
    )
    row.details += [
        "rounds s next: " + ", ".join(f"{t.wall:.2f}" for t in results["next"]),
        "rounds s offset: " + ", ".join(f"{t.wall:.2f}" for t in results["offset"]),
        "client CPU per page, next: "
        + f"{median([t.cpu_us for t in results['next']]) / 1000:.1f} ms; offset: "
        + f"{median([t.cpu_us for t in results['offset']]) / 1000:.1f} ms",
    ]
    return [row]
