"""`livevox-sim` / `python -m livevox_async.testing` in its own process."""

from __future__ import annotations

import sys
from pathlib import Path

import aiohttp
from sim_support import running_simulator, sysadmin_session


async def test_the_command_serves_prints_its_credentials_and_stops_on_sigterm(tmp_path: Path) -> None:
    args = ["--port", "0", "--agents", "40", "--services", "6", "--latency", "0.001,0.002"]
    command = (sys.executable, "-m", "livevox_async.testing", *args, "--page-cap", "7", "--empty-404")
    async with running_simulator(*command, ready=tmp_path / "url") as sim:
        printed: list[str] = []  # the ready file is written before the credentials are printed
        while not printed or not printed[-1].startswith("  every agent's password"):
            printed.append(await sim.readline(20))
        base_url = sim.base_url
        token = next(line.split()[-1] for line in printed if line.startswith("  [0] "))
        async with aiohttp.ClientSession(base_url) as http:
            session = await sysadmin_session(http, token)
            async with http.get("/configuration/agents/info", headers=session) as reply:
                info = await reply.json()
            pages = []
            for offset in (0, 40):
                url = f"/configuration/agents?count=1000&offset={offset}"
                async with http.get(url, headers=session) as reply:
                    pages.append((reply.status, await reply.json()))
        returncode = await sim.stop()

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
