"""The `livevox` command, run as a subprocess against the simulator: exports, diff, bad input."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import orjson
import pytest

import livevox_async
from livevox_async.testing import ListQuirks, Simulator, TenantSize
from livevox_async.testing.pytest_plugin import SimulatorFactory

LIVEVOX = str(Path(sys.executable).with_name("livevox"))
SOURCE = str(Path(livevox_async.__file__).resolve().parent.parent)
"""The checkout under test: the command must run it, not whatever the venv was installed from."""


async def start_livevox(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    """Start the CLI in a child process (no `LIVEVOX_*` variable but those of `env`)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIVEVOX_")}
    return await asyncio.create_subprocess_exec(
        LIVEVOX,
        *args,
        env={**clean, "PYTHONPATH": SOURCE, **(env or {})},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a CLI run once it ends."""
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def livevox(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the CLI; the simulator keeps serving in this event loop meanwhile."""
    return await finished(await start_livevox(*args, env=env))


def env_for(sim: Simulator, **overrides: str) -> dict[str, str]:
    creds = sim.credentials("Sysadmin")
    env = {
        "LIVEVOX_ACCESS_TOKEN": creds.access_token,
        "LIVEVOX_CLIENT": creds.client_name,
        "LIVEVOX_USER": creds.user_name,
        "LIVEVOX_PASSWORD": creds.password,
        "LIVEVOX_BASE_URL": sim.base_url,
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v}


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("error: ")
    return lines[0]


async def test_export_then_diff(livevox_sim: Simulator, tmp_path: Path) -> None:
    env = env_for(livevox_sim)
    code, out, _ = await livevox(
        "export", "--out", str(tmp_path / "a"), "--family", "voices", "--json", env=env
    )
    assert code == 0
    manifest = orjson.loads(out)
    assert manifest["families"]["voices"]["count"] == 10
    code, _, err = await livevox(
        "export", "--out", str(tmp_path / "b"), "--family", "voices", "--quiet", env=env
    )
    assert (code, err) == (0, "")
    code, out, _ = await livevox("diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert (code, out.strip()) == (0, "no drift")
    code, out, _ = await livevox("diff", "--json", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 0
    assert orjson.loads(out) == {"families": {}, "only_old": [], "only_new": []}


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["--family", "nope"], {}, 2, "unknown family nope"),
        ([], {"LIVEVOX_BASE_URL": "", "LIVEVOX_REGION": "EU1"}, 2, "unknown LiveVox region 'EU1'"),
        ([], {"LIVEVOX_BASE_URL": "http://127.0.0.1:9"}, 4, "could not connect to LiveVox"),
        ([], {"LIVEVOX_PASSWORD": "wrong-password1"}, 3, "LiveVox refused the login"),
        ([], {"LIVEVOX_PASSWORD": ""}, 2, "LIVEVOX_PASSWORD is not set and there is no terminal"),
        ([], {"LIVEVOX_USER": ""}, 2, "set LIVEVOX_USER in the environment"),
        (["--rate", "0"], {}, 2, "--rate must be a finite number > 0, got 0.0"),
        (["--rate", "nan"], {}, 2, "--rate must be a finite number > 0, got nan"),
        ([], {"LIVEVOX_ROLE": "sysadmin"}, 2, "unknown role 'sysadmin' (did you mean 'Sysadmin'?)"),
        ([], {"LIVEVOX_AGENT": "maybe"}, 2, "LIVEVOX_AGENT must be 1 or 0"),
    ],
)
async def test_bad_input_gets_one_line_and_an_exit_code(
    livevox_sim: Simulator, tmp_path: Path, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    got, _, err = await livevox(
        "export", "--out", str(tmp_path / "out"), "--family", "voices", *args, env=env_for(livevox_sim, **env)
    )
    assert got == code
    assert message in one_line_error(err)
    secrets = env_for(livevox_sim)
    assert secrets["LIVEVOX_PASSWORD"] not in err
    assert secrets["LIVEVOX_ACCESS_TOKEN"] not in err


async def test_output_directory_problems(livevox_sim: Simulator, tmp_path: Path) -> None:
    env = env_for(livevox_sim)
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = await livevox("export", "--out", str(blocker / "x"), "--family", "voices", env=env)
    assert code == 2
    assert "cannot write to the output directory" in one_line_error(err)
    done = tmp_path / "done"
    assert (await livevox("export", "--out", str(done), "--family", "voices", "--quiet", env=env))[0] == 0
    code, _, err = await livevox("export", "--out", str(done), "--family", "voices", env=env)
    assert code == 2
    assert "already holds a complete export" in one_line_error(err)
    code, _, err = await livevox("diff", str(done), str(tmp_path / "missing"))
    assert code == 2
    assert "not a complete export" in one_line_error(err)


async def test_the_summary_shows_what_the_export_noticed(
    livevox_sim_factory: SimulatorFactory, tmp_path: Path
) -> None:
    sim = await livevox_sim_factory(size=TenantSize(call_centers=1, services=2, agents=40, agent_skills=0))
    sim.list_quirks = ListQuirks(
        empty_404=True, vanish_per_page=2, families=frozenset({"agents", "agent_skills"})
    )
    code, out, err = await livevox(
        "export",
        "--out",
        str(tmp_path / "a"),
        "--family",
        "agents",
        "--family",
        "agent_skills",
        env=env_for(sim),
    )
    assert code == 0, err
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") >= 4}
    assert "empty by 404 (check the path)" in rows["agent_skills"]
    assert "4 vanished" in rows["agents"]  # two by the first pass, two by the re-list it caused
