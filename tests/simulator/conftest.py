"""Fixtures for the simulator's own tests: plain aiohttp over loopback, never the SDK client.

`livevox_sim` / `livevox_sim_factory` come from the `livevox` pytest plugin (imported here
too, so the tests also run from a checkout where the entry point is not installed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import aiohttp
import pytest
import pytest_asyncio
from sim_support import Api, AsRole, LogIn, login

from livevox_async import Credentials
from livevox_async.testing import Simulator
from livevox_async.testing.pytest_plugin import livevox_sim, livevox_sim_factory

__all__ = ["livevox_sim", "livevox_sim_factory"]


@pytest_asyncio.fixture
async def http(livevox_sim: Simulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(livevox_sim.base_url) as session:
        yield session


@pytest.fixture
def anon(http: aiohttp.ClientSession) -> Api:
    """No session: for the Session API and 401 checks."""
    return Api(http)


@pytest.fixture
def as_role(http: aiohttp.ClientSession, livevox_sim: Simulator) -> AsRole:
    """`await as_role("Manager", manager_powers=())`: an `Api` logged in as that seeded user."""

    async def open_session(role: str = "Sysadmin", *, manager_powers: Iterable[str] | None = None) -> Api:
        return await login(http, livevox_sim.credentials(role, manager_powers=manager_powers))

    return open_session


@pytest_asyncio.fixture
async def admin(as_role: AsRole) -> Api:
    return await as_role("Sysadmin")


@pytest_asyncio.fixture
async def agent(http: aiohttp.ClientSession, livevox_sim: Simulator) -> Api:
    return await login(http, livevox_sim.agent_credentials())


@pytest.fixture
def log_in(http: aiohttp.ClientSession) -> LogIn:
    """`await log_in(credentials)`: an `Api` holding a fresh session."""

    async def open_session(creds: Credentials) -> Api:
        return await login(http, creds)

    return open_session
