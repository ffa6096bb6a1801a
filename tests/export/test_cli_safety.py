"""The `livevox` command prints what LiveVox (or a file) says literally — markup escaped, escape
sequences removed — and every failure exits with its documented code, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from rich.console import Console
from test_cli import env_for, livevox, one_line_error

from livevox_async import LiveVox, cli
from livevox_async.models import AgentUpdate
from livevox_async.tenant import export_configuration
from livevox_async.testing import Simulator

HOSTILE = "[/oops]\x1b[31m"
"""Rich markup that crashes an unescaped print, and an ANSI colour sequence."""
SHOWN = "[/oops]"
"""What the terminal must show of it."""
WIDE = {"COLUMNS": "400"}
"""No wrapping of table cells, so a message stays on one line."""


def hostile_role(sim: Simulator) -> dict[str, str]:
    """The CLI's environment for a user whose role name holds `HOSTILE`: LiveVox's 403
    messages echo it."""
    env = env_for(sim, **WIDE)
    user = next(u for u in sim.state.values("users") if u["userName"] == env["LIVEVOX_USER"])
    user["role"] = f"Sys{HOSTILE}admin"
    return env


def assert_literal(text: str) -> None:
    assert f"the Sys{SHOWN}admin role may not call" in text, text
    assert "\x1b" not in text
    assert "[31m" not in text


async def test_a_livevox_error_message_is_printed_literally(livevox_sim: Simulator, tmp_path: Path) -> None:
    env = hostile_role(livevox_sim)
    code, out, err = await livevox(
        "export",
        "--out",
        str(tmp_path / "out"),
        "--family",
        "voices",
        "--audit-from",
        "2020-01-01T00:00+00:00",
        "--audit-to",
        "2030-01-01T00:00+00:00",
        "--quiet",
        env=env,
    )
    assert (code, out) == (cli.EXIT_API, "")
    line = one_line_error(err)
    assert line.startswith(
        "error: Find Matching Audit Log Entries (audit_log.search) is not allowed for this user session: "
    )
    assert_literal(line)
    assert (  # the SDK's own brackets survive too
        "allowed: IT User, Manager, Superuser, Sysadmin [LiveVox answered 403] "
        "[audit_log.search, POST /configuration/util/auditLog/search, request id "
    ) in line
    assert (tmp_path / "out" / ".checkpoint").is_dir()  # kept for --resume


async def test_skip_reasons_from_livevox_are_printed_literally(
    livevox_sim: Simulator, tmp_path: Path
) -> None:
    env = hostile_role(livevox_sim)
    out_dir = tmp_path / "out[/dir]"  # the line shows it too
    code, out, err = await livevox("export", "--out", str(out_dir), "--family", "voices", "--quiet", env=env)
    assert (code, out) == (cli.EXIT_AUTH, ""), err  # the only family asked for was refused
    line = one_line_error(err)
    assert "(voices: LiveVox refused voices.list: " in line
    assert f"; {out_dir}/manifest.json lists each refusal" in line
    assert_literal(line)
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        exported = await export_configuration(lv, tmp_path / "partial[/dir]", ["agents"])
    refused = f"LiveVox refused voices.list: the Sys{HOSTILE}admin role may not call List Voices"
    result = attrs.evolve(exported, manifest=attrs.evolve(exported.manifest, skipped={"voices": refused}))
    table, _ = cli.summary_table(result, None)  # a partial export's summary: the skip as a row
    console = Console(file=io.StringIO(), width=400)
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    shown = console.file.getvalue()
    assert "partial[/dir]" in shown
    row = next(line for line in shown.splitlines() if "voices" in line)
    assert "skipped" in row
    assert "LiveVox refused voices.list: " in row
    assert_literal(row)


async def test_drift_in_hostile_values_is_printed_literally_with_the_drift_code(
    livevox_sim: Simulator, tmp_path: Path
) -> None:
    env = env_for(livevox_sim)
    old, new = str(tmp_path / "old"), str(tmp_path / "new")
    assert (await livevox("export", "--out", old, "--family", "agents", "--quiet", env=env))[0] == 0
    agent = livevox_sim.state.records("agents")[7]
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        await lv.agents.update(agent["id"], AgentUpdate(first_name=HOSTILE))
    assert (await livevox("export", "--out", new, "--family", "agents", "--quiet", env=env))[0] == 0
    code, out, err = await livevox("diff", old, new)
    assert (code, err) == (cli.EXIT_DRIFT, "")
    assert out.splitlines() == [
        "agents: 0 added, 0 removed, 1 changed",
        f"  ~ {agent['id']} {agent['loginId']}",
        f"      agents.read.firstName: {agent['firstName']!r} → '[/oops]\\x1b[31m'",
    ]


def test_an_unexpected_error_is_one_line_and_its_own_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError(f"a bug {HOSTILE}")

    monkeypatch.setattr(cli, "diff_exports", broken)
    result = CliRunner().invoke(cli.main, ["diff", str(tmp_path), str(tmp_path)])
    assert result.exit_code == cli.EXIT_INTERNAL
    assert result.output == f"error: internal error (please report it): RuntimeError: a bug {SHOWN}\n"
