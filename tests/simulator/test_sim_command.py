"""`livevox-sim` / `python -m livevox_async.testing` in its own process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp


async def test_the_command_serves_prints_its_credentials_and_stops_on_sigterm(tmp_path: Path) -> None:
    ready = tmp_path / "url"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    args = [
        "--port",
        "0",
        "--agents",
        "40",
        "--services",
        "6",
        "--latency",
        "0.001,0.002",
        "--page-cap",
        "7",
        "--empty-404",
        "--ready-file",
        str(ready),
    ]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "livevox_async.testing", *args, stdout=asyncio.subprocess.PIPE, env=env
    )
    assert process.stdout is not None
    try:
        printed: list[str] = []  # the ready file is written before the credentials are printed
        while not printed or not printed[-1].startswith("  every agent's password"):
            printed.append((await asyncio.wait_for(process.stdout.readline(), 20)).decode().rstrip("\n"))
        base_url = ready.read_text().strip()
        token = next(line.split()[-1] for line in printed if line.startswith("  [0] "))
        async with aiohttp.ClientSession(base_url) as http:
            login = {"clientName": "LVSIM", "userName": "sysadmin1", "password": "Sim-sysadmin1-1"}
            async with http.post("/session/login", json=login, headers={"LV-Access": token}) as reply:
                session = (await reply.json())["sessionId"]
            async with http.get("/configuration/agents/info", headers={"LV-Session": session}) as reply:
                info = await reply.json()
            pages = []
            for offset in (0, 40):
                async with http.get(
                    f"/configuration/agents?count=1000&offset={offset}", headers={"LV-Session": session}
                ) as reply:
                    pages.append((reply.status, await reply.json()))
        process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert returncode == 0
    assert base_url.startswith("http://127.0.0.1:")
    assert printed[0] == f"LiveVox simulator listening on {base_url}"
    assert "  Sysadmin   sysadmin1 / Sim-sysadmin1-1" in printed
    assert info["size"] == 40
    assert (pages[0][0], len(pages[0][1]["agent"]), pages[0][1]["next"]) == (
        200,
        7,
        "configuration/agents?count=1000&offset=7",
    )
    assert pages[1] == (404, {"code": 404, "message": "no agents found"})
