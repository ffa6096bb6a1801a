"""apply under a misbehaving target: lost answers, cancellation and a killed process, then resume."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest
from plan_support import Tenants, mismatches

from livevox_async.tenant import ApplyResult, Plan, apply_plan
from livevox_async.testing import Simulator

ROOT = Path(__file__).resolve().parents[2]
RUN_APPLY = """
import asyncio, os, sys
from livevox_async import Credentials, LiveVox
from livevox_async.tenant import Plan, apply_plan

async def main():
    creds = Credentials(access_token=os.environ["LV_TOKEN"], client_name=os.environ["LV_CLIENT"],
                        user_name=os.environ["LV_USER"], password=os.environ["LV_PASSWORD"])
    async with LiveVox(creds, base_url=os.environ["LV_URL"]) as lv:
        await apply_plan(lv, Plan.read(sys.argv[1]), state_dir=sys.argv[2], passwords=sys.argv[3],
                         allow_inferred=True, concurrency=1, backup=False, verify=False)

asyncio.run(main())
"""


async def _apply(tenants: Tenants, plan: Plan, concurrency: int = 16) -> ApplyResult:
    async with tenants.client(tenants.target) as lv:
        return await apply_plan(
            lv,
            plan,
            state_dir=tenants.tmp / "state",
            passwords=tenants.tmp / "pw.jsonl",
            allow_inferred=True,
            concurrency=concurrency,
        )


def _created(sim: Simulator, op: str) -> int:
    """Creates the simulator carried out (a reset or garbled answer still means it happened)."""
    return sum(1 for r in sim.request_log if r.operation == op and r.status == 201)


def _passwords(tenants: Tenants) -> dict[str, str]:
    lines = (tenants.tmp / "pw.jsonl").read_bytes().splitlines()
    return {orjson.dumps(e["key"]).decode(): e["password"] for e in map(orjson.loads, lines)}


async def _wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(6000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never saw {what}")


async def test_a_create_whose_answer_was_lost_is_found_by_its_key_not_sent_again(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    tenants.target.faults.script("reset", times=3, operation="term_codes.create")  # after the create happened
    tenants.target.faults.script("503", times=2, operation="agents.create")  # before: it did not happen
    result = await _apply(tenants, plan)
    found = [o for o in result.outcomes if o.detail == "its answer was lost; found by its natural key"]
    assert len(found) == 3
    assert {o.family for o in found} == {"term_codes"}
    term_codes = sum(1 for a in plan.actions if a.op == "term_codes.create")
    agents = sum(1 for a in plan.actions if a.op == "agents.create")
    sent = Counter(r.operation for r in tenants.target.request_log)
    assert sent["term_codes.create"] == _created(tenants.target, "term_codes.create") == term_codes
    assert sent["agents.create"] == agents + 2  # the two refused before processing were sent again
    assert _created(tenants.target, "agents.create") == agents
    assert result.ok
    assert mismatches(tenants.source, tenants.target) == {}


@pytest.mark.parametrize("faults", [False, True], ids=["clean", "faults"])
async def test_an_apply_cancelled_half_way_resumes_to_the_same_state(tenants: Tenants, faults: bool) -> None:
    await tenants.export_source()
    plan = await tenants.plan()
    if faults:
        tenants.target.faults.script("reset", times=4, operation="agents.create")
        tenants.target.faults.script("500", times=2, operation="agents.add_service")
    tenants.target.set_latency(0.005)
    task = asyncio.ensure_future(_apply(tenants, plan, concurrency=2))
    await _wait_for(lambda: _created(tenants.target, "agents.create") >= 5, "five agent creates")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    agents = sum(1 for a in plan.actions if a.op == "agents.create")
    assert 5 <= _created(tenants.target, "agents.create") < agents  # really half-way
    tenants.target.set_latency(None)
    result = await _apply(tenants, plan)
    assert result.ok
    assert _created(tenants.target, "agents.create") == agents  # each create happened once
    assert mismatches(tenants.source, tenants.target) == {}
    passwords = _passwords(tenants)
    for agent in tenants.source.state.values("agents"):
        stored_id = tenants.target.state.lookup("agents", agent["loginId"])
        assert stored_id is not None
        stored = tenants.target.state.find("agents", stored_id)
        assert stored is not None
        assert stored["password"] == passwords[orjson.dumps([agent["loginId"]]).decode()]


async def test_a_process_killed_right_after_a_create_loses_no_password(tenants: Tenants) -> None:
    await tenants.export_source()
    plan = await tenants.plan(families=["agents"])
    plan.write(tenants.tmp / "plan.json")
    creds = tenants.target.credentials("Sysadmin")
    env = {
        "LV_TOKEN": creds.access_token,
        "LV_CLIENT": creds.client_name,
        "LV_USER": creds.user_name,
        "LV_PASSWORD": creds.password,
        "LV_URL": tenants.target.base_url,
    }
    # The first create's answer is reset; while apply looks the agent up (slowly), it is killed.
    tenants.target.faults.script("reset", times=1, operation="agents.create")
    tenants.target.set_latency(0.3)
    args = [str(tenants.tmp / p) for p in ("plan.json", "state", "pw.jsonl")]
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", RUN_APPLY, *args, cwd=ROOT, env=env)
    try:
        await _wait_for(lambda: _created(tenants.target, "agents.create") == 1, "the first create")
    finally:
        process.kill()
        await process.wait()
    tenants.target.set_latency(None)
    passwords = _passwords(tenants)
    assert len(passwords) == 1
    ((key, password),) = passwords.items()
    created_id = tenants.target.state.lookup("agents", *orjson.loads(key))
    assert created_id is not None
    created = tenants.target.state.find("agents", created_id)
    assert created is not None
    assert created["password"] == password
    journal = (tenants.tmp / "state" / "journal.jsonl").read_bytes()
    assert b'"event":"sent"' in journal
    assert b'"event":"done"' not in journal
    result = await _apply(tenants, plan)
    assert result.ok
    assert _created(tenants.target, "agents.create") == sum(
        1 for a in plan.actions if a.op == "agents.create"
    )
    assert _passwords(tenants)[key] == password  # found by its key: not re-created with a new password
