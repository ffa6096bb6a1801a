"""Errors that say what happened and what to do, each against a misbehaving simulator.

- a create whose answer was lost may have happened: `outcome_unknown`, and how to look;
- a connection refused names the host and port (never the URL);
- a read timeout after retries says how many attempts and how long (on the client's clock),
  and is a `TimeoutError`;
- a user login refused as a bad name or password hints at `agent=True`.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import aiohttp
import attrs
import pytest
from runtime_support import ops_in_log

from livevox_async import (
    AuthenticationError,
    ConnectError,
    ConnectionLost,
    Credentials,
    DeadlineExceeded,
    DecodeError,
    LiveVox,
    LiveVoxError,
    ReadTimeout,
    RequestOptions,
    RetryPolicy,
)
from livevox_async.models import AgentCreate, TermCodeCategoryCreate
from livevox_async.testing import FaultKind, Simulator

QUICK = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_cap=0.001)

# -- a lost answer on a create --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [("reset", ConnectionLost), ("truncate", ConnectionLost), ("malformed_json", DecodeError)],
)
async def test_a_create_whose_answer_was_lost_may_have_happened(
    fault: FaultKind, error: type[LiveVoxError], livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    name = f"lost to {fault}"
    livevox_sim.faults.script(fault, operation="term_code_categories.create")
    async with make_client(retry=QUICK) as lv:
        with pytest.raises(error) as caught:
            await lv.term_code_categories.create(TermCodeCategoryCreate(name=name))
    exc = caught.value
    assert exc.outcome_unknown is True
    assert exc.operation == "term_code_categories.create"
    assert (
        "; the create may have happened (outcome unknown) and was not sent again: look for it by its name "
        "with lv.term_code_categories.list() before creating it again [term_code_categories.create, POST "
    ) in str(exc)
    created = [r for r in livevox_sim.state.records("term_code_categories") if r["name"] == name]
    assert len(created) == 1  # it did happen
    assert ops_in_log(livevox_sim, "term_code_categories.create") == 1


async def test_an_agent_create_names_its_natural_key_and_the_search(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    livevox_sim.faults.script("reset", operation="agents.create")
    body = AgentCreate(
        login_id="LOSTANSWER",
        password="Passw0rd-lost1",
        first_name="Lost",
        last_name="Answer",
        phone="5550100",
        wrap_up_time=30,
    )
    async with make_client(retry=QUICK) as lv:
        with pytest.raises(ConnectionLost) as caught:
            await lv.agents.create(body)
    assert caught.value.outcome_unknown
    assert "look for it by its login_id with lv.agents.list() or lv.agents.search(...)" in str(caught.value)
    assert "Passw0rd-lost1" not in str(caught.value)
    assert [r["loginId"] for r in livevox_sim.state.records("agents") if r["loginId"] == "LOSTANSWER"] == [
        "LOSTANSWER"
    ]


@pytest.mark.parametrize("fault", ["reset", "truncate", "malformed_json"])
async def test_a_read_whose_answer_was_lost_is_not_in_doubt(
    fault: FaultKind, livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    livevox_sim.faults.script(fault, operation="agents.info")
    async with make_client() as lv:
        with pytest.raises(LiveVoxError) as caught:
            await lv.agents.info(options=RequestOptions(retry=False))
    assert caught.value.outcome_unknown is False
    assert "outcome unknown" not in str(caught.value)


# -- a connection refused ----------------------------------------------------------------------------


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_refused_connection_names_host_and_port_only() -> None:
    port = closed_port()
    creds = Credentials(access_token="tok-secret-42", client_name="c", user_name="u", password="pw-secret-42")
    async with LiveVox(creds, base_url=f"http://127.0.0.1:{port}/", retry=RetryPolicy(max_attempts=1)) as lv:
        with pytest.raises(ConnectError) as caught:
            await lv.term_code_categories.create(TermCodeCategoryCreate(name="never sent"))
    exc = caught.value
    assert (exc.host, exc.port) == ("127.0.0.1", port)
    assert str(exc).startswith(
        f"could not connect to LiveVox at 127.0.0.1:{port} (ECONNREFUSED) [session.login"
    )
    assert exc.outcome_unknown is False  # never sent
    assert "secret" not in str(exc) + repr(exc)


# -- a read timeout after retries -----------------------------------------------------------------


class TickingClock:
    """The client's clock: it moves 1.25 s each time a request goes out, and only then."""

    def __init__(self) -> None:
        self.time = 100.0

    def now(self) -> float:
        return self.time

    def call_later(self, delay: float, callback: Callable[[], None]) -> asyncio.TimerHandle:
        return asyncio.get_running_loop().call_later(delay, callback)

    def trace(self) -> aiohttp.TraceConfig:
        trace = aiohttp.TraceConfig()

        async def tick(*_: Any) -> None:
            self.time += 1.25

        trace.on_request_start.append(tick)
        return trace


async def test_a_read_timeout_after_retries_says_attempts_and_elapsed(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    clock = TickingClock()
    livevox_sim.faults.slow_seconds = 0.5
    async with make_client(retry=QUICK, timeout=0.05, clock=clock, trace_configs=[clock.trace()]) as lv:
        await lv.agents.info()  # logged in
        livevox_sim.faults.script("slow_headers", times=3, operation="agents.info")
        with pytest.raises(TimeoutError) as caught:
            await lv.agents.info()
        livevox_sim.faults.script("slow_headers", times=1, operation="agents.info")
        with pytest.raises(ReadTimeout) as once:
            await lv.agents.info(options=RequestOptions(retry=False, deadline=30))
    exc = caught.value
    assert isinstance(exc, ReadTimeout)
    assert (exc.attempts, exc.elapsed) == (3, 3.75)
    assert str(exc).startswith(
        "LiveVox did not answer within 0.05s; gave up after 3 attempts in 3.75s [agents.info"
    )
    assert (once.value.attempts, once.value.elapsed) == (1, 1.25)  # within its deadline: not DeadlineExceeded
    assert str(once.value).startswith(
        "LiveVox did not answer within 0.05s; gave up after 1 attempt in 1.25s ["
    )


async def test_a_deadline_is_still_a_deadline(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    livevox_sim.faults.slow_seconds = 1.0
    livevox_sim.faults.script("slow_headers", times=5, operation="agents.info")
    async with make_client(retry=QUICK, timeout=5) as lv:
        with pytest.raises(DeadlineExceeded):
            await lv.agents.info(options=RequestOptions(deadline=0.2))


# -- a login refused ---------------------------------------------------------------------------------

AGENT_HINT = "if these are agent credentials, pass agent=True"


async def test_agent_credentials_without_the_agent_flag_get_a_hint(livevox_sim: Simulator) -> None:
    as_user = attrs.evolve(livevox_sim.agent_credentials(), agent=False)
    async with LiveVox(as_user, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(AuthenticationError) as caught:
            await lv.agents.read(1)
    assert str(caught.value).startswith(
        "LiveVox refused the login: check the access token, client name, user name and password "
        "(LiveVox said: invalid client name, user name or password); "
        "if these are agent credentials, pass agent=True [session.login"
    )


async def test_an_agent_login_refused_gets_no_hint(livevox_sim: Simulator) -> None:
    wrong = attrs.evolve(livevox_sim.agent_credentials(), password="not-the-password-1")
    async with LiveVox(wrong, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(AuthenticationError) as caught:
            await lv.agents.read(1)
    assert caught.value.lv_message == "invalid client name, user name or password"
    assert "agent=" not in str(caught.value)


async def test_a_refused_access_token_gets_no_agent_hint(livevox_sim: Simulator) -> None:
    bad_token = attrs.evolve(livevox_sim.credentials("Sysadmin"), access_token="not-a-token")
    async with LiveVox(bad_token, base_url=livevox_sim.base_url) as lv:
        with pytest.raises(AuthenticationError) as caught:
            await lv.agents.info()
    assert caught.value.lv_message == "the LV-Access token is missing or not valid"
    assert AGENT_HINT not in str(caught.value)
