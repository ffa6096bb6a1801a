"""Fixtures for the simulator's own tests: plain aiohttp over loopback, never the SDK client.

`livevox_sim` / `livevox_sim_factory` come from the `livevox` pytest plugin (imported here
too, so the tests also run from a checkout where the entry point is not installed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import attrs
import orjson
import pytest
import pytest_asyncio

from livevox_async import Credentials
from livevox_async.testing import Simulator
from livevox_async.testing.pytest_plugin import livevox_sim, livevox_sim_factory

__all__ = ["livevox_sim", "livevox_sim_factory"]


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

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> Reply:
        sent = {"LV-Session": self.session_id} if self.session_id else {}
        async with self.http.request(
            method,
            path,
            data=None if json is None else orjson.dumps(json),
            params={k: str(v) for k, v in params.items()} or None,
            headers={**sent, "Content-Type": "application/json", **(headers or {})},
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


Login = Callable[..., Awaitable[Api]]


@pytest_asyncio.fixture
async def http(livevox_sim: Simulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(livevox_sim.base_url) as session:
        yield session


@pytest.fixture
def anon(http: aiohttp.ClientSession) -> Api:
    """No session: for the Session API and 401 checks."""
    return Api(http)


@pytest.fixture
def as_role(http: aiohttp.ClientSession, livevox_sim: Simulator) -> Login:
    """`await as_role("Manager", manager_powers=())`: an `Api` logged in as that seeded user."""

    async def open_session(role: str = "Sysadmin", **kwargs: Any) -> Api:
        return await login(http, livevox_sim.credentials(role, **kwargs))

    return open_session


@pytest_asyncio.fixture
async def admin(as_role: Login) -> Api:
    return await as_role("Sysadmin")


@pytest_asyncio.fixture
async def agent(http: aiohttp.ClientSession, livevox_sim: Simulator) -> Api:
    return await login(http, livevox_sim.agent_credentials())


@pytest.fixture
def log_in(http: aiohttp.ClientSession) -> Callable[[Credentials], Awaitable[Api]]:
    """`await log_in(credentials)`: an `Api` holding a fresh session."""

    async def open_session(creds: Credentials) -> Api:
        return await login(http, creds)

    return open_session
