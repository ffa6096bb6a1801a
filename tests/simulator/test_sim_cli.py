"""`livevox sim` is `livevox-sim`: the same options shown and taken (one command line, forwarded)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp
from sim_support import CHECKOUT, running_simulator, sysadmin_session

LIVEVOX = (str(Path(sys.executable).with_name("livevox")),)
LIVEVOX_SIM = (sys.executable, "-m", "livevox_async.testing")
"""`livevox-sim` as the tests run it (the entry point runs the installed checkout, not this one)."""


async def run(*command: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command,
        env={**os.environ, "PYTHONPATH": CHECKOUT, "COLUMNS": "100"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def options(help_text: str) -> list[str]:
    """The options a help text lists, in order, each once."""
    return list(dict.fromkeys(re.findall(r"(?<![\w-])--[a-z0-9-]+", help_text)))


async def test_livevox_sim_help_shows_the_simulators_options() -> None:
    code, ours, err = await run(*LIVEVOX, "sim", "--help")
    assert (code, err) == (0, "")
    sim_code, theirs, _ = await run(*LIVEVOX_SIM, "--help")
    assert sim_code == 0
    assert ours.startswith("usage: livevox sim [-h] [--host HOST] [--port PORT]")
    assert len(options(theirs)) > 20
    assert options(ours) == options(theirs)
    assert ours.split("\n\n", 1)[1] == theirs.split("\n\n", 1)[1]  # the same text below the usage
    code, short, _ = await run(*LIVEVOX, "sim", "-h")
    assert (code, short) == (0, ours)


async def test_an_option_given_to_livevox_sim_takes_effect(tmp_path: Path) -> None:
    args = ("sim", "--port", "0", "--agents", "7", "--services", "2", "--page-cap", "3")
    async with running_simulator(*LIVEVOX, *args, ready=tmp_path / "url") as sim:
        first = await sim.readline()
        token = ""
        while not token:
            line = await sim.readline()
            token = line.split()[-1] if line.startswith("  [0] ") else ""
        base_url = sim.base_url
        async with aiohttp.ClientSession(base_url) as http:
            session = await sysadmin_session(http, token)
            async with http.get("/configuration/agents/info", headers=session) as reply:
                info = await reply.json()
            async with http.get("/configuration/agents?count=1000&offset=0", headers=session) as reply:
                page = await reply.json()
        returncode = await sim.stop()

    assert first == f"LiveVox simulator listening on {base_url}"
    assert (info["size"], len(page["agent"]), returncode) == (7, 3, 0)
