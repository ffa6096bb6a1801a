"""A plain aiohttp client for the simulator's own tests, and the types of their fixtures.

The fixtures in `conftest.py` hand these out; a test names them in its signature:

    async def test_a_manager_needs_a_power_to_read_agents(admin: Api, as_role: AsRole) -> None:
        powerless = await as_role("Manager", manager_powers=())
        assert (await admin.get("/configuration/agents/100001")).status == 200
        assert (await powerless.get("/configuration/agents/100001")).status == 403
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import aiohttp
import attrs
import orjson

from livevox_async import Credentials


@attrs.frozen
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str]


@attrs.frozen
class Api:
    """A plain HTTP client for the simulator, optionally holding a session id."""

    http: aiohttp.ClientSession
    session_id: str | None = None

    @property
    def session_headers(self) -> dict[str, str]:
        """`{"LV-Session": session_id}` for a request sent on `http` directly; `{}` without a session."""
        return {"LV-Session": self.session_id} if self.session_id else {}

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Reply:
        async with self.http.request(
            method,
            path,
            data=None if json is None else orjson.dumps(json),
            params={k: str(v) for k, v in params.items()} or None,
            headers={**self.session_headers, "Content-Type": "application/json", **(headers or {})},
        ) as response:
            raw = await response.read()
            body = orjson.loads(raw) if raw and response.content_type == "application/json" else raw or None
            return Reply(response.status, body, response.headers)

    async def get(self, path: str, **params: Any) -> Reply:
        return await self.call("GET", path, **params)

    async def post(self, path: str, json: Any = None, **params: Any) -> Reply:
        return await self.call("POST", path, json=json, **params)

    async def put(self, path: str, json: Any = None, **params: Any) -> Reply:
        return await self.call("PUT", path, json=json, **params)

    async def delete(self, path: str, **params: Any) -> Reply:
        return await self.call("DELETE", path, **params)


def login_body(creds: Credentials, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "clientName": creds.client_name,
        "userName": creds.user_name,
        "password": creds.password,
    }
    if creds.agent:
        body["agent"] = True
    return {**body, **changes}


async def login(http: aiohttp.ClientSession, creds: Credentials, path: str = "/session/login") -> Api:
    reply = await Api(http).post(path, login_body(creds), headers={"LV-Access": creds.access_token})
    assert reply.status == 200, reply
    return Api(http, reply.body["sessionId"])


class AsRole(Protocol):
    """The `as_role` fixture: `await as_role("Manager", manager_powers=())` logs in a seeded user."""

    def __call__(
        self, role: str = "Sysadmin", *, manager_powers: Iterable[str] | None = None
    ) -> Awaitable[Api]: ...


LogIn: TypeAlias = Callable[[Credentials], Awaitable[Api]]
"""The `log_in` fixture: `await log_in(credentials)` opens a fresh session."""


CHECKOUT = str(Path(__file__).resolve().parents[2])


class SimulatorProcess:
    """The simulator's command running in a child process, read line by line, stopped by SIGTERM.

    `running_simulator(...)` starts it; leaving the block kills a child still running:

        async with running_simulator(sys.executable, "-m", "livevox_async.testing", ready=path) as sim:
            first = await sim.readline()
            ...
            assert await sim.stop() == 0
    """

    def __init__(self, process: asyncio.subprocess.Process, ready: Path) -> None:
        assert process.stdout is not None
        self._process, self._stdout, self._ready = process, process.stdout, ready

    async def readline(self, timeout: float = 30) -> str:
        """The next line the command prints, without its newline."""
        return (await asyncio.wait_for(self._stdout.readline(), timeout)).decode().rstrip("\n")

    @property
    def base_url(self) -> str:
        """The URL from the `--ready-file` (written before the credentials are printed)."""
        return self._ready.read_text().strip()

    async def stop(self) -> int:
        """SIGTERM, then the exit code."""
        self._process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self._process.wait(), 10)

    async def kill(self) -> None:
        if self._process.returncode is None:
            self._process.kill()
            await self._process.wait()


@contextlib.asynccontextmanager
async def running_simulator(*command: str, ready: Path) -> AsyncIterator[SimulatorProcess]:
    """Run `command` (which serves the simulator with `--ready-file ready`) with this checkout."""
    env = {**os.environ, "PYTHONPATH": CHECKOUT}
    process = await asyncio.create_subprocess_exec(
        *command, "--ready-file", str(ready), env=env, stdout=asyncio.subprocess.PIPE
    )
    sim = SimulatorProcess(process, ready)
    try:
        yield sim
    finally:
        await sim.kill()


async def sysadmin_session(http: aiohttp.ClientSession, token: str) -> dict[str, str]:
    """Log in as the seeded `sysadmin1` with `token`; the `LV-Session` header for the next calls."""
    login = {"clientName": "LVSIM", "userName": "sysadmin1", "password": "Sim-sysadmin1-1"}
    async with http.post("/session/login", json=login, headers={"LV-Access": token}) as reply:
        return {"LV-Session": (await reply.json())["sessionId"]}
