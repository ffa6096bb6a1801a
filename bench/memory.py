"""Row 6 — memory: peak RSS of a process exporting 100 000 objects.

A child process (`python -m bench.memory`, told the simulator's URL and credentials on
stdin) exports the `agents` family of a 100 000-agent tenant — 100 000 objects, each
with its `read` and `related` answers: 200 101 requests plus the login — and reports
its own peak RSS (`VmHWM` from /proc/self/status, and `ru_maxrss`). For scale, a
second child only imports the SDK, logs in and reads one agent.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ._common import Row, SimProcess

TARGET_MB = 150
AGENTS = 100_000
CONCURRENCY = 16


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _child(job: dict[str, Any]) -> dict[str, Any]:
    from livevox_async import Credentials, LiveVox
    from livevox_async.tenant import export_configuration

    creds = Credentials(**job["credentials"])
    result: dict[str, Any] = {}
    async with LiveVox(creds, base_url=job["base_url"], max_concurrency=32) as lv:
        if job["mode"] == "floor":
            await lv.agents.read(100001)
        else:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            exported = await export_configuration(lv, job["out"], ["agents"], concurrency=CONCURRENCY)
            result["wall"] = time.perf_counter() - wall0
            result["cpu"] = time.process_time() - cpu0
            result["totals"] = json.loads(exported.manifest.to_json())["totals"]
    result["vm_hwm_mb"] = _vm_hwm_mb()
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _spawn(job: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory"],
        input=json.dumps(job).encode(),
        capture_output=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory child failed: {done.stderr.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


async def run() -> list[Row]:
    async with SimProcess(agents=AGENTS, services=20) as sim:
        creds = sim.credentials()
        fields = {
            "access_token": creds.access_token,
            "client_name": creds.client_name,
            "user_name": creds.user_name,
            "password": creds.password,
            "role": creds.role,
        }
        with tempfile.TemporaryDirectory(prefix="lvbench-memory-") as tmp:
            base = {"base_url": sim.base_url, "credentials": fields}
            floor = await asyncio.to_thread(_spawn, {**base, "mode": "floor"})
            export = await asyncio.to_thread(_spawn, {**base, "mode": "export", "out": f"{tmp}/export"})
    totals = export["totals"]
    peak = export["vm_hwm_mb"]
    row = Row(
        "6. memory: peak RSS exporting 100k objects",
        f"{peak:.0f} MB",
        f"< {TARGET_MB} MB",
        peak < TARGET_MB,
        f"{totals['objects']:,} agents ({totals['http_requests']:,} requests, "
        f"{export['file_mb']:.0f} MB written) in {export['wall']:.1f} s; "
        f"a child that only logs in and reads one agent peaks at {floor['vm_hwm_mb']:.0f} MB",
    )
    row.details += [
        f"export child: VmHWM {peak:.1f} MB, ru_maxrss {export['ru_maxrss_mb']:.1f} MB, "
        f"{totals['http_requests'] / export['wall']:,.0f} req/s, client CPU "
        f"{export['cpu'] / totals['http_requests'] * 1e6:.0f} µs/request, totals {totals}",
        f"floor child: VmHWM {floor['vm_hwm_mb']:.1f} MB",
    ]
    return [row]


def _child_main() -> None:
    job = json.loads(sys.stdin.read())
    result = asyncio.run(_child(job))
    if job["mode"] == "export":
        result["file_mb"] = os.path.getsize(os.path.join(job["out"], "agents.jsonl")) / 2**20
    print(json.dumps(result))


if __name__ == "__main__":
    _child_main()
