"""Row 8 — apply vs limit: a plan of a few thousand writes against a tenant allowing R requests/s.

The source tenant (seed 1, `SOURCE_AGENTS` agents, no limit) is exported; the target
(seed 2, a handful of agents) limits its access token to R req/s. The plan creates
every source agent and links it to its services and skills (`families=["agents"]`),
a few thousand actions in two steps; `apply_plan` runs them through a client told R.
Measured: HTTP requests sent while writing / time spent writing (the backup export and
the convergence re-plan excluded; `ApplyResult.requests` / `.seconds`), against R (8a).

What apply itself costs, apart from the limiter and the machine (8b): the same plan
applied to a fresh target through a client whose limiter does not adapt
(`adaptive=False`: a throttle delays its request, never cuts the rate), against plain
reads through such a client in the same run (`BASELINE_READS` agent reads from
`CONCURRENCY` workers). 8c (information) is those reads through the default, adaptive
client, against R: what the limiter reaches on this machine without apply.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from pathlib import Path

from livevox_async import ClientStats, LiveVox
from livevox_async.tenant import ApplyResult, Plan, apply_plan, export_configuration, plan_changes

from ._common import Row, SimProcess

RATE = 200.0
SIM_BURST = 2.0
SOURCE_AGENTS = 800
TARGET_AGENTS = 10
SERVICES = 20
CONCURRENCY = 16
BASELINE_READS = 3200


async def _export_source(out: Path) -> None:
    source = SimProcess(agents=SOURCE_AGENTS, services=SERVICES, seed=1)
    async with source, LiveVox(source.credentials(), base_url=source.base_url) as lv:
        await export_configuration(lv, out, concurrency=CONCURRENCY)


def _target() -> SimProcess:
    return SimProcess(agents=TARGET_AGENTS, services=SERVICES, seed=2, rate_limit=RATE, burst=SIM_BURST)


def _client(target: SimProcess, *, adaptive: bool = True) -> LiveVox:
    return LiveVox(
        target.credentials(), base_url=target.base_url, rate=RATE, burst=SIM_BURST, adaptive=adaptive
    )


async def _read_rate(target: SimProcess, *, adaptive: bool) -> tuple[float, ClientStats]:
    """Requests/s of `BASELINE_READS` agent reads through a fresh client told R."""
    await asyncio.sleep(1.0)  # the server's bucket refills
    async with _client(target, adaptive=adaptive) as lv:
        ids = [agent.id async for agent in lv.agents.list()]
        jobs = itertools.count()
        before, started = lv.stats().requests, time.perf_counter()

        async def worker() -> None:
            while (job := next(jobs)) < BASELINE_READS:
                await lv.agents.read(ids[job % len(ids)])

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return (lv.stats().requests - before) / (time.perf_counter() - started), lv.stats()


async def _plan_and_apply(
    work: Path, target: SimProcess, *, adaptive: bool = True
) -> tuple[Plan, ApplyResult, ClientStats]:
    await asyncio.sleep(1.0)
    async with _client(target, adaptive=adaptive) as lv:
        plan = await plan_changes(lv, work / "source", families=["agents"], concurrency=CONCURRENCY)
        result = await apply_plan(
            lv,
            plan,
            state_dir=work / f"state-{adaptive}",
            passwords=work / "passwords.jsonl",
            allow_inferred=True,
            concurrency=CONCURRENCY,
        )
        return plan, result, lv.stats()


def _limiter(stats: ClientStats) -> str:
    limiter = stats.limiters["token 1"]
    return f"{limiter.throttles} throttled, {limiter.cuts} rate cuts"


async def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="lvbench-apply-") as tmp:
        await _export_source(Path(tmp) / "source")
        async with _target() as target:
            adaptive_reads, adaptive_stats = await _read_rate(target, adaptive=True)
            reads, read_stats = await _read_rate(target, adaptive=False)
            plan, result, stats = await _plan_and_apply(Path(tmp), target)
        async with _target() as target:
            _, fixed, fixed_stats = await _plan_and_apply(Path(tmp), target, adaptive=False)
    fixed_rate = fixed.requests / fixed.seconds
    achieved = result.requests / result.seconds
    counts = plan.counts()
    rows = [
        Row(
            "8a. apply vs limit: write rate / R",
            f"{achieved / RATE:.3f}",
            ">= 0.9",
            achieved / RATE >= 0.9,
            f"{len(plan.actions)} actions ({counts['create']} creates, {counts['add']} member adds) in "
            f"{result.seconds:.1f} s: {result.requests} requests, {achieved:.1f} req/s against R = "
            f"{RATE:g}; {_limiter(stats)}; converged: {result.converged}",
        ),
        Row(
            "8b. apply vs reads, limiter not adaptive: write rate / read rate",
            f"{fixed_rate / reads:.3f}",
            ">= 0.95",
            fixed_rate / reads >= 0.95,
            f"apply {fixed_rate:.1f} req/s ({fixed_rate / RATE:.3f} R; {_limiter(fixed_stats)}), "
            f"reads {reads:.1f} req/s ({_limiter(read_stats)}): what apply adds to the client's pace",
        ),
        Row(
            "8c. reads vs limit, adaptive limiter: read rate / R",
            f"{adaptive_reads / RATE:.3f}",
            "report",
            None,
            f"{adaptive_reads:.1f} req/s; {_limiter(adaptive_stats)}: the client of 8a, reading",
        ),
    ]
    rows[0].details += [
        f"source: {SOURCE_AGENTS} agents, {SERVICES} services (seed 1); target: {TARGET_AGENTS} agents, "
        f"--rate-limit {RATE:g} --burst {SIM_BURST:g} (seed 2); client rate {RATE:g}, burst "
        f"{SIM_BURST:g}; apply concurrency {CONCURRENCY}",
        f"outcomes: {result.counts()}; client totals: {stats.requests} requests, {stats.retries} retries",
        f"reads: {BASELINE_READS} agents.read from {CONCURRENCY} workers through a fresh client, "
        "on the target of 8a, just before its plan; 8b's apply runs on a fresh target of its own",
    ]
    return rows
