"""Row 9 — pooling: two access tokens, each limited by the server to R requests/s.

A client given both tokens (`LiveVox([token 1, token 2], rate=R)`) should sustain the
sum of the limits, 2R:

- 9a: a whole-tenant export (concurrency 16) — achieved rate / 2R, median of rounds;
- 9b: a burst of typed `agents.read` calls all started at once on a fresh client (both
  sessions log in during the burst) — requests / wall time / 2R, median of rounds;
- 9c: adaptive, against a hidden limit L per token and no configured rate (as row 5, two
  tokens): goodput / 2L and the throttled share, median of rounds from a cold start.

Per round the share of each token (requests granted by its limiter) is recorded.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from livevox_async import Credentials, LiveVox

from ._common import PAIRED_ROUNDS, ReadTally, Row, SimProcess, median, read_until
from .export_rate import export_once

RATE = 100.0
SIM_BURST = 2.0
AGENTS = 500
SERVICES = 20
BURST_READS = 400
HIDDEN_LIMIT = 50.0
ADAPTIVE_WORKERS = 32
ADAPTIVE_SECONDS = 8.0


def _pool(sim: SimProcess) -> list[Credentials]:
    return [sim.credentials(token_index=0), sim.credentials(token_index=1)]


def _shares(lv: LiveVox) -> str:
    return ":".join(str(limiter.granted) for limiter in lv.stats().limiters.values())


async def _export_round(sim: SimProcess, out: Path) -> dict[str, Any]:
    await asyncio.sleep(1.0)  # the server's buckets refill between rounds
    async with LiveVox(_pool(sim), base_url=sim.base_url, rate=RATE, burst=SIM_BURST) as lv:
        wall, cpu, manifest = await export_once(lv, out)
        shares = _shares(lv)
    sent = manifest["totals"]["http_requests"]
    return {"of_limit": sent / wall / (2 * RATE), "cpu_us": cpu / sent * 1e6, "sent": sent, "shares": shares}


async def _burst_round(sim: SimProcess, ids: list[int]) -> dict[str, Any]:
    await asyncio.sleep(1.0)
    async with LiveVox(_pool(sim), base_url=sim.base_url, rate=RATE, burst=SIM_BURST) as lv:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        agents = await asyncio.gather(*(lv.agents.read(i) for i in ids))
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        assert [a.id for a in agents] == ids
        stats = lv.stats()
        shares = _shares(lv)
    return {
        "of_limit": stats.requests / wall / (2 * RATE),
        "cpu_us": cpu / stats.requests * 1e6,
        "throttles": stats.throttles,
        "shares": shares,
    }


async def _adaptive_round(sim: SimProcess, ids: list[int]) -> dict[str, Any]:
    await asyncio.sleep(1.0)
    async with LiveVox(_pool(sim), base_url=sim.base_url, rate=None, adaptive=True) as lv:
        tally = ReadTally()
        stop = time.perf_counter() + ADAPTIVE_SECONDS
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await read_until(lv, ids, stop, ADAPTIVE_WORKERS, tally)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        stats = lv.stats()
        shares = _shares(lv)
    return {
        "goodput": tally.ok / wall / (2 * HIDDEN_LIMIT),
        "throttled": stats.throttles / stats.requests,
        "failed": tally.failed,
        "cpu_us": cpu / stats.requests * 1e6,
        "shares": shares,
    }


async def run() -> list[Row]:
    exports: list[dict[str, Any]] = []
    bursts: list[dict[str, Any]] = []
    async with SimProcess(agents=AGENTS, services=SERVICES, rate_limit=RATE, burst=SIM_BURST) as sim:
        ids = list(range(100001, 100001 + BURST_READS))
        with tempfile.TemporaryDirectory(prefix="lvbench-pool-") as tmp:
            for index in range(PAIRED_ROUNDS):
                exports.append(await _export_round(sim, Path(tmp) / f"r{index}"))
                bursts.append(await _burst_round(sim, ids))
    adaptive: list[dict[str, Any]] = []
    async with SimProcess(
        agents=2000, services=20, rate_limit=HIDDEN_LIMIT, burst=SIM_BURST, hidden_limit=True
    ) as sim:
        ids = list(range(100001, 102001))
        for _ in range(PAIRED_ROUNDS):
            adaptive.append(await _adaptive_round(sim, ids))
    return [_export_row(exports), _burst_row(bursts), *_adaptive_rows(adaptive)]


def _details(rounds: list[dict[str, Any]], key: str) -> list[str]:
    return [
        f"rounds {key}: " + ", ".join(f"{r[key]:.3f}" for r in rounds),
        "rounds requests per token: " + ", ".join(r["shares"] for r in rounds),
    ]


def _export_row(rounds: list[dict[str, Any]]) -> Row:
    value = median([r["of_limit"] for r in rounds])
    row = Row(
        "9a. pool: export over 2 tokens, rate / 2R",
        f"{value:.3f}",
        ">= 0.95",
        value >= 0.95,
        f"median of {len(rounds)} rounds; {value * 2 * RATE:.1f} req/s against 2 x R = {2 * RATE:g} "
        f"(per-token server limit {RATE:g}, client rate={RATE:g} burst={SIM_BURST:g}); client CPU "
        f"{median([r['cpu_us'] for r in rounds]):.0f} µs/request",
    )
    row.details += [
        f"simulator: {AGENTS} agents, {SERVICES} services; {median([r['sent'] for r in rounds]):.0f} "
        "requests per export",
        *_details(rounds, "of_limit"),
    ]
    return row


def _burst_row(rounds: list[dict[str, Any]]) -> Row:
    value = median([r["of_limit"] for r in rounds])
    row = Row(
        "9b. pool: a burst of typed reads over 2 tokens, rate / 2R",
        f"{value:.3f}",
        ">= 0.95",
        value >= 0.95,
        f"median of {len(rounds)} rounds; {BURST_READS} agents.read started at once on a fresh client; "
        f"{value * 2 * RATE:.1f} req/s against {2 * RATE:g}; client CPU "
        f"{median([r['cpu_us'] for r in rounds]):.0f} µs/request; throttled per round: "
        + ", ".join(str(r["throttles"]) for r in rounds),
    )
    row.details += _details(rounds, "of_limit")
    return row


def _adaptive_rows(rounds: list[dict[str, Any]]) -> list[Row]:
    goodput = median([r["goodput"] for r in rounds])
    throttled = median([r["throttled"] for r in rounds])
    rows = [
        Row(
            "9c. pool, adaptive: goodput / 2 x hidden limit",
            f"{goodput:.3f}",
            ">= 0.9",
            goodput >= 0.9,
            f"median of {len(rounds)} rounds of {ADAPTIVE_SECONDS:g} s from a cold start; "
            f"{goodput * 2 * HIDDEN_LIMIT:.1f} reads/s against 2 x {HIDDEN_LIMIT:g}; LiveVox(rate=None), "
            f"{ADAPTIVE_WORKERS} workers; client CPU {median([r['cpu_us'] for r in rounds]):.0f} µs/request",
        ),
        Row(
            "9d. pool, adaptive: throttled share",
            f"{throttled * 100:.1f} %",
            "<= 5 %",
            throttled <= 0.05,
            f"median of {len(rounds)} rounds; calls failed after their retries per round: "
            + ", ".join(str(r["failed"]) for r in rounds),
        ),
    ]
    rows[0].details += [
        *_details(rounds, "goodput"),
        "rounds throttled: " + ", ".join(f"{r['throttled'] * 100:.1f} %" for r in rounds),
    ]
    return rows
