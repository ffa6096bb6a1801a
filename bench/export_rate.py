"""Row 3 — export vs limit: the simulator allows R requests/s; how close does an export get?

A whole-tenant `export_configuration` (every family, concurrency 16) against a
simulator limiting the access token to R req/s with a bucket of `SIM_BURST`, in
`PAIRED_ROUNDS` rounds (the rows give medians):

- 3a-3c: the client is told exactly what the server allows, `LiveVox(rate=R,
  burst=SIM_BURST)`. Measured: achieved rate = HTTP requests / wall time (login
  included), requests made vs the minimum (`2 + max(1, ceil(n/1000)) + n x
  reads-per-item` per family, from the manifest's counts: `/info` before and after the
  pages, see `minimum_requests`; no `/info` term for a family without one; +1 login) —
  retries after a throttle are counted apart —
  and wall time vs requests / R.
- 3d-3f: the strictest setting, client `burst=1` (no request closer than 1/R - 1 ms to the
  last), at R = 200 and, on a smaller tenant, R = 50. Its baseline, in the same round, is a
  bare asyncio pacer (`bench._pacer`, no HTTP) at the same R and burst: a bucket of one
  token loses the time a late timer wakes up, unless (as the SDK's does, up to 1 ms) it
  dates the grant when its token fell due.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs
import orjson

from livevox_async import LiveVox
from livevox_async.tenant import export_configuration
from livevox_async.tenant._export_plan import export_plan

from ._common import PAIRED_ROUNDS, Row, SimProcess, median
from ._pacer import paced_rate

RATE = 200.0
SLOW_RATE = 50.0
SIM_BURST = 2.0
AGENTS = 500
SERVICES = 20
SLOW_AGENTS, SLOW_SERVICES = 60, 5
CONCURRENCY = 16
PACER_SECONDS = 2.0


@attrs.frozen
class ExportRun:
    wall: float
    cpu: float
    manifest: dict[str, Any]

    @property
    def sent(self) -> int:
        sent: int = self.manifest["totals"]["http_requests"]
        return sent

    def rate(self) -> float:
        return self.sent / self.wall


def minimum_requests(manifest: dict[str, Any]) -> int:
    """The fewest requests that export what the manifest counts: login + lists + reads.

    A family with `/info` costs two of them, before and after its pages: offsets are record
    indexes (livevox-api.md §3.1), so a deletion while a family is listed shifts records into
    pages already read; `lastModified` (§3.3) moving between the two says so, and the family
    is listed again instead of exported short (design §10; tests/export/test_export.py pins
    the same count). At least one page is asked even when `/info` says 0: a count the server
    sends is not believed on its own.
    """
    total = 1  # the login
    for plan in export_plan():
        entry = manifest["families"].get(plan.name)
        if entry is None:
            continue
        n = entry["count"]
        if plan.list_op is None:
            total += len(plan.details)
            continue
        pages = max(1, math.ceil(n / 1000))
        total += (2 + pages) if plan.info_op is not None else pages
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


async def _export(sim: SimProcess, rate: float, burst: float, out: Path) -> ExportRun:
    await asyncio.sleep(1.0)  # the server's bucket refills between runs
    async with LiveVox(sim.credentials(), base_url=sim.base_url, rate=rate, burst=burst) as lv:
        return ExportRun(*await export_once(lv, out))


async def _rounds(sim: SimProcess, rate: float, bursts: tuple[float, ...]) -> dict[str, list[Any]]:
    """Per round: an export per client burst, and the bare pacer at burst 1 (order alternating)."""
    runs: dict[str, list[Any]] = {f"burst {b:g}": [] for b in bursts} | {"pacer": []}
    steps: list[float | None] = [*bursts, None]  # None: the pacer
    with tempfile.TemporaryDirectory(prefix="lvbench-export-") as tmp:
        for index in range(PAIRED_ROUNDS):
            for step in steps if index % 2 == 0 else reversed(steps):
                if step is None:
                    runs["pacer"].append(await paced_rate(rate=rate, burst=1, seconds=PACER_SECONDS))
                else:
                    out = Path(tmp) / f"r{index}-b{step:g}"
                    runs[f"burst {step:g}"].append(await _export(sim, rate, step, out))
    return runs


async def run() -> list[Row]:
    async with SimProcess(agents=AGENTS, services=SERVICES, rate_limit=RATE, burst=SIM_BURST) as sim:
        fast = await _rounds(sim, RATE, (SIM_BURST, 1.0))
    async with SimProcess(
        agents=SLOW_AGENTS, services=SLOW_SERVICES, call_centers=1, rate_limit=SLOW_RATE, burst=SIM_BURST
    ) as sim:
        slow = await _rounds(sim, SLOW_RATE, (1.0,))
    limit_rows = _limit_rows(fast[f"burst {SIM_BURST:g}"])
    return [*limit_rows, *_pacing_rows(fast, RATE), *_pacing_rows(slow, SLOW_RATE)]


def _limit_rows(runs: list[ExportRun]) -> list[Row]:
    first = runs[0].manifest
    totals = first["totals"]
    planned = totals["requests"] + 1  # what the export asked for, plus the login (no retries)
    minimum = minimum_requests(first)
    achieved = [r.rate() / RATE for r in runs]
    stretch = [r.wall / (r.sent / RATE) for r in runs]
    cpu_us = median([r.cpu / r.sent * 1e6 for r in runs])
    rows = [
        Row(
            "3a. export vs limit: achieved rate / R",
            f"{median(achieved):.3f}",
            ">= 0.95",
            median(achieved) >= 0.95,
            f"median of {len(runs)} rounds: {median(achieved) * RATE:.1f} req/s against R = {RATE:g} req/s "
            f"(client burst {SIM_BURST:g}); client CPU {cpu_us:.0f} µs/request; throttled per round: "
            + ", ".join(str(r.manifest["totals"]["throttles"]) for r in runs),
        ),
        Row(
            "3b. export vs limit: requests made / minimum",
            f"{planned} / {minimum}",
            "equal",
            planned == minimum,
            f"{totals['objects']} objects in {len(first['families'])} families; HTTP requests sent "
            f"{totals['http_requests']} = {planned} + {totals['http_requests'] - planned} retried "
            "after a throttle (first round)",
        ),
        Row(
            "3c. export vs limit: wall time / (requests / R)",
            f"{median(stretch):.3f}x",
            "<= 1.1x",
            median(stretch) <= 1.1,
            f"median of {len(runs)} rounds; {median([r.wall for r in runs]):.1f} s for "
            f"{median([r.sent for r in runs]):.0f} requests",
        ),
    ]
    rows[0].details += [
        f"simulator: {AGENTS} agents, {SERVICES} services, --rate-limit {RATE:g} --burst {SIM_BURST:g}; "
        f"export concurrency {CONCURRENCY}",
        "per family (count/requests): "
        + ", ".join(f"{k} {v['count']}/{v['requests']}" for k, v in first["families"].items()),
        "rounds rate / R: " + ", ".join(f"{a:.3f}" for a in achieved),
        f"first round totals {totals}",
    ]
    return rows


def _pacing_rows(runs: dict[str, list[Any]], rate: float) -> list[Row]:
    sdk: list[ExportRun] = runs["burst 1"]
    pacer: list[tuple[float, float]] = runs["pacer"]
    ratios = [s.rate() / p[0] for s, p in zip(sdk, pacer, strict=True)]
    of_rate = median([s.rate() / rate for s in sdk])
    pacer_of_rate = median([p[0] / rate for p in pacer])
    cpu_us = median([s.cpu / s.sent * 1e6 for s in sdk])
    letter = "d" if rate == RATE else "e"
    rows = [
        Row(
            f"3{letter}. export at R = {rate:g}, client burst 1: rate / bare pacer",
            f"{median(ratios):.3f}",
            ">= 0.95",
            median(ratios) >= 0.95,
            f"median of {len(ratios)} paired rounds; SDK {of_rate:.3f} R, bare asyncio pacer "
            f"{pacer_of_rate:.3f} R (same R and burst, no HTTP); client CPU {cpu_us:.0f} µs/request; "
            "throttled per round: " + ", ".join(str(s.manifest["totals"]["throttles"]) for s in sdk),
        )
    ]
    rows[0].details += [
        "rounds SDK rate / R: " + ", ".join(f"{s.rate() / rate:.3f}" for s in sdk),
        "rounds pacer rate / R: " + ", ".join(f"{p[0] / rate:.3f}" for p in pacer),
        "paired ratio per round: " + ", ".join(f"{r:.3f}" for r in ratios),
        f"requests per export: {median([s.sent for s in sdk]):.0f}",
    ]
    if rate != RATE:
        rows.append(
            Row(
                f"3f. export at R = {rate:g}, client burst 1: rate / R",
                f"{of_rate:.3f}",
                ">= 0.95",
                of_rate >= 0.95,
                f"median of {len(sdk)} rounds; {of_rate * rate:.1f} req/s against R = {rate:g} "
                f"({SLOW_AGENTS} agents, {SLOW_SERVICES} services)",
            )
        )
    return rows
