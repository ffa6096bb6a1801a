"""The `livevox plan` and `livevox apply` commands (registered on the `livevox` group in cli.py).

    livevox plan --from EXPORT_DIR [--family F ...] [--prune F ...] --out PLAN.json
    livevox apply PLAN.json [--yes] [--allow-inferred] [--passwords FILE] [--state-dir DIR]

Credentials come from the same LIVEVOX_* variables as `livevox export`. `plan` prints a
Terraform-like summary and exits 0 when there is nothing to change, 1 when there is;
`apply` exits 0 when every action was applied and a fresh plan is empty, 1 when some
action was blocked, refused, stale or failed (each is listed). Other exit codes are
those of every `livevox` command (2 bad input, 3 credentials refused, 4 LiveVox
unreachable, 5 other API error, 130 interrupted).

Everything LiveVox sent that is printed (names, values) is quoted as JSON, so markup and
control characters reach the terminal escaped; passwords are never printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, NoReturn

import click
import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ._client import LiveVox
from .cli import (
    EXIT_DRIFT,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    credentials_from_env,
    environment_help,
    err,
    fail,
    main,
    run,
)
from .tenant import Action, ApplyProgress, ApplyResult, Plan, PlanError, apply_plan, plan_changes, show
from .tenant._relations import writable_families
from .tenant._values import REF

EXIT_CHANGES = EXIT_DRIFT
VALUE_WIDTH = 100
SIGNS = {"create": "+", "update": "~", "delete": "-", "add": "+", "remove": "-"}
COLOURS = {"create": "green", "update": "yellow", "delete": "red", "add": "green", "remove": "red"}


def _shown(value: Any) -> Any:
    """References as `<family key>` strings, for people."""
    if isinstance(value, dict):
        if REF in value:
            return f"<{value[REF]} {show(value['key']) if 'key' in value else value.get('id')}>"
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def quoted(value: Any) -> str:
    """A value as escaped JSON (markup and control characters made harmless), cut to a line."""
    text = orjson.dumps(_shown(value), option=orjson.OPT_SORT_KEYS).decode()
    text = text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"
    return escape(text)


def _describe(action: Action) -> str:
    what = f"{action.kind} {quoted(show(action.key))}"
    if action.kind in ("add", "remove"):
        where = "to" if action.kind == "add" else "from"
        member = f"{action.member_family} {quoted(show(action.member))}"
        what = f"{action.kind} {member} {where} {action.family} {quoted(show(action.key))}"
    return what


def _print_action(out: Console, action: Action) -> None:
    if action.blocked is not None:
        out.print(f"  [bold red]![/] blocked {_describe(action)}: {escape(action.blocked)}")
        return
    colour = COLOURS[action.kind]
    out.print(f"  [{colour}]{SIGNS[action.kind]}[/] {_describe(action)}")
    for change in action.changes:
        out.print(f"      {escape(change.field)}: {quoted(change.old)} → {quoted(change.new)}")
    if action.inferred_fields:
        fields = ", ".join(escape(f) for f in action.inferred_fields)
        out.print(f"      [yellow]warning[/]: the schema only infers the body fields {fields}")


def print_plan(out: Console, plan: Plan, saved: Path | None) -> None:
    """The Terraform-like summary of a plan."""
    family = None
    for action in plan.actions:
        if action.family != family:
            family = action.family
            out.print(f"[bold]{family}[/]")
        _print_action(out, action)
    for status in (*plan.families, *plan.memberships):
        if not status.planned:
            out.print(f"[dim]not planned: {status.name}: {escape(status.reason or '')}[/]")
    if plan.not_writable:
        families = sorted({n.family for n in plan.not_writable})
        out.print(
            f"[dim]not writable: {len(plan.not_writable)} objects ({', '.join(families)}) differ in fields "
            "LiveVox has no method to write (listed in the plan file)[/]"
        )
    inferred = [a for a in plan.runnable if a.evidence == "inferred"]
    if inferred:
        out.print(
            f"[dim]{len(inferred)} actions use an inferred endpoint: apply sends them only with "
            "--allow-inferred[/]"
        )
    if plan.warnings:
        out.print(
            f"[dim]{len(plan.warnings)} actions send body fields the schema only infers "
            "(warnings above): LiveVox may ignore or refuse them[/]"
        )
    counts = plan.counts()
    line = (
        f"Plan: {counts['create']} to create, {counts['update']} to update, {counts['delete']} to delete, "
        f"{counts['add']} members to add, {counts['remove']} to remove, {counts['blocked']} blocked."
    )
    out.print("No changes: the target matches the source." if plan.is_empty else line)
    if saved is not None:
        out.print(f"Saved to {escape(str(saved))}")


def _client(concurrency: int, rate: float | None) -> LiveVox:
    creds, region, base_url = credentials_from_env()
    return LiveVox(creds, region=region, base_url=base_url, rate=rate, max_concurrency=concurrency * 4)


def _check_rate(rate: float | None) -> None:
    if rate is not None and rate <= 0:
        fail("--rate must be > 0", EXIT_USAGE)


def _interruptible(work: Coroutine[Any, Any, Any], hint: str) -> Any:
    """Run `work`; Ctrl-C cancels it cleanly (sessions logged out) and exits 130 with `hint`."""

    async def guarded() -> Any:
        loop, task = asyncio.get_running_loop(), asyncio.current_task()
        assert task is not None
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every platform
            loop.add_signal_handler(signal.SIGINT, task.cancel)
        try:
            return await work
        except asyncio.CancelledError:
            fail(f"interrupted; {hint}", EXIT_INTERRUPTED)

    return run(guarded())


def _plan_error(exc: PlanError) -> NoReturn:
    fail(exc.message, EXIT_USAGE)


@main.command("plan", epilog=environment_help())
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The export to apply.",
)
@click.option(
    "--family", "families", multiple=True, metavar="NAME", help="Plan only these families (repeatable)."
)
@click.option("--prune", multiple=True, metavar="NAME", help="Delete what the source lacks in this family.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Plan file to write."
)
@click.option(
    "--rate", type=float, default=None, help="Requests/second per access token (default: adaptive)."
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=16, show_default=True)
def plan_command(
    source: Path,
    families: tuple[str, ...],
    prune: tuple[str, ...],
    out: Path,
    rate: float | None,
    concurrency: int,
) -> None:
    """Compare an export with the tenant and write what apply would change; exit 1 when it would."""
    _check_rate(rate)
    known = writable_families()
    unknown = sorted((set(families) | set(prune)) - set(known))
    if unknown:
        fail(f"cannot plan {', '.join(unknown)}; plannable families: {', '.join(known)}", EXIT_USAGE)

    async def make() -> Plan:
        async with _client(concurrency, rate) as lv:
            try:
                return await plan_changes(lv, source, families or None, prune, concurrency=concurrency)
            except PlanError as exc:
                _plan_error(exc)

    plan: Plan = _interruptible(make(), "nothing was written")
    saved = plan.write(out)
    print_plan(Console(highlight=False, soft_wrap=True), plan, saved)
    sys.exit(0 if plan.is_empty else EXIT_CHANGES)


class ApplyBar:
    """A progress bar over the plan's actions (on stderr)."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(TextColumn("applying"), BarColumn(), MofNCompleteColumn(), console=console)
        self.task = self.progress.add_task("apply", total=None)

    def __call__(self, event: ApplyProgress) -> None:
        if not self.progress.live.is_started:
            self.progress.start()
        self.progress.update(self.task, completed=event.done, total=event.total)


def print_result(out: Console, result: ApplyResult) -> None:
    """What apply did: every action not applied with the reason, the counts, convergence."""
    for outcome in result.outcomes:
        if outcome.status != "applied":
            out.print(
                f"  [bold red]{outcome.status}[/] {quoted(outcome.action)}: {escape(outcome.detail or '')}"
            )
    counts = result.counts()
    out.print(", ".join(f"{n} {status}" for status, n in counts.items() if n or status == "applied"))
    rate = result.requests / result.seconds if result.seconds else 0.0
    out.print(f"{result.requests} requests while writing, {result.seconds:.1f}s ({rate:.1f}/s)")
    if result.replan is not None:
        if result.replan.is_empty:
            out.print("Re-plan: no changes (the target matches the source).")
        else:
            left = len(result.replan.actions)
            unconverged = len(result.unconverged)
            out.print(f"Re-plan: {left} actions remain ({unconverged} of them were applied: not converged).")
    if result.backup is not None:
        out.print(f"Backup of the touched families before writing: {escape(str(result.backup))}")


def _confirm(plan: Plan, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        fail("not a terminal to confirm on: pass --yes to apply", EXIT_USAGE)
    counts = plan.counts()
    runnable = len(plan.runnable)
    prompt = (
        f"Apply {runnable} actions ({counts['delete']} deletes) to LiveVox client {plan.target_client_id}?"
    )
    if not click.confirm(prompt, default=False):
        fail("not applied", EXIT_USAGE)


@main.command("apply", epilog=environment_help())
@click.argument("plan_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--allow-inferred", is_flag=True, help="Also send writes whose endpoint the schema only infers."
)
@click.option(
    "--passwords", type=click.Path(dir_okay=False, path_type=Path), help="File (0600) for new passwords."
)
@click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), help="Journal and backup directory."
)
@click.option(
    "--rate", type=float, default=None, help="Requests/second per access token (default: adaptive)."
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=16, show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def apply_command(
    plan_file: Path,
    yes: bool,
    allow_inferred: bool,
    passwords: Path | None,
    state_dir: Path | None,
    rate: float | None,
    concurrency: int,
    quiet: bool,
) -> None:
    """Carry out a plan; exit 0 when all of it was applied and a fresh plan is empty."""
    _check_rate(rate)
    try:
        plan = Plan.read(plan_file)
    except PlanError as exc:
        _plan_error(exc)
    _confirm(plan, yes)
    bar = None if quiet else ApplyBar(err)

    async def carry_out() -> ApplyResult:
        async with _client(concurrency, rate) as lv:
            try:
                return await apply_plan(
                    lv,
                    plan,
                    state_dir=state_dir,
                    passwords=passwords,
                    allow_inferred=allow_inferred,
                    concurrency=concurrency,
                    progress=bar,
                )
            except PlanError as exc:
                _plan_error(exc)
            finally:
                if bar is not None:
                    bar.progress.stop()

    result: ApplyResult = _interruptible(
        carry_out(), "the journal keeps what was done: run the same apply again"
    )
    print_result(Console(highlight=False, soft_wrap=True), result)
    sys.exit(0 if result.ok else EXIT_CHANGES)
