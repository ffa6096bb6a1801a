"""Row 3 — export vs limit: the simulator allows R requests/s; how close does an export get?

A whole-tenant `export_configuration` (every family, concurrency 16) against a
simulator limiting the access token to R req/s with a bucket of `SIM_BURST`:

- 3a-3c: the client is told exactly what the server allows, `LiveVox(rate=R,
  burst=SIM_BURST)`. Measured: achieved rate = HTTP requests / wall time (login
  included), requests made vs the minimum (`1 + ceil(n/1000) + n x reads-per-item`
  per family, from the manifest's counts; `ceil(n/1000)` pages, at least one, for a
  family without `/info`; +1 login) — retries after a throttle are counted apart —
  and wall time vs requests / R.
- 3d: the strictest setting, `burst=1` (no request ever closer than 1/R to the last).
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from livevox_async import LiveVox
from livevox_async.tenant import export_configuration
from livevox_async.tenant._export_plan import export_plan

from ._common import Row, SimProcess

RATE = 200.0
SIM_BURST = 2.0
AGENTS = 1000
SERVICES = 30
CONCURRENCY = 16


def minimum_requests(manifest: dict[str, Any]) -> int:
    """The fewest requests that export what the manifest counts: login + lists + reads."""
    total = 1  # the login
    for plan in export_plan():
        entry = manifest["families"].get(plan.name)
        if entry is None:
            continue
        n = entry["count"]
        if plan.list_op is None:
            total += len(plan.details)
            continue
        pages = math.ceil(n / 1000)
        total += (1 + pages) if plan.info_op is not None else max(1, pages)
        total += n * len(plan.details)
    return total


async def export_once(
    lv: LiveVox, out: Path, families: list[str] | None = None
) -> tuple[float, float, dict[str, Any]]:
    """Export into `out`; (wall seconds, client CPU seconds, manifest)."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = await export_configuration(lv, out, families, concurrency=CONCURRENCY)
    manifest: dict[str, Any] = orjson.loads(result.manifest.to_json())  # the manifest as written
    return time.perf_counter() - wall0, time.process_time() - cpu0, manifest


async def run() -> list[Row]:
    runs: dict[float, tuple[float, float, dict[str, Any]]] = {}
    async with SimProcess(agents=AGENTS, services=SERVICES, rate_limit=RATE, burst=SIM_BURST) as sim:
        with tempfile.TemporaryDirectory(prefix="lvbench-export-") as tmp:
            for burst in (SIM_BURST, 1.0):
                await asyncio.sleep(1.0)  # the server's bucket refills between runs
                async with LiveVox(sim.credentials(), base_url=sim.base_url, rate=RATE, burst=burst) as lv:
                    runs[burst] = await export_once(lv, Path(tmp) / f"export-{burst:g}")
    wall, cpu, manifest = runs[SIM_BURST]
    totals = manifest["totals"]
    sent = totals["http_requests"]
    planned = totals["requests"] + 1  # what the export asked for, plus the login (no retries)
    minimum = minimum_requests(manifest)
    achieved = sent / wall
    ideal = sent / RATE
    wall1, _, manifest1 = runs[1.0]
    sent1 = manifest1["totals"]["http_requests"]
    achieved1 = sent1 / wall1
    rows = [
        Row(
            "3a. export vs limit: achieved rate / R",
            f"{achieved / RATE:.3f}",
            ">= 0.95",
            achieved / RATE >= 0.95,
            f"{achieved:.1f} req/s against R = {RATE:g} req/s (client burst {SIM_BURST:g}); "
            f"{totals['throttles']} throttled, {totals['retries']} retries",
        ),
        Row(
            "3b. export vs limit: requests made / minimum",
            f"{planned} / {minimum}",
            "equal",
            planned == minimum,
            f"{totals['objects']} objects in {len(manifest['families'])} families; HTTP requests sent "
            f"{sent} = {planned} + {sent - planned} retried after a throttle",
        ),
        Row(
            "3c. export vs limit: wall time / (requests / R)",
            f"{wall / ideal:.3f}x",
            "<= 1.1x",
            wall / ideal <= 1.1,
            f"{wall:.1f} s for {sent} requests (ideal {ideal:.1f} s)",
        ),
        Row(
            "3d. export vs limit, client burst=1: rate / R",
            f"{achieved1 / RATE:.3f}",
            ">= 0.95",
            achieved1 / RATE >= 0.95,
            f"{achieved1:.1f} req/s; {manifest1['totals']['throttles']} throttled, "
            f"{sent1 - minimum_requests(manifest1):+d} requests over the minimum",
        ),
    ]
    rows[0].details += [
        f"simulator: {AGENTS} agents, {SERVICES} services, --rate-limit {RATE:g} --burst {SIM_BURST:g}; "
        f"export concurrency {CONCURRENCY}",
        "per family (count/requests): "
        + ", ".join(f"{k} {v['count']}/{v['requests']}" for k, v in manifest["families"].items()),
        f"client burst {SIM_BURST:g}: {wall:.2f} s, client CPU {cpu / sent * 1e6:.0f} µs/request "
        f"(paced at R, mostly kernel wake-ups), totals {totals}",
        f"client burst 1: {wall1:.2f} s, totals {manifest1['totals']}",
    ]
    return rows
