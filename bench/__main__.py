"""`python -m bench [NAME ...]`: run the benchmarks, print the table, write bench/results.md.

Every benchmark starts its own simulator process (`python -m livevox_async.testing`
on 127.0.0.1) and runs its baseline in the same run. Names: overhead, decode,
export_rate, pool, concurrency, adaptive, memory, naive, apply_rate (all by default, in that order).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from ._common import Row, machine

BENCHMARKS = [
    "overhead",
    "decode",
    "export_rate",
    "pool",
    "concurrency",
    "adaptive",
    "memory",
    "naive",
    "apply_rate",
]
RESULTS = Path(__file__).resolve().parent / "results.md"


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| benchmark | measured | target | result | notes |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        notes = row.notes.replace("|", "\\|")
        lines.append(f"| {row.name} | {row.measured} | {row.target} | {row.verdict} | {notes} |")
    return lines


def _print_table(rows: list[Row]) -> None:
    widths = [max(len(r.name) for r in rows), max(len(r.measured) for r in rows), 10, 6]
    print()
    print(f"{'benchmark':<{widths[0]}}  {'measured':>{widths[1]}}  {'target':<{widths[2]}}  result")
    for row in rows:
        print(
            f"{row.name:<{widths[0]}}  {row.measured:>{widths[1]}}  {row.target:<{widths[2]}}  {row.verdict}"
        )
    print()


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def _write(rows: list[Row], names: list[str], seconds: float, load: tuple[str, str], command: str) -> None:
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Written by {command} on {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; the whole run took "
        f"{seconds:.0f} s. Ratios compare the SDK with a baseline measured in the same run "
        "(interleaved rounds, medians); the simulator always runs in its own process on 127.0.0.1. "
        "Benchmarks are not tests: nothing here asserts a timing.",
        "",
        *_table(rows),
        "",
        "## Machine",
        "",
        f"- CPU: {info.pop('cpu')}, nproc {info.pop('nproc')} (usable {info.pop('affinity')})",
        f"- load average (1, 5, 15 min) at start: {load[0]}; at end: {load[1]} "
        "(other work on the machine shows up as noise between rounds)",
        f"- SDK measured: commit {info.pop('commit')}",
        f"- {info.pop('python')} on {info.pop('os')}",
        "- " + ", ".join(f"{name} {version}" for name, version in info.items()),
        "",
        "## Details",
        "",
    ]
    for row in rows:
        if row.details:
            lines.append(f"**{row.name}**")
            lines.append("")
            lines += [f"    {d}" if d.startswith("    ") else f"- {d}" for d in row.details]
            lines.append("")
    if names != BENCHMARKS:
        lines += [f"(partial run: {', '.join(names)})", ""]
    RESULTS.write_text("\n".join(lines).replace("\n\n\n", "\n\n"))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.md alone")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    names = args.names or BENCHMARKS
    started = time.perf_counter()
    load_start = _load()
    rows: list[Row] = []
    for name in names:
        print(f"== {name}", flush=True)
        begun = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            got: list[Row] = asyncio.run(module.run())
        except Exception as exc:
            traceback.print_exc()
            got = [Row(name, "error", "-", False, f"{type(exc).__name__}: {exc}")]
        for row in got:
            print(
                f"   {row.name}: {row.measured} (target {row.target}) {row.verdict} — {row.notes}", flush=True
            )
        print(f"   ({time.perf_counter() - begun:.0f} s)", flush=True)
        rows += got
    seconds = time.perf_counter() - started
    _print_table(rows)
    print(f"total {seconds:.0f} s")
    if not args.no_write:
        command = (
            f"`python -m bench {' '.join(args.names)}`" if args.names else "`make bench` (`python -m bench`)"
        )
        _write(rows, names, seconds, (load_start, _load()), command)
        print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 1 if any(row.measured == "error" for row in rows) else 0  # a missed target is a result


if __name__ == "__main__":
    sys.exit(main())
