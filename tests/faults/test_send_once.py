"""A request goes out as many times as the SDK decides — never once more behind its back.

An answer without a body (204: updates, deletes, logout) that is reset or cut is dropped before
its status line. The SDK must then decide, from the operation and the call's options, whether to
send again; `RequestOptions(retry=False)` means "send once"."""

from __future__ import annotations

import pytest
from faults_support import logged

from livevox_async import ConnectionLost, LiveVox, RequestOptions, RetryPolicy
from livevox_async.models import AgentUpdate
from livevox_async.testing import FaultKind, Simulator

UPDATE = "agents.update"


@pytest.mark.parametrize("fault", ["reset", "truncate"])
async def test_a_call_that_may_not_retry_is_sent_once(livevox_sim: Simulator, fault: FaultKind) -> None:
    sim = livevox_sim
    agent = sim.state.records("agents")[0]["id"]
    async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url) as lv:
        await lv.agents.info()  # a pooled connection to reuse
        sim.faults.script(fault, operation=UPDATE)
        with pytest.raises(ConnectionLost):
            await lv.agents.update(agent, AgentUpdate(phone="5550101"), options=RequestOptions(retry=False))
        sent = [f"{e.status}/{e.fault}" for e in logged(sim, UPDATE)]
    assert sent == [f"204/{fault}"]


async def test_every_request_sent_is_counted_and_each_resend_is_a_retry(livevox_sim: Simulator) -> None:
    sim = livevox_sim
    agent = sim.state.records("agents")[0]["id"]
    policy = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_cap=0.001)
    async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url, retry=policy) as lv:
        await lv.agents.info()
        before = lv.stats()
        sim.faults.script("reset", times=1, operation=UPDATE)
        await lv.agents.update(agent, AgentUpdate(phone="5550102"))
        after = lv.stats()
    assert len(logged(sim, UPDATE)) == after.requests - before.requests
    assert after.retries - before.retries == len(logged(sim, UPDATE)) - 1 == 1
