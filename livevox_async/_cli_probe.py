"""`livevox probe`: check the schema's guesses against a real tenant, read-only.

    livevox probe [--family NAME ...] [--out report.json] [--json]

Credentials come from the environment as for `livevox export`. The report names
operations, JSON paths, JSON types and evidence, never a value from the tenant: attach
it to an issue, it is what moves an operation's evidence from inferred to observed.

Exit codes: 0 every probed operation answered as the schema says; 1 something differs;
otherwise those of `livevox export` (2 bad usage, 3 credentials refused, 4 unreachable,
5 another LiveVox error, 70 internal error, 130 interrupted).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson
from rich.console import Console
from rich.table import Table

from ._client import LiveVox
from ._credentials import Credentials
from .cli import (
    EXIT_DRIFT,
    EXIT_USAGE,
    credentials_from_env,
    environment_help,
    fail,
    guarded,
    main,
    plain,
    run,
)
from .tenant import ProbeReport, probe_families, probe_tenant

PIPED_WIDTH = 240
"""Columns of the table when stdout is not a terminal (a file or a pipe: nothing to fit)."""
EXIT_DIFFERS = EXIT_DRIFT
"""Something differs from the schema (the other codes are the CLI's failures)."""
STYLES = {"confirmed": "green", "differs": "bold red", "refused": "yellow", "not_probed": "dim"}


async def _probe(
    creds: Credentials | list[Credentials],
    region: str | None,
    base_url: str | None,
    families: tuple[str, ...],
) -> ProbeReport:
    async with LiveVox(creds, region=region, base_url=base_url) as lv:
        return await probe_tenant(lv, families or None)


def report_table(report: ProbeReport) -> Table:
    """One row per operation: evidence, outcome, what differs or why it was not called."""
    table = Table(title=f"Probe ({report.session} session)", title_justify="left")
    for column in ("operation", "evidence", "outcome", "detail"):
        table.add_column(column)
    for result in report.results:
        style = STYLES[result.outcome]
        table.add_row(
            result.operation,
            str(result.evidence_parts),
            f"[{style}]{result.outcome.replace('_', ' ')}[/]",
            plain(result.detail()),
        )
    return table


@main.command("probe", epilog=environment_help())
@click.option("--family", "families", multiple=True, metavar="NAME", help="Probe only these families.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report (JSON) here."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@guarded
def probe_command(families: tuple[str, ...], out: Path | None, as_json: bool) -> None:
    """Compare the tenant's answers with the schema (read-only); exit 1 when something differs."""
    unknown = sorted(set(families) - set(probe_families()))
    if unknown:
        fail(f"unknown family {', '.join(unknown)}; known: {', '.join(probe_families())}", EXIT_USAGE)
    creds, region, base_url = credentials_from_env()
    report: ProbeReport = run(_probe(creds, region, base_url, families))
    document = orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2) + b"\n"
    if out is not None:
        try:
            out.write_bytes(document)
        except OSError as exc:
            fail(f"cannot write the report to {out}: {exc.strerror}", EXIT_USAGE)
    if as_json:
        click.echo(document.decode(), nl=False)
    else:
        console = Console(highlight=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)
        console.print(report_table(report))
        counts = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in report.counts.items())
        console.print(counts, soft_wrap=True)
    sys.exit(0 if report.matches else EXIT_DIFFERS)
