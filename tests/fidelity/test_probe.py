"""`probe_tenant` / `livevox probe` against a clean and a drifted simulator: exactly the planted
deviations, refusals by role, nothing written, and never a tenant value in the report."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from livevox_async import OPERATIONS, ConfigurationError, Credentials, LiveVox
from livevox_async.tenant import Deviation, ProbeReport, probe_tenant
from livevox_async.testing import Drift, Simulator, StatusChanged
from livevox_async.testing.pytest_plugin import SimulatorFactory

ROOT = Path(__file__).resolve().parents[2]
OWN_SESSION = {"session.login", "session.logout"}
WRITE = "a write: the probe never changes the tenant"


def is_write(op_id: str) -> bool:
    op = OPERATIONS[op_id]
    return not (op.method == "GET" or (op.method == "POST" and op.is_list)) and op_id not in OWN_SESSION


def outcomes(report: ProbeReport) -> dict[str, str]:
    return {r.operation: r.outcome for r in report.results}


async def probe(
    sim: Simulator, creds: Credentials | None = None, families: list[str] | None = None
) -> ProbeReport:
    async with LiveVox(creds or sim.credentials("Sysadmin"), base_url=sim.base_url) as lv:
        return await probe_tenant(lv, families)


# The deviations Drift.sample() plants, written out (not read back from the drift).
PLANTED = {
    "agents.read": (Deviation("unknown_key", "$.loginName", found="string"),),
    "term_codes.read": (Deviation("type", "$.reportOrder", "integer", "string"),),
    "resource_groups.read": (Deviation("enum", "$.type", "one of ResourceGroupType", "ROUND_ROBIN"),),
    "call_centers.list": (Deviation("list_key", "$", "callCenter", "callCenters"),),
    "services.related": (
        Deviation("missing_key", "$.callCenter.id"),
        Deviation("unknown_key", "$.callCenter.callCenterId", found="integer"),
    ),
}


async def test_a_clean_tenant_confirms_every_read_and_calls_no_write(livevox_sim: Simulator) -> None:
    report = await probe(livevox_sim)
    expected = {
        op_id: "not_probed" if op_id in OWN_SESSION or is_write(op_id) else "confirmed"
        for op_id in OPERATIONS
    }
    assert outcomes(report) == expected
    assert report.matches
    assert report.counts == {"confirmed": 63, "differs": 0, "refused": 0, "not_probed": 36}
    assert report.result("agents.create").reason == WRITE
    assert report.result("session.login").reason == "opens or ends the session the probe runs in"
    assert report.session == "user (Sysadmin)"
    calls = Counter(e.operation for e in livevox_sim.request_log)
    assert {op_id for op_id, n in calls.items() if n != 1} == set()  # each operation once
    assert (
        set(calls) == {op_id for op_id, outcome in expected.items() if outcome == "confirmed"} | OWN_SESSION
    )
    assert {e.status for e in livevox_sim.request_log} == {200, 204}


async def test_a_drifted_tenant_shows_exactly_the_planted_deviations(
    livevox_sim_factory: SimulatorFactory,
) -> None:
    sim = await livevox_sim_factory(drift=Drift.sample())
    report = await probe(sim)
    assert report.deviations() == PLANTED
    assert not report.matches
    changed = {op_id for op_id in PLANTED}
    clean = {
        op_id: "not_probed" if op_id in OWN_SESSION or is_write(op_id) else "confirmed"
        for op_id in OPERATIONS
    }
    assert outcomes(report) == {op_id: "differs" if op_id in changed else o for op_id, o in clean.items()}
    # The list under another key still gave the probe a call center to read.
    assert report.result("call_centers.read").outcome == "confirmed"


async def test_a_list_answering_404_differs_and_its_reads_are_not_probed(livevox_sim: Simulator) -> None:
    livevox_sim.drift.add(StatusChanged("voices.list", 404))
    report = await probe(livevox_sim, families=["voices"])
    assert [(r.operation, r.outcome, r.status, r.deviations, r.reason) for r in report.results] == [
        ("voices.list", "differs", 404, (Deviation("status", "$", "200", "404"),), None),
        ("voices.read", "not_probed", None, (), "no id to call it with (nothing was listed)"),
    ]


async def test_refusals_say_who_refused(livevox_sim: Simulator) -> None:
    declared = livevox_sim.credentials("Manager", manager_powers=())
    undeclared = Credentials(
        access_token=declared.access_token,
        client_name=declared.client_name,
        user_name=declared.user_name,
        password=declared.password,
    )
    by_sdk = await probe(livevox_sim, declared, ["agents", "clients"])
    by_livevox = await probe(livevox_sim, undeclared, ["agents"])
    read = by_sdk.result("agents.read")
    assert (read.outcome, read.refused_by, read.status) == ("refused", "sdk", None)
    assert read.reason == (
        "a Manager needs the 'Administer Agents' power for this method; "
        "allowed: IT User, Manager, Superuser, Sysadmin (a Manager needs 'Administer Agents'); "
        "agent sessions too"
    )
    assert by_sdk.result("clients.read_internal").refused_by == "sdk"  # Sysadmin or IT User only
    assert by_sdk.result("clients.read_settings").outcome == "confirmed"
    remote = by_livevox.result("agents.list")
    assert (remote.outcome, remote.refused_by, remote.status) == ("refused", "livevox", 403)
    assert remote.reason is not None
    assert remote.reason.startswith("LiveVox answered 403 to a user session; allowed: ")
    assert by_livevox.result("agents.read").reason == "no id to call it with (nothing was listed)"
    assert by_sdk.matches
    assert by_livevox.matches


async def test_an_agent_session_probes_what_agents_may_call(livevox_sim: Simulator) -> None:
    report = await probe(livevox_sim, livevox_sim.agent_credentials())
    allowed = {op.id for op in OPERATIONS.values() if op.agent_allowed}
    session_reads = {"session.validate", "session.list_active", "session.details"}
    assert {r.operation for r in report.results if r.outcome == "confirmed"} == allowed | session_reads
    refused = {r.operation for r in report.results if r.outcome == "refused"}
    assert all(report.result(op_id).refused_by == "sdk" for op_id in refused)
    assert report.session == "agent"


async def test_families_narrow_the_probe_and_bring_what_they_need(livevox_sim: Simulator) -> None:
    report = await probe(livevox_sim, families=["custom_outcomes"])
    assert outcomes(report) == {"livevox_results.list": "confirmed", "custom_outcomes.read": "confirmed"}
    with pytest.raises(ConfigurationError, match="unknown family: nope"):
        await probe(livevox_sim, families=["nope"])
    assert [e.operation for e in livevox_sim.request_log].count("session.login") == 1


# -- canaries: no tenant value in the report, the table or the JSON -------------------------

CANARIES: dict[tuple[str, int], dict[str, Any]] = {
    ("agents", 100001): {
        "firstName": "Zyxcanaryfirst",
        "lastName": "Qwcanarylast",
        "phone": "5550142857",
        "loginId": "CANARYLOGIN77",
    },
    ("services", 40001): {"name": "Canary Service Qx", "operatorPhone": "5550199001"},
    ("clients", 4199): {"displayName": "Canary Display Co", "defaultScreenPopId": 987654321},
    ("term_codes", 1200001): {"reportOrder": 8675309},
    ("call_centers", 101): {"name": "Canary Center Zq"},
}
CANARY_TEXTS = [str(v) for fields in CANARIES.values() for v in fields.values()] + ["100001", "40001", "4199"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def plant(sim: Simulator) -> None:
    for (family, record_id), fields in CANARIES.items():
        sim.state.change(family, record_id, fields)


def assert_no_canary(text: str) -> None:
    for canary in CANARY_TEXTS:
        assert canary not in text
    assert not UUID.search(text)  # no session id either


async def test_canaries_never_reach_the_report(livevox_sim_factory: SimulatorFactory) -> None:
    sim = await livevox_sim_factory(drift=Drift.sample())
    plant(sim)
    report = await probe(sim)
    assert set(report.deviations()) == set(PLANTED)  # the control: the canaries were read
    assert sim.state.record("agents", 100001)["loginId"] == "CANARYLOGIN77"
    assert_no_canary(orjson.dumps(report.as_json()).decode())
    assert_no_canary(repr(report))


# -- the command ------------------------------------------------------------------------------


async def livevox(sim: Simulator, *args: str) -> tuple[int, str, str]:
    """Run `livevox` on this checkout's code; the simulator keeps serving in this loop."""
    creds = sim.credentials("Sysadmin")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIVEVOX_")}
    env = {
        **clean,
        "PYTHONPATH": str(ROOT),
        "LIVEVOX_ACCESS_TOKEN": creds.access_token,
        "LIVEVOX_CLIENT": creds.client_name,
        "LIVEVOX_USER": creds.user_name,
        "LIVEVOX_PASSWORD": creds.password,
        "LIVEVOX_BASE_URL": sim.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from livevox_async.cli import main; main()",
        *args,
        env=env,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_command_prints_the_report_and_exits_1_on_drift(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(drift=Drift.sample())
    plant(sim)
    code, out, err = await livevox(sim, "probe", "--json", "--out", str(tmp_path / "report.json"))
    assert (code, err) == (1, "")
    document = orjson.loads(out)
    assert orjson.loads((tmp_path / "report.json").read_bytes()) == document
    assert document["counts"] == {"confirmed": 58, "differs": 5, "refused": 0, "not_probed": 36}
    differs = {r["operation"]: r["deviations"] for r in document["operations"] if r["outcome"] == "differs"}
    assert differs == {op_id: [d.as_json() for d in found] for op_id, found in PLANTED.items()}
    code, table, err = await livevox(sim, "probe")
    assert code == 1
    assert "unknown key $.loginName (string)" in table
    assert "list key $: expected callCenter, found callCenters" in table
    for text in (out, table, err):
        assert_no_canary(text)


async def test_the_command_exits_0_when_everything_matches_and_2_on_bad_usage(livevox_sim: Simulator) -> None:
    code, out, _ = await livevox(livevox_sim, "probe", "--family", "voices")
    assert code == 0
    assert "voices.list" in out
    assert "2 confirmed, 0 differs, 0 refused, 0 not probed" in out
    code, _, err = await livevox(livevox_sim, "probe", "--family", "nope")
    assert code == 2
    assert "unknown family nope" in err
