"""Row 8 — apply vs limit: a plan of a few thousand writes against a tenant allowing R requests/s.

The source tenant (seed 1, `SOURCE_AGENTS` agents, no limit) is exported; the target
(seed 2, a handful of agents) limits its access token to R req/s. The plan creates
every source agent and links it to its services and skills (`families=["agents"]`),
a few thousand actions in two steps; `apply_plan` runs them through a client told R.
Measured: HTTP requests sent while writing / time spent writing (the backup export and
the convergence re-plan excluded; `ApplyResult.requests` / `.seconds`), against R.
"""

from __future__ import annotations

import tempfile
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


async def _export_source(out: Path) -> None:
    source = SimProcess(agents=SOURCE_AGENTS, services=SERVICES, seed=1)
    async with source, LiveVox(source.credentials(), base_url=source.base_url) as lv:
        await export_configuration(lv, out, concurrency=CONCURRENCY)


async def _plan_and_apply(work: Path) -> tuple[Plan, ApplyResult, ClientStats]:
    target = SimProcess(agents=TARGET_AGENTS, services=SERVICES, seed=2, rate_limit=RATE, burst=SIM_BURST)
    async with (
        target,
        LiveVox(target.credentials(), base_url=target.base_url, rate=RATE, burst=SIM_BURST) as lv,
    ):
        plan = await plan_changes(lv, work / "source", families=["agents"], concurrency=CONCURRENCY)
        result = await apply_plan(
            lv,
            plan,
            state_dir=work / "state",
            passwords=work / "passwords.jsonl",
            allow_inferred=True,
            concurrency=CONCURRENCY,
        )
        return plan, result, lv.stats()


async def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="lvbench-apply-") as tmp:
        await _export_source(Path(tmp) / "source")
        plan, result, stats = await _plan_and_apply(Path(tmp))
    achieved = result.requests / result.seconds
    counts = plan.counts()
    row = Row(
        "8. apply vs limit: write rate / R",
        f"{achieved / RATE:.3f}",
        ">= 0.9",
        achieved / RATE >= 0.9,
        f"{len(plan.actions)} actions ({counts['create']} creates, {counts['add']} member adds) in "
        f"{result.seconds:.1f} s: {result.requests} requests, {achieved:.1f} req/s against R = {RATE:g}; "
        f"{stats.throttles} throttled; converged: {result.converged}",
    )
    row.details += [
        f"source: {SOURCE_AGENTS} agents, {SERVICES} services (seed 1); target: {TARGET_AGENTS} agents, "
        f"--rate-limit {RATE:g} --burst {SIM_BURST:g} (seed 2); apply concurrency {CONCURRENCY}",
        f"outcomes: {result.counts()}; client totals: {stats.requests} requests, {stats.retries} retries",
    ]
    return [row]
