"""Running documentation examples: a user's environment pointed at a simulator.

`user_env(sim)` is the environment a reader would have set (the `LIVEVOX_*` variables of
`Credentials.from_env` and `endpoint_from_env`), aimed at a running simulator, with this
checkout first on the path. `run(...)` runs a command in it and returns what it printed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import attrs

from livevox_async.testing import Simulator

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 240.0


@attrs.frozen
class Finished:
    """A command that ran: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def user_env(sim: Simulator | None = None) -> dict[str, str]:
    """The environment of a user whose `LIVEVOX_*` variables point at `sim`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEVOX_", "PYTEST_", "PYTHON"))}
    env["PYTHONPATH"] = str(ROOT)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if sim is not None:
        user = sim.credentials("Sysadmin")
        env.update(
            LIVEVOX_ACCESS_TOKEN=user.access_token,
            LIVEVOX_CLIENT=user.client_name,
            LIVEVOX_USER=user.user_name,
            LIVEVOX_PASSWORD=user.password,
            LIVEVOX_BASE_URL=sim.base_url,
        )
    return env


async def run(*command: str, env: dict[str, str], cwd: Path) -> Finished:
    """Run `command` (the simulator keeps serving meanwhile) and collect its output."""
    process = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


def shell_script(code: str) -> str:
    """A shell example as a script: set-up lines the test does itself are left out.

    `export` lines set the variables `user_env` already holds; `pip install` lines are
    what the wheel test does (tests/packaging/test_wheel.py).

    >>> print(shell_script("export A=1\\npip install x\\nlivevox diff a b   # drift?\\n"))
    set -euo pipefail
    livevox diff a b   # drift?
    """
    kept = [line for line in code.splitlines() if not line.startswith(("export ", "pip install "))]
    return "\n".join(["set -euo pipefail", *kept])
