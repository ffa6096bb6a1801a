"""`livevox-sim`: run the simulator in its own process until SIGINT/SIGTERM.

    livevox-sim --port 8089 --seed 1 --agents 20000
    livevox-sim --port 0 --ready-file /tmp/sim.url --rate-limit 50 --burst 2 --hidden-limit
    python -m livevox_async.testing --latency 0.01,0.05 --fault-rate 0.05
    livevox-sim --page-cap 100 --info-size -3 --empty-404 --max-failed-logins 5

It prints the base URL and every credential it accepts (they are fake, made for tests),
and with `--ready-file` writes the base URL to that file once it is listening. The
options are declared once, in `_knobs.KNOBS`; `livevox sim` forwards to this command.

A command line it cannot run with — an unknown option, a value out of its range, a port
it cannot listen on — is one line on stderr and exit status 2 (`EXIT_USAGE`, the
`livevox` command's "bad usage or input"), never a traceback:

    >>> main(["--fault-rate", "2"])
    2
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ._config import SimulatorConfig, TenantSize
from ._faults import FaultPlan
from ._knobs import KNOBS, QUIRK_FIELDS, UsageError
from ._quirks import ListQuirks
from ._simulator import Simulator

PROG = "livevox-sim"
EXIT_USAGE = 2
"""Bad usage or input: an option, its value, or a port that cannot be listened on."""
EPILOG = (
    f"Exit status: 0 when stopped by SIGINT or SIGTERM; {EXIT_USAGE} for an unknown option, a value "
    "out of its range or a port it cannot listen on (one line on stderr)."
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are a `UsageError` (one line), not usage and exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def parser(prog: str = PROG, width: int | None = None) -> argparse.ArgumentParser:
    """The command line of `livevox-sim`, also `livevox sim`'s (`prog` names the command in
    usage and errors; `width`: of the help, else the terminal's)."""

    def formatter(*, prog: str) -> argparse.HelpFormatter:
        return argparse.HelpFormatter(prog, width=width)

    parser = _Parser(
        prog=prog,
        description="Serve a simulated LiveVox tenant over HTTP.",
        epilog=EPILOG,
        formatter_class=formatter,
        allow_abbrev=False,  # a typo is an error, not another option
    )
    groups = {
        name: parser.add_argument_group(name) for name in dict.fromkeys(k.group for k in KNOBS if k.group)
    }
    for knob in KNOBS:
        add = groups[knob.group].add_argument if knob.group else parser.add_argument
        if knob.reader is None:
            add(knob.flag, action="store_true", help=knob.help_text)
        else:
            add(knob.flag, metavar=knob.metavar, help=knob.help_text)
    return parser


def _arguments(argv: Sequence[str] | None, prog: str) -> argparse.Namespace:
    """The parsed command line, each option's value read and checked by its `Knob`."""
    args = parser(prog).parse_args(argv)
    for knob in KNOBS:
        if knob.reader is not None:
            setattr(args, knob.dest, knob.value(getattr(args, knob.dest)))
    return args


def _config(args: argparse.Namespace) -> SimulatorConfig:
    return SimulatorConfig(
        seed=args.seed,
        size=TenantSize(call_centers=args.call_centers, services=args.services, agents=args.agents),
        idle_timeout=args.idle_timeout,
        rate_limit=args.rate_limit,
        rate_burst=args.burst,
        hidden_rate_limit=args.hidden_limit,
        latency=args.latency,
        faults=FaultPlan(rate=args.fault_rate, seed=args.fault_seed),
        list_quirks=ListQuirks(**{name: getattr(args, name) for name in QUIRK_FIELDS}),
        max_failed_logins=args.max_failed_logins,
        host=args.host,
        port=args.port,
        log_requests=False,  # nobody can read it from outside the process
    )


def describe(sim: Simulator) -> str:
    """The base URL and every credential the simulator accepts, as printed at start-up."""
    lines = [
        f"LiveVox simulator listening on {sim.base_url}",
        f"clientName: {sim.state.client_code}",
        "LV-Access tokens:",
        *(f"  [{i}] {token}" for i, token in enumerate(sim.access_tokens)),
        "users (userName / password):",
    ]
    for user in sim.state.values("users"):
        powers = f" powers={user['managerPowers']}" if user["role"] == "Manager" else ""
        lines.append(f"  {user['role']:<10} {user['userName']} / {user['password']}{powers}")
    agent = sim.agent_credentials()
    lines.append(f'agents (login with "agent": true), e.g. {agent.user_name} / {agent.password}')
    lines.append("  every agent's password is Agent-<last 5 characters of its loginId>")
    return "\n".join(lines)


def _cannot_listen(config: SimulatorConfig, exc: OSError) -> str:
    """Why the simulator cannot listen where it was told, and what to do about it."""
    where = f"[{config.host}]:{config.port}" if ":" in config.host else f"{config.host}:{config.port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{where} is already in use: stop what listens there, or pick another --port (0 picks a free one)"
        )
    reason = (exc.strerror or str(exc)).lower()
    return f"cannot listen on {where}: {reason}; pick another --host or --port"


async def _start(sim: Simulator) -> None:
    try:
        await sim.start()
    except OSError as exc:
        raise UsageError(_cannot_listen(sim.config, exc)) from None


def _announce(sim: Simulator, ready_file: Path | None) -> None:
    """Write the base URL to `ready_file` (atomically), then print the credentials."""
    if ready_file is not None:
        partial = ready_file.with_name(ready_file.name + ".partial")
        try:
            partial.write_text(sim.base_url + "\n")
            os.replace(partial, ready_file)
        except OSError as exc:
            raise UsageError(f"cannot write --ready-file {ready_file}: {exc.strerror or exc}") from None
    print(describe(sim), flush=True)


async def serve(config: SimulatorConfig, ready_file: Path | None = None) -> None:
    """Run a simulator until SIGINT or SIGTERM.

    Raises:
        UsageError: it cannot listen on `config.host:config.port`, or write `ready_file`.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    sim = Simulator(config)
    await _start(sim)
    try:
        _announce(sim, ready_file)
        await stop.wait()
    finally:
        await sim.close()


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run the command with `argv` (default: `sys.argv[1:]`); the exit status."""
    try:
        args = _arguments(argv, prog)
        config = _config(args)
        asyncio.run(serve(config, args.ready_file))
    except (UsageError, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0
