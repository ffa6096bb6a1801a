"""Row 7 — the naive baseline: what public LiveVox clients do, vs the SDK export.

The naive client is plain aiohttp, one request at a time: log in, then for each
family follow `next` through the list pages, then read every item's details one by
one, writing JSON lines. Same scope as the SDK's `export_configuration` (the same
families and per-item reads, taken from the export plan), against the same
simulator without a rate limit: on loopback (interleaved rounds, medians), and on a
smaller tenant with 20 ms per answer (one round each; a WAN round trip to LiveVox
is longer still).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from livevox_async import LiveVox
from livevox_async.tenant._export_plan import export_plan

from ._common import Row, SimProcess, Timing, bare_logout, interleaved, median
from .export_rate import AGENTS, SERVICES, export_once

ROUNDS = 3
LATENCY = 0.02
LATENCY_AGENTS = 200
LATENCY_SERVICES = 5


async def naive_export(base_url: str, creds: Any, out: Path) -> tuple[int, int]:
    """(requests, objects) of a sequential list-then-read export."""
    os.mkdir(out)
    requests = objects = 0
    async with aiohttp.ClientSession() as http:
        body = orjson.dumps(
            {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
        )
        login_headers = {"LV-Access": creds.access_token, "Content-Type": "application/json"}
        async with http.post(f"{base_url}/session/login", data=body, headers=login_headers) as resp:
            login = orjson.loads(await resp.read())
        requests += 1
        headers = {"LV-Session": login["sessionId"], "Accept": "application/json"}

        async def get(path: str) -> Any:
            nonlocal requests
            requests += 1
            async with http.get(base_url + path, headers=headers) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"naive export: {path} answered {resp.status}")
                return orjson.loads(await resp.read())

        for plan in export_plan():
            with (out / f"{plan.name}.jsonl").open("wb") as f:
                if plan.list_op is None:
                    record = {"id": login["clientId"]}
                    for op in plan.details:
                        record[op.id] = await get(op.path.replace("{id}", str(login["clientId"])))
                    f.write(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n")
                    objects += 1
                    continue
                items: list[dict[str, Any]] = []
                page = await get(f"{plan.list_op.path}?count=1000&offset=0")
                while True:
                    items += page.get(plan.list_op.list_key) or []
                    if not page.get("next"):
                        break
                    page = await get("/" + page["next"])
                for item in items:
                    item_id = item[plan.list_op.id_key]
                    record = {"id": item_id}
                    if not any(op.name == "read" for op in plan.details):
                        record[plan.list_op.id] = item
                    for op in plan.details:
                        record[op.id] = await get(op.path.replace("{id}", str(item_id)))
                    f.write(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n")
                objects += len(items)
        await bare_logout(http, base_url, login["sessionId"])
    return requests, objects


async def _compare(sim: SimProcess, rounds: int) -> tuple[dict[str, list[Timing]], int]:
    creds = sim.credentials()
    objects: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="lvbench-naive-") as tmp:
        counter = iter(range(1000))

        async def naive() -> int:
            sent, objects["naive"] = await naive_export(sim.base_url, creds, Path(tmp) / f"n{next(counter)}")
            return sent

        async def sdk() -> int:
            async with LiveVox(creds, base_url=sim.base_url) as lv:
                _, _, manifest = await export_once(lv, Path(tmp) / f"s{next(counter)}")
            objects["sdk"] = manifest["totals"]["objects"]
            return int(manifest["totals"]["http_requests"])

        results = await interleaved([("naive", naive), ("sdk", sdk)], rounds)
    assert objects["naive"] == objects["sdk"], objects
    return results, objects["sdk"]


def _row(name: str, results: dict[str, list[Timing]], objects: int, where: str) -> Row:
    naive_s = median([t.wall for t in results["naive"]])
    sdk_s = median([t.wall for t in results["sdk"]])
    row = Row(
        name,
        f"{naive_s / sdk_s:.1f}x faster",
        "report",
        None,
        f"{objects} objects, {results['sdk'][0].count} requests, {where}: "
        f"naive {naive_s:.2f} s, SDK {sdk_s:.2f} s",
    )
    row.details += [
        "rounds s naive: " + ", ".join(f"{t.wall:.2f}" for t in results["naive"]),
        "rounds s SDK: " + ", ".join(f"{t.wall:.2f}" for t in results["sdk"]),
        f"client CPU/request: naive {median([t.cpu_us for t in results['naive']]):.0f} µs, "
        f"SDK {median([t.cpu_us for t in results['sdk']]):.0f} µs",
    ]
    return row


async def run() -> list[Row]:
    async with SimProcess(agents=AGENTS, services=SERVICES) as sim:
        results, objects = await _compare(sim, ROUNDS)
    rows = [
        _row(
            "7a. naive sequential export vs SDK export", results, objects, "row 3's scope, no limit, loopback"
        )
    ]
    async with SimProcess(agents=LATENCY_AGENTS, services=LATENCY_SERVICES, latency=LATENCY) as sim:
        results, objects = await _compare(sim, 1)
    rows.append(
        _row(
            f"7b. the same at {LATENCY * 1000:.0f} ms latency",
            results,
            objects,
            f"smaller tenant, one round, {LATENCY * 1000:.0f} ms per answer",
        )
    )
    return rows
