"""`livevox export` for teams, run as a subprocess against the simulator: --exclude, a session
that can read nothing, --resume with nothing to resume, coherent totals after a resume, and
every environment variable in the help of each command that logs in and in the README."""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

import orjson
import pytest
from export_support import Export, interrupted_export
from test_cli import env_for, finished, livevox, one_line_error, start_livevox

from livevox_async import ENVIRONMENT, ExportError, cli
from livevox_async.tenant import Manifest
from livevox_async.tenant._export_plan import family_names
from livevox_async.testing import Simulator

README = Path(__file__).resolve().parents[2] / "README.md"
WIDE = {"COLUMNS": "200"}
"""No wrapping of the summary table."""


def table_rows(out: str) -> dict[str, list[str]]:
    """The summary table's rows by family (and `family`, the header, and `total`): the cells
    after the first."""
    rows = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in re.split("[│┃]", line)[1:-1]]
        if len(cells) == 4:
            rows[cells[0]] = cells[1:]
    return rows


async def test_exclude_leaves_families_out(livevox_sim: Simulator, tmp_path: Path) -> None:
    env = env_for(livevox_sim)
    code, out, err = await livevox(
        "export", "--out", str(tmp_path / "a"), "--exclude", "agents", "--json", env=env
    )
    assert (code, err) == (0, "")
    assert list(orjson.loads(out)["families"]) == sorted(set(family_names()) - {"agents"})
    code, out, err = await livevox(
        "export",
        "--out",
        str(tmp_path / "b"),
        *("--family", "agents", "--family", "voices", "--family", "services"),
        *("--exclude", "services"),
        "--json",
        env=env,
    )
    assert (code, err) == (0, "")
    assert list(orjson.loads(out)["families"]) == ["agents", "voices"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exclude", "nope"], f"unknown family nope (--exclude); known: {', '.join(family_names())}"),
        (["--exclude", "voices"], "--exclude leaves no family to export"),  # --family voices is given
    ],
)
async def test_a_bad_exclude_is_a_usage_error(
    livevox_sim: Simulator, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    code, _, err = await livevox(
        "export", "--out", str(out), "--family", "voices", *args, env=env_for(livevox_sim)
    )
    assert code == cli.EXIT_USAGE
    assert one_line_error(err) == f"error: {message}"
    assert livevox_sim.request_log == []
    assert not out.exists()


def reporting_env(sim: Simulator, *, declared: bool) -> dict[str, str]:
    """A user whose role has no Configuration access; `declared`: LIVEVOX_ROLE says so."""
    creds = sim.credentials("Reporting")
    return env_for(
        sim,
        LIVEVOX_USER=creds.user_name,
        LIVEVOX_PASSWORD=creds.password,
        LIVEVOX_ROLE="Reporting" if declared else "",
        **WIDE,
    )


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        (True, "the Reporting role may not call this method (agent_skills.list, agent_skills.read)"),
        (False, "LiveVox refused agent_skills.info: "),
    ],
    ids=["refused by the declared role", "refused by LiveVox"],
)
async def test_a_session_that_can_read_nothing_exits_3_with_one_line(
    livevox_sim: Simulator, tmp_path: Path, declared: bool, reason: str
) -> None:
    out = tmp_path / "out"
    env = reporting_env(livevox_sim, declared=declared)
    code, stdout, err = await livevox("export", "--out", str(out), "--quiet", env=env)
    assert (code, stdout) == (cli.EXIT_AUTH, "")
    line = one_line_error(err)
    assert line.startswith(
        f"error: the session could read nothing: all {len(family_names())} families asked for were "
        f"refused (agent_skills: {reason}"
    ), line
    assert line.endswith(f"; {out / 'manifest.json'} lists each refusal")
    manifest = Manifest.from_json((out / "manifest.json").read_bytes(), "manifest.json")
    assert (manifest.families, sorted(manifest.skipped)) == ({}, sorted(family_names()))
    configuration_calls = [
        e for e in livevox_sim.request_log if not e.operation or "session" not in e.operation
    ]
    assert bool(configuration_calls) is not declared  # a declared role is refused before sending
    assert all(e.status == 403 for e in configuration_calls)


async def test_an_export_that_read_nothing_says_so(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    result = await export(tmp_path / "out", credentials=livevox_sim.credentials("Reporting"))
    assert result.read_nothing
    assert set(result.skipped) == set(family_names())
    partial = await export(tmp_path / "agent", credentials=livevox_sim.agent_credentials())
    assert not partial.read_nothing  # an agent reads six families; the rest are skipped


@pytest.mark.parametrize("directory", ["missing", "empty", "not an export"])
async def test_resume_with_nothing_to_resume_stops(
    livevox_sim: Simulator, tmp_path: Path, directory: str
) -> None:
    out = tmp_path / directory
    if directory != "missing":
        out.mkdir()
    if directory == "not an export":
        (out / "notes.txt").write_text("mine")
    code, stdout, err = await livevox(
        "export", "--out", str(out), "--family", "voices", "--resume", env=env_for(livevox_sim)
    )
    assert (code, stdout) == (cli.EXIT_USAGE, "")
    assert one_line_error(err) == (
        f"error: nothing to resume in {out}: it holds no interrupted export; "
        "start a new one without resume=True (--resume)"
    )
    assert livevox_sim.request_log == []  # not even a login
    assert out.exists() is (directory != "missing")  # a missing directory is not made
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert left == (["notes.txt"] if directory == "not an export" else [])


async def test_resume_with_nothing_to_resume_is_an_export_error(export: Export, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"^nothing to resume in .+: it holds no interrupted export;"):
        await export(tmp_path / "never", families=["voices"], resume=True)
    assert not (tmp_path / "never").exists()


async def test_ctrl_c_before_the_first_checkpoint_says_to_start_again(
    livevox_sim: Simulator, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    livevox_sim.set_latency(60)  # the login hangs: the export is stopped before its checkpoint
    process = await start_livevox("export", "--out", str(out), "--family", "voices", env=env_for(livevox_sim))
    for _ in range(1500):  # the lock is taken before the login
        if (out / ".export.lock").exists() or process.returncode is not None:
            break
        await asyncio.sleep(0.02)
    process.send_signal(signal.SIGINT)
    code, stdout, err = await finished(process)
    assert (code, stdout) == (cli.EXIT_INTERRUPTED, "")
    assert one_line_error(err) == (
        "error: interrupted; nothing was checkpointed yet: run the same command again (without --resume)"
    )
    livevox_sim.set_latency(None)
    code, stdout, err = await livevox(
        "export", "--out", str(out), "--family", "voices", env=env_for(livevox_sim)
    )
    assert (code, "Traceback" in err) == (0, False), err
    assert (out / "manifest.json").is_file()


async def test_ctrl_c_after_the_checkpoint_says_to_resume(livevox_sim: Simulator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        cli.resume_hint(out) == "nothing was checkpointed yet: run the same command again (without --resume)"
    )
    await interrupted_export(livevox_sim, out, ["agents", "voices"])
    assert cli.resume_hint(out) == "the checkpoint is kept: rerun with --resume"


async def test_totals_after_a_resume_agree_and_say_which_run(livevox_sim: Simulator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    await interrupted_export(livevox_sim, out, ["agents", "voices"])
    livevox_sim.request_log.clear()
    code, stdout, err = await livevox(
        "export",
        "--out",
        str(out),
        *("--family", "agents", "--family", "voices", "--resume"),
        env=env_for(livevox_sim, **WIDE),
    )
    assert (code, "Traceback" in err) == (0, False), err
    manifest = Manifest.from_json((out / "manifest.json").read_bytes(), "manifest.json")
    totals = manifest.totals
    rows = table_rows(stdout)
    assert rows.pop("family") == ["items", "requests, all runs", "checks"]
    assert rows.pop("total") == [str(totals.objects), str(totals.requests), ""]
    assert rows == {
        name: [str(family.count), str(family.requests), ""] for name, family in manifest.families.items()
    }
    assert totals.requests == sum(family.requests for family in manifest.families.values())
    title = "".join(stdout.split("┏")[0].split())  # rich wraps it to the table's width
    assert title == f"Exportedto{out}(resumed)"
    sent = [e for e in livevox_sim.request_log if e.operation != "session.logout"]
    assert totals.http_requests == len(sent) < totals.requests  # this run did not repeat the first
    assert re.search(
        rf"^this run: {len(sent)} HTTP requests \(login and retries included\) in ", stdout, re.M
    )


async def test_an_export_without_resume_totals_its_column(livevox_sim: Simulator, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = await livevox(
        "export",
        "--out",
        str(out),
        "--family",
        "agents",
        "--family",
        "voices",
        env=env_for(livevox_sim, **WIDE),
    )
    assert (code, "Traceback" in err) == (0, False), err
    manifest = Manifest.from_json((out / "manifest.json").read_bytes(), "manifest.json")
    rows = table_rows(stdout)
    assert rows["family"] == ["items", "requests", "checks"]
    assert rows["total"] == [str(manifest.totals.objects), str(manifest.totals.requests), ""]
    assert "this run" not in stdout
    sent = [e for e in livevox_sim.request_log if e.operation != "session.logout"]
    assert re.search(rf"^{len(sent)} HTTP requests \(login and retries included\) in ", stdout, re.M)


@pytest.mark.parametrize("command", ["export", "probe", "plan", "apply"])
async def test_every_command_that_logs_in_lists_every_variable(command: str) -> None:
    code, out, _ = await livevox(command, "--help", env={"COLUMNS": "200"})
    assert code == 0
    listed = out.split("Environment:\n", 1)[1]
    for name, meaning in ENVIRONMENT.items():
        assert re.search(rf"^ +{name} +{re.escape(meaning)}$", listed, re.M), (command, name)


def test_the_readme_lists_every_variable() -> None:
    rows = "\n".join(f"| `{name}` | {meaning} |" for name, meaning in ENVIRONMENT.items())
    assert f"| variable | holds |\n|---|---|\n{rows}\n" in README.read_text()


async def test_pooled_tokens_and_an_agent_login_from_the_environment(
    livevox_sim: Simulator, tmp_path: Path
) -> None:
    tokens = ",".join(livevox_sim.access_tokens[:2])
    env = env_for(livevox_sim, LIVEVOX_ACCESS_TOKEN="", LIVEVOX_ACCESS_TOKENS=tokens)
    code, _, err = await livevox(
        "export", "--out", str(tmp_path / "pool"), "--family", "agents", "--quiet", env=env
    )
    assert (code, err) == (0, "")
    logins = {e.access_token_index for e in livevox_sim.request_log if e.operation == "session.login"}
    assert logins <= {0, 1}
    assert len(logins) >= 1
    agent = livevox_sim.agent_credentials()
    env = env_for(
        livevox_sim, LIVEVOX_USER=agent.user_name, LIVEVOX_PASSWORD=agent.password, LIVEVOX_AGENT="1"
    )
    code, out, err = await livevox("export", "--out", str(tmp_path / "agent"), "--json", env=env)
    assert (code, err) == (0, "")
    manifest = orjson.loads(out)
    assert sorted(manifest["families"]) == sorted(
        ["agents", "call_centers", "screen_pops", "term_codes", "term_code_categories", "livevox_results"]
    )
    assert manifest["skipped"]["users"].startswith("agent sessions may not call this method")
