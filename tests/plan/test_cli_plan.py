"""`livevox plan` and `livevox apply`, run as subprocesses against two simulators."""

from __future__ import annotations

import asyncio
import os
import pty
import sys
from pathlib import Path

import orjson
from plan_support import Tenants, writes

from livevox_async.testing import Simulator

ROOT = Path(__file__).resolve().parents[2]
CLI = "from livevox_async.cli import main; main()"


def cli_env(sim: Simulator) -> dict[str, str]:
    """A user's environment whose `LIVEVOX_*` variables point at `sim`."""
    creds = sim.credentials("Sysadmin")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEVOX_")}
    return env | {
        "LIVEVOX_ACCESS_TOKEN": creds.access_token,
        "LIVEVOX_CLIENT": creds.client_name,
        "LIVEVOX_USER": creds.user_name,
        "LIVEVOX_PASSWORD": creds.password,
        "LIVEVOX_BASE_URL": sim.base_url,
        "COLUMNS": "200",
    }


async def livevox(*args: str, sim: Simulator) -> tuple[int, str, str]:
    """Run this checkout's CLI against `sim`; the simulators keep serving in this loop meanwhile."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLI,
        *args,
        cwd=ROOT,
        env=cli_env(sim),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_plan_apply_and_plan_again(tenants: Tenants) -> None:
    source = await tenants.export_source()
    plan_file, passwords = tenants.tmp / "plan.json", tenants.tmp / "pw.jsonl"
    code, out, err = await livevox(
        "plan", "--from", str(source), "--prune", "term_codes", "--out", str(plan_file), sim=tenants.target
    )
    assert code == 1, err
    assert '+ create "ABROWN00004"' in out
    assert '~ update "Denver Call Center"' in out
    assert '- delete "Collections 0001 / Sale"' in out
    assert '+ add services "Billing 0004" to agents "NALLEN00005"' in out
    lines = out.splitlines()
    update = lines.index('  ~ update "Denver Call Center"')
    assert lines[update + 1 : update + 5] == [
        '      billingSystem: "STANDARD" → "PRIORITY"',
        "      defaultInputFilter: 1 → 99",
        '      managerName: "Carol Flores" → "Matthew Wright"',
        "      warning: the schema only infers the body fields "
        "billingSystem, defaultInputFilter, managerName",
    ]
    assert lines[-4:-2] == [
        "75 actions use an inferred endpoint: apply sends them only with --allow-inferred",
        "21 actions send body fields the schema only infers (warnings above): "
        "LiveVox may ignore or refuse them",
    ]
    assert out.splitlines()[-2].startswith(
        "Plan: 22 to create, 29 to update, 10 to delete, 52 members to add"
    )
    assert writes(tenants.target) == []
    code, out, err = await livevox(
        "apply",
        str(plan_file),
        "--yes",
        "--allow-inferred",
        "--passwords",
        str(passwords),
        "--quiet",
        sim=tenants.target,
    )
    assert code == 0, out + err
    assert "122 applied" in out
    state = tenants.tmp / "plan.json.state"  # no --state-dir: beside the plan
    assert f"Backup of the touched families before writing: {state / 'backup'}" in out
    assert (state / "journal.jsonl").read_bytes().count(b'"event":"done"') == 122
    assert "Re-plan: no changes (the target matches the source)." in out
    for line in passwords.read_bytes().splitlines():
        secret = orjson.loads(line)["password"]
        assert secret not in out + err
    code, out, _ = await livevox(
        "plan", "--from", str(source), "--out", str(tenants.tmp / "again.json"), sim=tenants.target
    )
    assert code == 0
    assert "No changes: the target matches the source." in out


async def test_apply_lists_what_it_did_not_do_and_exits_1(tenants: Tenants) -> None:
    source = await tenants.export_source()
    plan_file = tenants.tmp / "plan.json"
    await livevox("plan", "--from", str(source), "--out", str(plan_file), sim=tenants.target)
    code, out, err = await livevox(
        "apply",
        str(plan_file),
        "--yes",
        "--passwords",
        str(tenants.tmp / "pw"),
        "--quiet",
        sim=tenants.target,
    )
    assert code == 1, err
    refused = [line for line in out.splitlines() if line.strip().startswith("refused ")]
    assert refused
    assert all("is inferred" in line for line in refused)
    assert "Re-plan:" in out


async def test_apply_off_a_terminal_needs_yes_and_a_passwords_file(tenants: Tenants) -> None:
    source = await tenants.export_source()
    plan_file = tenants.tmp / "plan.json"
    await livevox("plan", "--from", str(source), "--out", str(plan_file), sim=tenants.target)
    code, _, err = await livevox("apply", str(plan_file), sim=tenants.target)
    assert (code, err.strip()) == (2, "error: not a terminal to confirm on: pass --yes to apply")
    code, _, err = await livevox("apply", str(plan_file), "--yes", "--quiet", sim=tenants.target)
    assert code == 2
    assert (
        err.strip()
        == "error: the plan creates agents or users: give a passwords file for their initial passwords"
    )
    code, _, err = await livevox(
        "plan", "--from", str(source), "--prune", "voices", "--out", "x", sim=tenants.target
    )
    assert code == 2
    assert err.startswith("error: cannot plan voices")
    assert writes(tenants.target) == []


async def test_names_from_the_server_reach_the_terminal_escaped(tenants: Tenants) -> None:
    tenants.source.state.change("call_centers", 101, {"name": "[bold red]Boom\x1b[2J"})
    source = await tenants.export_source()
    code, out, _ = await livevox(
        "plan",
        "--from",
        str(source),
        "--family",
        "call_centers",
        "--out",
        str(tenants.tmp / "p.json"),
        sim=tenants.target,
    )
    assert code == 1
    assert "\x1b" not in out
    assert '+ create "[bold red]Boom\\u001b[2J"' in out


async def test_apply_on_a_terminal_asks_first_and_a_no_writes_nothing(tenants: Tenants) -> None:
    source = await tenants.export_source()
    plan_file = tenants.tmp / "plan.json"
    await livevox("plan", "--from", str(source), "--out", str(plan_file), sim=tenants.target)
    controller, terminal = pty.openpty()
    os.write(controller, b"n\n")
    args = ["apply", str(plan_file), "--passwords", str(tenants.tmp / "pw.jsonl")]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLI,
        *args,
        cwd=ROOT,
        env=cli_env(tenants.target),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    code = await asyncio.wait_for(process.wait(), 60)
    shown = os.read(controller, 65536).decode()
    os.close(controller)
    assert code == 2
    assert "Apply 112 actions (0 deletes) to LiveVox client 4199? [y/N]: " in shown
    assert shown.endswith("error:\x1b[0m not applied\r\n")
    assert writes(tenants.target) == []
    assert not (tenants.tmp / "plan.json.state").exists()


async def test_apply_shows_its_progress_on_stderr(tenants: Tenants) -> None:
    source = await tenants.export_source()
    plan_file = str(tenants.tmp / "plan.json")
    await livevox(
        "plan", "--from", str(source), "--family", "call_centers", "--out", plan_file, sim=tenants.target
    )
    code, out, err = await livevox("apply", plan_file, "--yes", "--allow-inferred", sim=tenants.target)
    assert code == 0, out + err
    assert err == "applying " + "━" * 40 + " 2/2\n"
    assert out.splitlines()[0] == "2 applied"
