"""The `livevox` command (installed with the `cli` extra: `pip install livevox-async[cli]`).

    livevox export --out DIR [--family agents ...] [--rate R] [--concurrency N] [--resume]
    livevox export --demo --out DIR          # against the bundled simulator, no tenant needed
    livevox diff OLD NEW [--json]            # exit 1 when the exports differ
    livevox sim --port 8089 --agents 20000   # the simulator, standalone

Credentials come from the environment: LIVEVOX_ACCESS_TOKEN, LIVEVOX_CLIENT,
LIVEVOX_USER, LIVEVOX_PASSWORD (prompted when absent; never an argument), and
LIVEVOX_REGION (NA3-NA6) or LIVEVOX_BASE_URL.

Exit codes: 0 done (diff: no drift); 1 diff found drift; 2 bad usage or input;
3 LiveVox refused the credentials; 4 LiveVox unreachable or failing; 5 other API
error; 130 interrupted (an export keeps its checkpoint: rerun with --resume).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

try:
    import click
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
    from rich.table import Table
except ImportError as exc:  # pragma: no cover - exercised by hand without the extra
    raise SystemExit("the livevox command needs the cli extra: pip install 'livevox-async[cli]'") from exc

import orjson

from ._client import LiveVox
from ._credentials import Credentials
from ._diff import diff_exports
from ._exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ExportError,
    LiveVoxError,
    TransportError,
)
from ._export import ExportResult, export_configuration
from ._export import Progress as ExportProgress
from ._export_plan import family_names

EXIT_DRIFT = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_UNREACHABLE = 4
EXIT_API = 5
EXIT_INTERRUPTED = 130

DEMO_RATE = 100.0
DEMO_SIZE = {"call_centers": 3, "services": 100, "agents": 1500}

err = Console(stderr=True)


def fail(message: str, code: int) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(code)


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run the command's coroutine; turn every expected failure into one line and an exit code."""
    try:
        return asyncio.run(coroutine)
    except KeyboardInterrupt:
        fail("interrupted; an export keeps its checkpoint: rerun with --resume", EXIT_INTERRUPTED)
    except (ExportError, ConfigurationError) as exc:
        fail(exc.message, EXIT_USAGE)
    except AuthenticationError as exc:
        fail(exc.message, EXIT_AUTH)
    except TransportError as exc:
        fail(f"{exc.message} ({exc.operation})", EXIT_UNREACHABLE)
    except APIError as exc:
        fail(str(exc), EXIT_UNREACHABLE if exc.status >= 500 else EXIT_API)
    except LiveVoxError as exc:
        fail(str(exc), EXIT_API)


def credentials_from_env() -> tuple[Credentials, str | None, str | None]:
    env = os.environ
    missing = [k for k in ("LIVEVOX_ACCESS_TOKEN", "LIVEVOX_CLIENT", "LIVEVOX_USER") if not env.get(k)]
    if missing:
        fail(f"set {', '.join(missing)} in the environment (see `livevox export --help`)", EXIT_USAGE)
    password = env.get("LIVEVOX_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            fail("LIVEVOX_PASSWORD is not set and there is no terminal to ask for it", EXIT_USAGE)
        password = click.prompt("LiveVox password", hide_input=True)
    region, base_url = env.get("LIVEVOX_REGION"), env.get("LIVEVOX_BASE_URL")
    if bool(region) == bool(base_url):
        fail("set exactly one of LIVEVOX_REGION (NA3-NA6) or LIVEVOX_BASE_URL", EXIT_USAGE)
    creds = Credentials(
        access_token=env["LIVEVOX_ACCESS_TOKEN"],
        client_name=env["LIVEVOX_CLIENT"],
        user_name=env["LIVEVOX_USER"],
        password=password,
    )
    return creds, region or None, base_url or None


class ProgressBars:
    """One rich progress bar per family."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>7} items/s"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.started: dict[str, float] = {}

    def __call__(self, event: ExportProgress) -> None:
        if not self.tasks:
            self.progress.start()  # only once there is something to show
        if event.family not in self.tasks:
            self.tasks[event.family] = self.progress.add_task(event.family, total=None, rate="")
            self.started[event.family] = time.monotonic()
        task = self.tasks[event.family]
        elapsed = max(time.monotonic() - self.started[event.family], 1e-6)
        if event.phase == "skipped":
            self.progress.update(task, description=f"{event.family} (skipped)", total=0, completed=0)
        elif event.phase == "listing":
            self.progress.update(task, description=f"{event.family} (list)", completed=event.done)
        else:
            self.progress.update(
                task,
                description=event.family,
                completed=event.done,
                total=event.total,
                rate=f"{event.done / elapsed:.0f}",
            )


def summary_table(result: ExportResult, rate: float | None) -> tuple[Table, str]:
    """The per-family table and the line below it (rate achieved, throttles, retries, time)."""
    manifest = result.manifest
    totals = manifest["totals"]
    table = Table(title=f"Exported to {result.out_dir}", title_justify="left")
    for column in ("family", "items", "requests"):
        table.add_column(column, justify="right" if column != "family" else "left")
    for name, family in manifest["families"].items():
        table.add_row(name, str(family["count"]), str(family["requests"]))
    for name, reason in manifest["skipped"].items():
        table.add_row(f"[dim]{name}[/]", "[dim]skipped[/]", f"[dim]{reason}[/]")
    achieved = totals["http_requests"] / totals["seconds"] if totals["seconds"] else 0.0
    table.add_section()
    table.add_row("total", str(totals["objects"]), str(totals["http_requests"]))
    limit = f" (limit {rate:g}/s, {achieved / rate:.0%})" if rate else ""
    line = (
        f"{achieved:.1f} requests/s{limit} · {totals['throttles']} throttled · "
        f"{totals['retries']} retried · {totals['seconds']:.1f}s"
    )
    return table, line


async def _export(
    client: Callable[[], LiveVox],
    out: Path,
    families: tuple[str, ...],
    concurrency: int,
    resume: bool,
    audit_log: tuple[datetime, datetime] | None,
    quiet: bool,
    as_json: bool,
) -> ExportResult:
    bars = None if quiet or as_json else ProgressBars(err)
    async with client() as lv:
        try:
            return await export_configuration(
                lv,
                out,
                families or None,
                concurrency=concurrency,
                resume=resume,
                audit_log=audit_log,
                progress=bars,
            )
        finally:
            if bars is not None:
                bars.progress.stop()


async def _demo_export(
    out: Path,
    families: tuple[str, ...],
    concurrency: int,
    resume: bool,
    quiet: bool,
    as_json: bool,
    rate: float,
) -> ExportResult:
    from .testing import Simulator, SimulatorConfig, TenantSize

    config = SimulatorConfig(seed=1, size=TenantSize(**DEMO_SIZE), rate_limit=DEMO_RATE, rate_burst=5)
    async with Simulator(config) as sim:
        if not (quiet or as_json):
            err.print(
                f"[bold]demo:[/] LiveVox simulator at {sim.base_url} with {DEMO_SIZE['agents']} agents, "
                f"{DEMO_SIZE['services']} services; it allows {DEMO_RATE:g} requests/s per token, "
                f"the client sends at most {rate:g}/s",
                soft_wrap=True,
            )
        creds = sim.credentials("Sysadmin")
        return await _export(
            lambda: LiveVox(
                creds, base_url=sim.base_url, rate=rate, burst=2, max_concurrency=concurrency * 4
            ),
            out,
            families,
            concurrency,
            resume,
            None,
            quiet,
            as_json,
        )


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"not an ISO date: {value!r} (e.g. 2026-01-31 or 2026-01-31T12:00+00:00)", EXIT_USAGE)
    return parsed if parsed.tzinfo else parsed.astimezone()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="livevox-async")
def main() -> None:
    """livevox-async: export and diff a LiveVox tenant's configuration."""


@main.command("export")
@click.option(
    "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output directory."
)
@click.option(
    "--family", "families", multiple=True, metavar="NAME", help="Export only these families (repeatable)."
)
@click.option(
    "--rate", type=float, default=None, help="Requests/second per access token (default: adaptive)."
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=16, show_default=True)
@click.option("--resume", is_flag=True, help="Finish an interrupted export in --out.")
@click.option("--audit-from", help="Also export audit-log entries from this ISO date…")
@click.option("--audit-to", help="…to this one.")
@click.option(
    "--demo", is_flag=True, help="Export the bundled simulator's seeded tenant (no credentials needed)."
)
@click.option("--quiet", is_flag=True, help="No progress bars or summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON on stdout.")
def export_command(
    out: Path,
    families: tuple[str, ...],
    rate: float | None,
    concurrency: int,
    resume: bool,
    audit_from: str | None,
    audit_to: str | None,
    demo: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Export every configuration family the session may read into --out."""
    unknown = sorted(set(families) - set(family_names()))
    if unknown:
        fail(f"unknown family {', '.join(unknown)}; known: {', '.join(family_names())}", EXIT_USAGE)
    if rate is not None and rate <= 0:
        fail("--rate must be > 0", EXIT_USAGE)
    start, end = _date(audit_from), _date(audit_to)
    if (start is None) != (end is None):
        fail("give both --audit-from and --audit-to", EXIT_USAGE)
    audit_log = (start, end) if start is not None and end is not None else None
    if demo:
        result = run(_demo_export(out, families, concurrency, resume, quiet, as_json, rate or DEMO_RATE))
    else:
        creds, region, base_url = credentials_from_env()
        result = run(
            _export(
                lambda: LiveVox(
                    creds, region=region, base_url=base_url, rate=rate, max_concurrency=concurrency * 4
                ),
                out,
                families,
                concurrency,
                resume,
                audit_log,
                quiet,
                as_json,
            )
        )
    if as_json:
        click.echo(orjson.dumps(result.manifest, option=orjson.OPT_INDENT_2).decode())
    elif not quiet:
        table, line = summary_table(result, rate or (DEMO_RATE if demo else None))
        console = Console()
        console.print(table)
        console.print(line, soft_wrap=True, highlight=False)


@main.command("diff")
@click.argument("old", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def diff_command(old: Path, new: Path, as_json: bool) -> None:
    """Show configuration drift between two exports; exit 1 when they differ."""
    try:
        drift = diff_exports(old, new)
    except ExportError as exc:
        fail(exc.message, EXIT_USAGE)
    if as_json:
        click.echo(orjson.dumps(drift.as_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        out = Console(highlight=False)
        if drift.is_empty:
            out.print("no drift")
        for name in drift.only_old:
            out.print(f"[red]- family {name}[/] (only in {old})")
        for name in drift.only_new:
            out.print(f"[green]+ family {name}[/] (only in {new})")
        for name, family in drift.families.items():
            out.print(
                f"[bold]{name}[/]: {len(family.added)} added, {len(family.removed)} removed, "
                f"{len(family.changed)} changed"
            )
            for item in family.added:
                out.print(f"  [green]+ {item}[/]")
            for item in family.removed:
                out.print(f"  [red]- {item}[/]")
            for change in family.changed:
                out.print(f"  [yellow]~ {change.id}[/]")
                for field in change.fields:
                    out.print(f"      {field.path}: {field.old!r} → {field.new!r}")
    sys.exit(0 if drift.is_empty else EXIT_DRIFT)


@main.command("sim", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def sim_command(ctx: click.Context) -> None:
    """Run the LiveVox simulator (same options as `livevox-sim --help`)."""
    from .testing._main import main as sim_main

    sys.exit(sim_main(list(ctx.args)))


from . import _cli_plan  # noqa: E402, F401  (registers the plan and apply commands)
