"""The `livevox` command (installed with the `cli` extra: `pip install livevox-async[cli]`).

    livevox export --out DIR [--family agents ...] [--exclude users ...] [--rate R] [--resume]
    livevox export --demo --out DIR          # against the bundled simulator, no tenant needed
    livevox diff OLD NEW [--json]            # exit 1 when the exports differ
    livevox sim --port 8089 --agents 20000   # the simulator, standalone

Credentials come from the environment (`livevox_async.ENVIRONMENT`, listed by the
`--help` of every command that logs in: export, probe, plan, apply):
LIVEVOX_ACCESS_TOKEN (or LIVEVOX_ACCESS_TOKENS to pool sessions), LIVEVOX_CLIENT,
LIVEVOX_USER, LIVEVOX_PASSWORD (prompted when absent; never an argument), LIVEVOX_AGENT,
LIVEVOX_ROLE, LIVEVOX_MANAGER_POWERS, and LIVEVOX_REGION (NA3-NA6) or LIVEVOX_BASE_URL.

Exit codes:
    0    done (diff: no drift)
    1    differences: diff found drift, plan planned changes, apply left something undone,
         probe found a shape that differs (no failure exits 1: a bug exits 70)
    2    bad usage or input: arguments, environment, the output directory (not empty,
         another export running in it, a symlink in it, a damaged checkpoint, nothing
         to --resume), an export to diff that is incomplete or damaged; also a full or
         failing disk (the checkpoint is kept: rerun with --resume); sim: a bad option
         or value, or a port it cannot listen on (one in use: pick another --port)
    3    LiveVox refused the credentials, or the session may read none of the families
         asked for (export: every one refused, by the declared role or by LiveVox)
    4    LiveVox unreachable or failing
    5    any other LiveVox error
    70   internal error: a bug in livevox-async (please report it)
    130  interrupted (an export that checkpointed: rerun with --resume)
Every failure is one line on stderr, never a traceback. Text that came from LiveVox or
from disk (messages, names, values) is printed literally: markup escaped, control
characters removed.
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
import re
import sys
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, ParamSpec

try:
    import click
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
    from rich.table import Table
except ImportError as exc:  # pragma: no cover - exercised by hand without the extra
    print("the livevox command needs the cli extra: pip install 'livevox-async[cli]'", file=sys.stderr)
    raise SystemExit(2) from exc

import orjson

from ._client import LiveVox
from ._credentials import ENVIRONMENT, Credentials, endpoint_from_env
from ._exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ExportError,
    LiveVoxError,
    TransportError,
)
from .tenant._diff import ExportDiff, Member, diff_exports
from .tenant._export import ExportResult, export_configuration
from .tenant._export import Progress as ExportProgress
from .tenant._export_dir import MANIFEST, holds_checkpoint
from .tenant._export_plan import family_names
from .tenant._manifest import FamilyManifest

EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_UNREACHABLE = 4
EXIT_API = 5
EXIT_DRIFT = 1
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

DEMO_RATE = 100.0
DEMO_SIZE = {"call_centers": 3, "services": 100, "agents": 1500}

err = Console(stderr=True)


P = ParamSpec("P")

_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)")
"""An ANSI escape sequence: CSI (`ESC [ 31 m`), OSC (`ESC ] … BEL`) or a two-byte one."""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and C1 controls."""


def plain(text: object) -> str:
    """`text` to print literally through rich: escape sequences and control characters
    (but tab and newline) removed, markup escaped. Every piece of text that came from
    LiveVox or from disk goes through it.

        >>> print(plain("[/oops] \x1b[31mred\x07"))
        \\[/oops] red
    """
    return escape(_CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text))))


def fail(message: str, code: int) -> NoReturn:
    err.print(f"[bold red]error:[/] {plain(message)}", highlight=False, soft_wrap=True)
    sys.exit(code)


SEVERITY = (EXIT_AUTH, EXIT_UNREACHABLE, EXIT_API, EXIT_USAGE)
"""When several families failed, the exit code is the first of these that any failure has."""


def exit_code(exc: LiveVoxError) -> int:
    """The documented exit code for an error (the most severe of an export's failures).

    >>> from livevox_async import ExportError, ServerError
    >>> exit_code(ExportError("2 families failed", failures={"agents": ServerError("x", status=503)}))
    4
    """
    if isinstance(exc, ExportError) and exc.failures:
        codes = {exit_code(failure) for failure in exc.failures.values()}
        return next(code for code in SEVERITY if code in codes)
    if isinstance(exc, ExportError | ConfigurationError):
        return EXIT_USAGE
    if isinstance(exc, AuthenticationError):
        return EXIT_AUTH
    if isinstance(exc, TransportError) or (isinstance(exc, APIError) and exc.status >= 500):
        return EXIT_UNREACHABLE
    return EXIT_API


def error_line(exc: LiveVoxError) -> str:
    if isinstance(exc, ExportError | ConfigurationError | AuthenticationError):
        return exc.message
    if isinstance(exc, TransportError):
        return f"{exc.message} ({exc.operation})"
    return str(exc)


@contextmanager
def failures() -> Iterator[None]:
    """Turn every failure into one line on stderr and its documented exit code."""
    try:
        yield
    except (KeyboardInterrupt, click.Abort):
        fail("interrupted", EXIT_INTERRUPTED)
    except LiveVoxError as exc:
        fail(error_line(exc), exit_code(exc))
    except Exception as exc:
        fail(f"internal error (please report it): {type(exc).__name__}: {exc}", EXIT_INTERNAL)


def guarded(command: Callable[P, None]) -> Callable[P, None]:
    """A command whose every failure exits through `failures`."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        with failures():
            command(*args, **kwargs)

    return run


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run the command's coroutine."""
    return asyncio.run(coroutine)


def credentials_from_env() -> tuple[Credentials | list[Credentials], str | None, str | None]:
    """The `LIVEVOX_*` variables (`ENVIRONMENT`) as credentials (a pool for several tokens),
    region and base URL; the password is prompted for on a terminal when it is not set."""
    env = os.environ
    password = env.get("LIVEVOX_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            fail("LIVEVOX_PASSWORD is not set and there is no terminal to ask for it", EXIT_USAGE)
        password = click.prompt("LiveVox password", hide_input=True)
    try:
        pool = Credentials.pool_from_env(env, password=password)
        endpoint = endpoint_from_env(env)
    except ConfigurationError as exc:
        context = click.get_current_context(silent=True)
        command = context.command_path if context is not None else "livevox export"
        fail(f"{exc.message} (see `{command} --help`)", EXIT_USAGE)
    return (pool[0] if len(pool) == 1 else pool), endpoint.get("region"), endpoint.get("base_url")


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
        family = plain(event.family)
        if event.family not in self.tasks:
            self.tasks[event.family] = self.progress.add_task(family, total=None, rate="")
            self.started[event.family] = time.monotonic()
        task = self.tasks[event.family]
        elapsed = max(time.monotonic() - self.started[event.family], 1e-6)
        if event.phase == "skipped":
            self.progress.update(task, description=f"{family} (skipped)", total=0, completed=0)
        elif event.phase == "listing":
            self.progress.update(task, description=f"{family} (list)", completed=event.done)
        else:
            self.progress.update(
                task,
                description=family,
                completed=event.done,
                total=event.total,
                rate=f"{event.done / elapsed:.0f}",
            )


def family_checks(family: FamilyManifest) -> str:
    """What the export noticed about one family, in a few words (empty when all was well).

    >>> family_checks(FamilyManifest("a.jsonl", 0, 1, "ab", empty_by_404=True, vanished=[7, 9]))
    'empty by 404 (check the path) · 2 vanished'
    """
    notes = []
    if family.empty_by_404:
        notes.append("empty by 404 (check the path)")
    if family.vanished:
        notes.append(f"{len(family.vanished)} vanished")
    if family.missing_reads:
        notes.append(f"{sum(family.missing_reads.values())} reads 404")
    if family.listing is not None:
        if family.listing.repeated_ids_dropped:
            notes.append(f"{family.listing.repeated_ids_dropped} repeats dropped")
        notes += family.listing.disagreements
    return " · ".join(notes)


def summary_table(result: ExportResult, rate: float | None) -> tuple[Table, str]:
    """The per-family table and the line below it (what this run sent, its rate, throttles,
    retries, time). The requests column and its total count the same calls: every run of
    the export, so after a resume they are labelled "all runs" and the line "this run"."""
    manifest = result.manifest
    totals = manifest.totals
    resumed = " (resumed)" if result.resumed else ""
    table = Table(title=f"Exported to {plain(result.out_dir)}{resumed}", title_justify="left")
    requests = "requests, all runs" if result.resumed else "requests"
    for column in ("family", "items", requests, "checks"):
        table.add_column(column, justify="right" if column in ("items", requests) else "left")
    for name, family in manifest.families.items():
        checks = plain(family_checks(family))
        table.add_row(plain(name), str(family.count), str(family.requests), checks)
    for name, reason in manifest.skipped.items():
        table.add_row(f"[dim]{plain(name)}[/]", "[dim]skipped[/]", f"[dim]{plain(reason)}[/]", "")
    table.add_section()
    table.add_row("total", str(totals.objects), str(totals.requests))
    achieved = totals.http_requests / totals.seconds if totals.seconds else 0.0
    limit = f" (limit {rate:g}/s, {achieved / rate:.0%})" if rate else ""
    line = (
        f"{'this run: ' if result.resumed else ''}{totals.http_requests} HTTP requests (login and "
        f"retries included) in {totals.seconds:.1f}s, {achieved:.1f}/s{limit} · "
        f"{totals.throttles} throttled · {totals.retries} retried"
    )
    return table, line


async def _export(
    client: Callable[[], LiveVox],
    out: Path,
    families: Sequence[str],
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
                families,
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
    families: Sequence[str],
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


def environment_help() -> str:
    """The `--help` epilog naming every environment variable (kept as written by click)."""
    width = max(len(name) for name in ENVIRONMENT)
    lines = [f"  {name:<{width}}  {meaning}" for name, meaning in ENVIRONMENT.items()]
    return "\b\nEnvironment:\n" + "\n".join(lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="livevox-async")
def main() -> None:
    """livevox-async: export and diff a LiveVox tenant's configuration."""


@main.command("export", epilog=environment_help())
@click.option(
    "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output directory."
)
@click.option(
    "--family", "families", multiple=True, metavar="NAME", help="Export only these families (repeatable)."
)
@click.option(
    "--exclude",
    "excluded",
    multiple=True,
    metavar="NAME",
    help="Leave this family out (repeatable; applied after --family).",
)
@click.option(
    "--rate", type=float, default=None, help="Requests/second per access token (default: adaptive)."
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=16, show_default=True)
@click.option(
    "--resume",
    is_flag=True,
    help="Finish the interrupted export in --out, with the same families; when --out holds "
    "none, say so and stop (exit 2) instead of starting afresh.",
)
@click.option("--audit-from", help="Also export audit-log entries from this ISO date…")
@click.option("--audit-to", help="…to this one.")
@click.option(
    "--demo", is_flag=True, help="Export the bundled simulator's seeded tenant (no credentials needed)."
)
@click.option("--quiet", is_flag=True, help="No progress bars or summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON on stdout.")
@guarded
def export_command(
    out: Path,
    families: tuple[str, ...],
    excluded: tuple[str, ...],
    rate: float | None,
    concurrency: int,
    resume: bool,
    audit_from: str | None,
    audit_to: str | None,
    demo: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Export every configuration family the session may read into --out.

    Exits 3 when the session could read none of the families asked for (each refused by
    its declared role or by LiveVox); manifest.json in --out lists every refusal.
    """
    selected = selected_families(families, excluded)
    if rate is not None and not (math.isfinite(rate) and rate > 0):
        fail(f"--rate must be a finite number > 0, got {rate}", EXIT_USAGE)
    start, end = _date(audit_from), _date(audit_to)
    if (start is None) != (end is None):
        fail("give both --audit-from and --audit-to", EXIT_USAGE)
    audit_log = (start, end) if start is not None and end is not None else None
    if demo:
        work = _demo_export(out, selected, concurrency, resume, quiet, as_json, rate or DEMO_RATE)
    else:
        creds, region, base_url = credentials_from_env()
        work = _export(
            lambda: LiveVox(
                creds, region=region, base_url=base_url, rate=rate, max_concurrency=concurrency * 4
            ),
            out,
            selected,
            concurrency,
            resume,
            audit_log,
            quiet,
            as_json,
        )
    try:
        result = run(work)
    except (KeyboardInterrupt, click.Abort):
        fail(f"interrupted; {resume_hint(out)}", EXIT_INTERRUPTED)
    show_result(result, as_json=as_json, quiet=quiet, rate=rate or (DEMO_RATE if demo else None))


def resume_hint(out: Path) -> str:
    """What to run after an interrupted export into `out`: resume its checkpoint, or start
    again when it was stopped before it made one (then there is nothing to resume).

    >>> import tempfile
    >>> resume_hint(Path(tempfile.mkdtemp()))
    'nothing was checkpointed yet: run the same command again (without --resume)'
    """
    if holds_checkpoint(out):
        return "the checkpoint is kept: rerun with --resume"
    return "nothing was checkpointed yet: run the same command again (without --resume)"


def selected_families(families: tuple[str, ...], excluded: tuple[str, ...]) -> list[str]:
    """The families `--family` names (all by default) less those `--exclude` names, in
    export order; a usage error for an unknown name or an empty selection.

    >>> selected_families(("agents", "voices", "services"), ("services",))
    ['agents', 'voices']
    """
    known = family_names()
    for option, names in (("--family", families), ("--exclude", excluded)):
        unknown = sorted(set(names) - set(known))
        if unknown:
            fail(f"unknown family {', '.join(unknown)} ({option}); known: {', '.join(known)}", EXIT_USAGE)
    selected = [name for name in known if (not families or name in families) and name not in excluded]
    if not selected:
        fail("--exclude leaves no family to export", EXIT_USAGE)
    return selected


def show_result(result: ExportResult, *, as_json: bool, quiet: bool, rate: float | None) -> None:
    """The manifest (`--json`) or the summary; exit 3 when nothing could be read."""
    if result.read_nothing:
        fail(nothing_read(result), EXIT_AUTH)
    if as_json:
        click.echo(result.manifest.to_json().decode(), nl=False)
    elif not quiet:
        table, line = summary_table(result, rate)
        console = Console()
        console.print(table)
        console.print(line, soft_wrap=True, highlight=False)


def _diff_lines(drift: ExportDiff, old: Path, new: Path) -> Iterator[str]:
    """`livevox diff` as lines of rich markup: families, then objects added (`+`), removed
    (`-`) and changed (`~`, with each field `path: old → new` and each list's members)."""
    if drift.is_empty:
        yield "no drift"
    for name in drift.only_old:
        yield f"[red]- family {plain(name)}[/] (only in {plain(old)})"
    for name in drift.only_new:
        yield f"[green]+ family {plain(name)}[/] (only in {plain(new)})"
    for name, family in drift.families.items():
        yield (
            f"[bold]{plain(name)}[/]: {len(family.added)} added, {len(family.removed)} removed, "
            f"{len(family.changed)} changed"
        )
        yield from (f"  [green]+ {plain(item)}[/]" for item in family.added)
        yield from (f"  [red]- {plain(item)}[/]" for item in family.removed)
        for change in family.changed:
            yield f"  [yellow]~ {plain(Member(change.id, change.key))}[/]"
            yield from (f"      {plain(field)}" for field in change.fields)
            for members in change.members:
                yield f"      {plain(members.path)}:"
                yield from (f"        [green]+ {plain(m)}[/]" for m in members.added)
                yield from (f"        [red]- {plain(m)}[/]" for m in members.removed)


def nothing_read(result: ExportResult) -> str:
    """The one line for an export that could read nothing: how many families were refused and
    the first one's reason."""
    skipped = result.manifest.skipped
    name, reason = next(iter(skipped.items()))
    refused = (
        "the family asked for was" if len(skipped) == 1 else f"all {len(skipped)} families asked for were"
    )
    return (
        f"the session could read nothing: {refused} refused ({name}: {reason}); "
        f"{result.out_dir / MANIFEST} lists each refusal"
    )


@main.command("diff")
@click.argument("old", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@guarded
def diff_command(old: Path, new: Path, as_json: bool) -> None:
    """Show configuration drift between two exports; exit 1 when they differ.

    Objects are shown by id and natural key; lists by the members added (+) and removed
    (-), unless the schema marks the list ordered (then item by item)."""
    drift = diff_exports(old, new)
    if as_json:
        click.echo(orjson.dumps(drift.as_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        out = Console(highlight=False)
        for line in _diff_lines(drift, old, new):
            out.print(line, soft_wrap=True)
    sys.exit(0 if drift.is_empty else EXIT_DRIFT)


class SimulatorCommand(click.Command):
    """`livevox sim`: every argument, `--help` too, goes to `livevox-sim`'s own command line
    (`livevox_async.testing._main.parser`), so both take and show the same options."""

    def get_help(self, ctx: click.Context) -> str:
        from .testing._main import parser

        return parser(ctx.command_path, ctx.terminal_width).format_help().rstrip("\n")


@main.command(
    "sim",
    cls=SimulatorCommand,
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.pass_context
def sim_command(ctx: click.Context) -> None:
    """Run the LiveVox simulator (the options of `livevox-sim`; see `livevox sim --help`)."""
    from .testing._main import main as sim_main

    sys.exit(sim_main(list(ctx.args), prog=ctx.command_path))


from . import (  # noqa: E402  (the commands register on `main`, defined above)
    _cli_plan,  # noqa: F401
    _cli_probe,  # noqa: F401
)
