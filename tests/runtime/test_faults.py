"""Faults: retries for reads only, throttling, timeouts, deadlines, cancellation."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Callable

import pytest
from runtime_support import ops_in_log

from livevox_async import (
    ConfigurationError,
    ConnectError,
    ConnectionLost,
    DeadlineExceeded,
    DecodeError,
    LiveVox,
    RateLimitError,
    ReadTimeout,
    RequestOptions,
    RetryPolicy,
    ServerError,
)
from livevox_async.models import TermCodeCategoryCreate
from livevox_async.testing import FaultKind, Simulator

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.01, backoff_cap=0.05)


@pytest.mark.parametrize("fault", ["500", "502", "reset", "truncate", "malformed_json", "html_200"])
async def test_reads_are_retried_through_a_fault(
    fault: FaultKind, make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    record = livevox_sim.state.records("agents")[0]
    livevox_sim.faults.script(fault, times=2, operation="agents.read")
    async with make_client(retry=FAST_RETRY) as lv:
        agent = await lv.agents.read(record["id"])
        assert agent.id == record["id"]
        assert lv.stats().retries == 2
    assert ops_in_log(livevox_sim, "agents.read") == 3


@pytest.mark.parametrize(
    ("fault", "error"), [("500", ServerError), ("reset", ConnectionLost), ("malformed_json", DecodeError)]
)
async def test_creates_are_never_sent_twice(
    fault: FaultKind, error: type[Exception], make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    livevox_sim.faults.script(fault, times=1, operation="term_code_categories.create")
    async with make_client(retry=FAST_RETRY) as lv:
        with pytest.raises(error):
            await lv.term_code_categories.create(TermCodeCategoryCreate(name=f"after {fault}"))
    assert ops_in_log(livevox_sim, "term_code_categories.create") == 1


async def test_retries_give_up_with_the_last_error(
    make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    livevox_sim.faults.script("500", times=10, operation="agents.info")
    async with make_client(retry=FAST_RETRY) as lv:
        with pytest.raises(ServerError) as caught:
            await lv.agents.info()
    assert caught.value.status == 500
    assert ops_in_log(livevox_sim, "agents.info") == 4


async def test_throttled_requests_wait_and_succeed(livevox_sim_factory: Callable[..., object]) -> None:
    sim: Simulator = await livevox_sim_factory(rate_limit=40.0, rate_burst=2.0)  # type: ignore[misc]
    ids = [r["id"] for r in sim.state.records("agents")[:60]]
    async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url, retry=FAST_RETRY) as lv:
        agents = await asyncio.gather(*(lv.agents.read(i) for i in ids))
        stats = lv.stats()
    assert [a.id for a in agents] == ids
    throttled = [e for e in sim.request_log if e.status == 429]
    assert stats.throttles == len(throttled) > 0
    assert stats.limiters["token 1"].cuts >= 1
    assert stats.limiters["token 1"].rate is not None


async def test_a_configured_rate_is_never_exceeded(livevox_sim_factory: Callable[..., object]) -> None:
    sim: Simulator = await livevox_sim_factory(rate_limit=30.0, rate_burst=3.0)  # type: ignore[misc]
    # A client burst below the server's leaves the server room for network jitter.
    async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url, rate=30, burst=1) as lv:
        await asyncio.gather(*(lv.agents.info() for _ in range(45)))
        assert lv.stats().throttles == 0
    assert not any(e.status == 429 for e in sim.request_log)


async def test_throttling_past_the_retries_is_a_rate_limit_error(
    make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    livevox_sim.faults.script("429", times=50, operation="agents.info")
    policy = RetryPolicy(max_attempts=2, max_throttle_retries=3, backoff_base=0.01, backoff_cap=0.01)
    async with make_client(retry=policy) as lv:
        with pytest.raises(RateLimitError) as caught:
            await lv.agents.info()
    assert caught.value.status == 429
    assert ops_in_log(livevox_sim, "agents.info") == 4  # the first try and 3 throttle retries


async def test_slow_answers_time_out_then_the_deadline_stops_everything(
    make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    livevox_sim.faults.slow_seconds = 1.0
    livevox_sim.faults.script("slow_headers", times=1, operation="agents.info")
    async with make_client(retry=FAST_RETRY, timeout=0.2) as lv:
        assert (await lv.agents.info()).size > 0  # first attempt timed out, the retry answered
        assert lv.stats().retries == 1
        livevox_sim.faults.script("slow_headers", times=10, operation="agents.info")
        with pytest.raises(ReadTimeout):
            await lv.agents.info(options=RequestOptions(retry=False))
        with pytest.raises(DeadlineExceeded):
            await lv.agents.info(options=RequestOptions(deadline=0.3, timeout=5))


async def test_unreachable_host_is_a_connect_error() -> None:
    from livevox_async import Credentials

    creds = Credentials(access_token="t", client_name="c", user_name="u", password="p")
    async with LiveVox(creds, base_url="http://127.0.0.1:9", retry=FAST_RETRY) as lv:
        with pytest.raises(ConnectError) as caught:
            await lv.agents.info()
    assert caught.value.operation == "session.login"


async def test_cancelling_200_calls_leaves_nothing_acquired(
    livevox_sim_factory: Callable[..., object],
) -> None:
    sim: Simulator = await livevox_sim_factory(latency=0.3)  # type: ignore[misc]
    ids = [r["id"] for r in sim.state.records("agents")[:200]]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url, max_concurrency=50) as lv:
            await lv.agents.info()
            tasks = [asyncio.ensure_future(lv.agents.read(i)) for i in ids]
            await asyncio.sleep(0.1)
            for task in tasks:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            assert all(isinstance(r, asyncio.CancelledError) for r in results)
            stats = lv.stats()
            assert stats.connections_in_use == 0
            assert [s.in_flight for s in stats.sessions] == [0]
            assert (await lv.agents.read(ids[0])).id == ids[0]  # still usable
        gc.collect()


async def test_a_429_not_judged_a_throttle_is_still_a_rate_limit_error(
    make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    livevox_sim.faults.script("429", times=1, operation="agents.info")
    async with make_client(retry=FAST_RETRY, is_throttle=lambda response: False) as lv:
        with pytest.raises(RateLimitError) as caught:
            await lv.agents.info()
    assert caught.value.status == 429
    assert caught.value.retry_after is None
    assert ops_in_log(livevox_sim, "agents.info") == 1


async def test_a_create_answered_503_is_not_sent_again(
    make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    # 503 counts as a throttle (the rate is cut), but the create may have been processed.
    livevox_sim.faults.script("503", times=1, operation="term_code_categories.create")
    async with make_client(retry=FAST_RETRY) as lv:
        with pytest.raises(ServerError) as caught:
            await lv.term_code_categories.create(TermCodeCategoryCreate(name="after 503"))
        assert lv.stats().throttles == 1
        assert lv.stats().retries == 0
    assert caught.value.status == 503
    assert ops_in_log(livevox_sim, "term_code_categories.create") == 1


async def test_a_create_answered_429_is_sent_again(
    make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    # A literal 429 means "not processed": the only answer after which a create is resent.
    livevox_sim.faults.script("429", times=1, operation="term_code_categories.create")
    async with make_client(retry=FAST_RETRY) as lv:
        new_id = await lv.term_code_categories.create(TermCodeCategoryCreate(name="after 429"))
    names = [r["name"] for r in livevox_sim.state.records("term_code_categories") if r["id"] == new_id]
    assert names == ["after 429"]
    assert ops_in_log(livevox_sim, "term_code_categories.create") == 2


@pytest.mark.parametrize("bad_id", ["", ".", "..", "a\nb", None, True, 1.5])
async def test_ids_that_are_not_plain_path_segments_are_refused_before_sending(
    bad_id: object, make_client: Callable[..., LiveVox], livevox_sim: Simulator
) -> None:
    async with make_client() as lv:
        before = len(livevox_sim.request_log)
        with pytest.raises(ConfigurationError, match=r"agents\.delete: the path parameter id must be"):
            await lv.agents.delete(bad_id)  # type: ignore[arg-type]
        assert len(livevox_sim.request_log) == before
