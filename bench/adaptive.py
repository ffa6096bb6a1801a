"""Row 5 — adaptive: a hidden server limit and no configured rate.

The simulator refuses (429, no `Retry-After`) beyond L requests/s per access token
(bucket of `SIM_BURST`, as in row 3); the client is `LiveVox(rate=None,
adaptive=True)` with 32 workers reading agents as fast as it lets them, for a fixed
time from a cold start. Goodput = successful reads/s, compared with L; throttled
share = 429 answers / all requests sent. In the same run, the baseline is a client
told the limit (`rate=L, burst=SIM_BURST`), the best a client can do.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from livevox_async import LiveVox

from ._common import ReadTally, Row, SimProcess, read_until

LIMIT = 100.0
SIM_BURST = 2.0
WORKERS = 32
SECONDS = 15.0
BASELINE_SECONDS = 6.0


async def _drive(lv: LiveVox, ids: list[int], seconds: float) -> dict[str, Any]:
    before = lv.stats()
    tally = ReadTally()
    timeline: list[str] = []
    stop = time.perf_counter() + seconds
    cpu0, wall0 = time.process_time(), time.perf_counter()

    async def sample() -> None:
        last = (before.requests, before.throttles, 0)
        while time.perf_counter() < stop - 0.5:
            await asyncio.sleep(1.0)
            stats = lv.stats()
            limiter = next(iter(stats.limiters.values()))
            now = (stats.requests, stats.throttles, tally.ok)
            rate = "none" if limiter.rate is None else f"{limiter.rate:.0f}"
            timeline.append(f"{now[0] - last[0]}/{now[1] - last[1]}/{now[2] - last[2]}@{rate}")
            last = now

    await asyncio.gather(sample(), read_until(lv, ids, stop, WORKERS, tally))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    after = lv.stats()
    limiter = next(iter(after.limiters.values()))
    return {
        "ok": tally.ok,
        "failed": tally.failed,
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "sent": after.requests - before.requests,
        "throttles": after.throttles - before.throttles,
        "retries": after.retries - before.retries,
        "cuts": limiter.cuts,
        "timeline": timeline,
    }


async def run() -> list[Row]:
    async with SimProcess(
        agents=2000, services=20, rate_limit=LIMIT, burst=SIM_BURST, hidden_limit=True
    ) as sim:
        creds = sim.credentials()
        ids = list(range(100001, 102001))
        async with LiveVox(creds, base_url=sim.base_url, rate=LIMIT, burst=SIM_BURST) as lv:
            await lv.client_id()
            baseline = await _drive(lv, ids, BASELINE_SECONDS)
        await asyncio.sleep(1.0)  # the server's bucket refills
        async with LiveVox(creds, base_url=sim.base_url, rate=None, adaptive=True) as lv:
            await lv.client_id()
            adaptive = await _drive(lv, ids, SECONDS)
    goodput = adaptive["ok"] / adaptive["wall"]
    share = adaptive["throttles"] / adaptive["sent"]
    base_goodput = baseline["ok"] / baseline["wall"]
    rows = [
        Row(
            "5a. adaptive: goodput / hidden limit",
            f"{goodput / LIMIT:.3f}",
            ">= 0.9",
            goodput / LIMIT >= 0.9,
            f"{goodput:.1f} successful reads/s against a hidden limit of {LIMIT:g}/s "
            f"(baseline told the limit: {base_goodput:.1f}/s = {base_goodput / LIMIT:.3f})",
        ),
        Row(
            "5b. adaptive: throttled share",
            f"{share * 100:.1f} %",
            "<= 5 %",
            share <= 0.05,
            f"{adaptive['throttles']} of {adaptive['sent']} requests answered 429 "
            f"(baseline: {baseline['throttles']} of {baseline['sent']}); "
            f"{adaptive['failed']} calls failed after their retries",
        ),
    ]
    rows[0].details += [
        f"simulator --rate-limit {LIMIT:g} --burst {SIM_BURST:g} --hidden-limit; {WORKERS} workers reading "
        f"agents for {SECONDS:g} s with LiveVox(rate=None, adaptive=True), from a cold start",
        "per second, sent/429/ok@limiter rate: " + " ".join(adaptive.pop("timeline")),
        f"adaptive totals: {adaptive}",
        "baseline per second: " + " ".join(baseline.pop("timeline")),
        f"baseline LiveVox(rate={LIMIT:g}, burst={SIM_BURST:g}) for {BASELINE_SECONDS:g} s: {baseline}",
    ]
    return rows
