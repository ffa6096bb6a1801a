"""What a client shows: resource families and documented methods, one `Runtime` interface,
and read-only views of its sessions and connections (what tests once read from private state).
"""

from __future__ import annotations

import asyncio
import inspect
import typing
from collections.abc import Callable

import attrs
import pytest

from livevox_async import Credentials, LiveVox
from livevox_async._client import ClientRuntime, SessionStats
from livevox_async._generated.resources import Resources
from livevox_async._resource import Runtime
from livevox_async.testing import Simulator

OFFLINE = Credentials(access_token="token", client_name="ACME", user_name="u", password="p")
FAMILIES = set(typing.get_type_hints(Resources))
CLIENT_METHODS = {"aclose", "api_version", "client_id", "preflight", "request", "runtime", "session", "stats"}
RUNTIME_METHODS = {"create", "execute", "fetch", "paginate", "send"}
"""What generated code calls (`Runtime`)."""
SEAM_EXTRAS = {"api_version", "base_url", "fetch_json", "preflight", "request"}


def public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def test_a_client_shows_its_families_and_documented_methods_only() -> None:
    lv = LiveVox(OFFLINE, base_url="http://127.0.0.1:9")
    assert "agents" in FAMILIES
    assert "raw" in FAMILIES
    assert public(lv) == FAMILIES | CLIENT_METHODS
    assert not public(lv) & (RUNTIME_METHODS | {"fetch_json"})  # no lv.create beside lv.agents.create
    for name in CLIENT_METHODS - {"runtime", "session"}:
        assert inspect.getdoc(getattr(LiveVox, name)), name
    source = inspect.getsource(LiveVox.__init__)
    for attribute in ("runtime", "session"):
        assert f"self.{attribute} = " in source
        assert source.split(f"self.{attribute} = ", 1)[1].split("\n", 2)[1].strip().startswith('"""')


def test_the_runtime_interface_is_defined_once() -> None:
    lv = LiveVox(OFFLINE, base_url="http://127.0.0.1:9")
    assert isinstance(lv.runtime, ClientRuntime)
    assert Runtime in ClientRuntime.__mro__  # declared: mypy checks every signature against it
    assert public(lv.runtime) == RUNTIME_METHODS | SEAM_EXTRAS
    for name in RUNTIME_METHODS:
        ours, theirs = getattr(ClientRuntime, name), getattr(Runtime, name)
        assert ours is not theirs, name  # implemented, not the protocol's stub
        assert inspect.signature(ours) == inspect.signature(theirs), name
        assert ours.__doc__ is None, f"{name} is documented on Runtime only"
        assert inspect.getdoc(ours) == inspect.getdoc(theirs)
    for name in SEAM_EXTRAS:
        assert inspect.getdoc(getattr(ClientRuntime, name)), name
    assert lv.runtime.base_url == "http://127.0.0.1:9"


async def test_the_views_of_sessions_and_connections(livevox_sim: Simulator) -> None:
    creds = [livevox_sim.credentials("Sysadmin"), livevox_sim.credentials("IT User", token_index=1)]
    livevox_sim.faults.slow_seconds = 5.0
    async with LiveVox(creds, base_url=livevox_sim.base_url) as lv:
        fresh = lv.stats()
        assert fresh.connections_in_use == 0
        assert [(s.kind, s.logged_in, s.logins, s.in_flight, s.limiter) for s in fresh.sessions] == [
            ("user", False, 0, 0, "token 1"),
            ("user", False, 0, 0, "token 2"),
        ]
        await lv.agents.info()
        livevox_sim.faults.script("slow_headers", times=1, operation="agents.info")
        stuck = asyncio.ensure_future(lv.agents.info())
        await until(lambda: lv.stats().connections_in_use == 1)
        held = lv.stats()
        assert sorted(s.in_flight for s in held.sessions) == [0, 1]
        stuck.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stuck
        after = lv.stats()
        assert after.connections_in_use == 0
        assert [s.in_flight for s in after.sessions] == [0, 0]
        assert sum(s.logins for s in after.sessions) == sum(s.logged_in for s in after.sessions) >= 1
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            after.sessions[0].in_flight = 3  # type: ignore[misc]
    assert isinstance(after.sessions[0], SessionStats)
    assert lv.stats().connections_in_use is None  # closed
    assert [s.logged_in for s in lv.stats().sessions] == [False, False]


async def until(condition: Callable[[], bool]) -> None:
    """Wait for `condition` (polled; no time is asserted)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not reached in 5 s")
