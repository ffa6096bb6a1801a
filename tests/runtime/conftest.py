"""Fixtures for runtime tests: a simulator (from the livevox pytest plugin) and clients on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from livevox_async import Credentials, LiveVox
from livevox_async.testing import Simulator


@pytest.fixture
async def lv(livevox_sim: Simulator) -> AsyncIterator[LiveVox]:
    """A client logged in as the simulator's Sysadmin, with a quick retry backoff."""
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as client:
        yield client


@pytest.fixture
def make_client(livevox_sim: Simulator) -> Callable[..., LiveVox]:
    """Build (not open) a client on the simulator: make_client(creds, **LiveVox kwargs)."""

    def make(credentials: Credentials | list[Credentials] | None = None, **kwargs: Any) -> LiveVox:
        return LiveVox(
            credentials or livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url, **kwargs
        )

    return make
