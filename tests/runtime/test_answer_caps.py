"""What an answer may cost: `max_body_size` (announced or read, decompressed) and items per page.

The answers come from the simulator's fault kinds "gzip_bomb", "endless_body" and
"huge_body" and from `ListQuirks(flood=...)`.

Memory is measured with `tracemalloc` around the one call (the simulator runs in the same
process, so its allocations count too): a 256 MiB gzip bomb read with `max_body_size=1 MiB`
must peak far below what reading it would cost.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from runtime_support import ops_in_log

from livevox_async import (
    ConfigurationError,
    Credentials,
    DecodeError,
    LiveVox,
    ResponseTooLarge,
    RetryPolicy,
)
from livevox_async.testing import ListQuirks, Simulator

MIB = 2**20
RETRYING = RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_cap=0.001)
"""Retries on: the caps must not be retried even so."""


async def peak_memory(call: Awaitable[Any]) -> tuple[BaseException | None, int]:
    """What `call` raised (None if nothing) and the traced memory peak while it ran, in bytes."""
    tracemalloc.start()
    try:
        await call
    except Exception as exc:
        return exc, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return None, 0


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        ("gzip_bomb", "reading stopped past it"),
        ("endless_body", "reading stopped past it"),
        ("huge_body", "its Content-Length is 134,217,728; not read"),
    ],
)
async def test_an_answer_past_max_body_size_is_refused_unretried_within_bounded_memory(
    fault: str, shown: str, livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    agent_id = livevox_sim.state.records("agents")[0]["id"]
    async with make_client(max_body_size=MIB, retry=RETRYING) as lv:
        await lv.agents.read(agent_id)  # logged in, a connection to reuse
        livevox_sim.faults.script(fault, operation="agents.read")  # type: ignore[arg-type]
        error, peak = await peak_memory(lv.agents.read(agent_id))
        assert (await lv.agents.read(agent_id)).id == agent_id  # the next call is unharmed
    assert isinstance(error, ResponseTooLarge)
    assert peak < 16 * MIB  # the bomb inflates to 256 MiB; the huge body announces 128 MiB
    assert error.max_body_size == MIB
    assert (error.operation, error.request_id is not None) == ("agents.read", True)
    assert str(error).startswith(f"LiveVox's answer is larger than max_body_size (1,048,576 bytes): {shown}")
    assert error.__context__ is None
    assert [e.fault for e in livevox_sim.request_log if e.operation == "agents.read"] == [None, fault, None]


async def test_a_page_holding_more_items_than_asked_is_a_decode_error(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    livevox_sim.list_quirks = ListQuirks(flood=3)
    async with make_client(retry=RETRYING) as lv:
        with pytest.raises(DecodeError) as caught:
            await lv.agents.list(page_size=50).collect()
    assert caught.value.problems == ("$.agent: 150 items for count=50",)
    assert caught.value.operation == "agents.list"
    assert ops_in_log(livevox_sim, "agents.list") == 1  # a schema mismatch is not retried


# -- on today's simulator -----------------------------------------------------------------------


async def test_an_announced_length_past_the_cap_is_refused_before_reading(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    # A 100-agent page is about 26 KB; the simulator announces its Content-Length.
    async with make_client(max_body_size=4096, retry=RETRYING) as lv:
        assert (await lv.agents.info()).size > 100  # small answers still pass
        with pytest.raises(ResponseTooLarge) as caught:
            await lv.agents.list(page_size=100).collect()
        assert (await lv.agents.list(page_size=5, max_items=5).collect())[0].id > 0
    assert str(caught.value).startswith("LiveVox's answer is larger than max_body_size (4,096 bytes): its ")
    assert caught.value.max_body_size == 4096
    assert [e.query for e in livevox_sim.request_log if e.operation == "agents.list"] == [
        "count=100&offset=0",  # once: never retried
        "count=5&offset=0",
    ]


@pytest.mark.parametrize("size", [0, -1, 1.5, True])
def test_max_body_size_must_be_a_positive_number_of_bytes(size: object) -> None:
    creds = Credentials(access_token="token", client_name="ACME", user_name="u", password="p")
    with pytest.raises(ConfigurationError, match="max_body_size must be a number of bytes > 0"):
        LiveVox(creds, base_url="http://127.0.0.1:9", max_body_size=size)  # type: ignore[arg-type]
