"""`livevox-sim`: run the simulator in its own process until SIGINT/SIGTERM.

    livevox-sim --port 8089 --seed 1 --agents 20000
    livevox-sim --port 0 --ready-file /tmp/sim.url --rate-limit 50 --burst 2 --hidden-limit
    python -m livevox_async.testing --latency 0.01,0.05 --fault-rate 0.05
    livevox-sim --page-cap 100 --info-size -3 --empty-404 --max-failed-logins 5

It prints the base URL and every credential it accepts (they are fake, made for tests),
and with `--ready-file` writes the base URL to that file once it is listening.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from ._config import Latency, SimulatorConfig, TenantSize
from ._faults import FaultPlan
from ._quirks import ListQuirks
from ._simulator import Simulator

_QUIRK_FLAGS = {
    "ignore_offset": "every page starts at the first item (next advances as usual)",
    "backwards_next": "a page past the first points next COUNT items back",
    "endless_next": "every page has a next, past the end too",
    "empty_404": "an empty list or search page answers 404",
}
_QUIRK_NUMBERS = {
    "page_cap": "at most N items a page, whatever count asked",
    "info_size": "every /info answers this size",
    "overlap": "a page after the first starts N items early",
    "flood": "a non-empty page holds N times the items asked",
    "vanish_per_page": "delete the first N records of every page once answered",
    "appear_per_page": "create N copies of every page's first record once answered",
}


def _latency(text: str) -> Latency:
    low, _, high = text.partition(",")
    return (float(low), float(high)) if high else float(low)


PROG = "livevox-sim"


def parser(prog: str = PROG, width: int | None = None) -> argparse.ArgumentParser:
    """The command line of `livevox-sim`, also `livevox sim`'s (`prog` names the command in
    usage and errors; `width`: of the help, else the terminal's)."""

    def formatter(*, prog: str) -> argparse.HelpFormatter:
        return argparse.HelpFormatter(prog, width=width)

    parser = argparse.ArgumentParser(
        prog=prog, description="Serve a simulated LiveVox tenant over HTTP.", formatter_class=formatter
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8089, help="port to listen on; 0 picks a free one (default: 8089)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (default: 1)")
    parser.add_argument("--agents", type=int, default=20000, help="number of agents (default: 20000)")
    parser.add_argument("--services", type=int, default=200, help="number of services (default: 200)")
    parser.add_argument("--call-centers", type=int, default=3, help="number of call centers (default: 3)")
    parser.add_argument("--idle-timeout", type=float, default=7200.0, help="session idle expiry, seconds")
    parser.add_argument(
        "--rate-limit", type=float, help="requests/second allowed per access token (default: none)"
    )
    parser.add_argument(
        "--burst", type=float, default=1.0, help="token bucket size of the rate limit (default: 1)"
    )
    parser.add_argument("--hidden-limit", action="store_true", help="answer 429 without Retry-After")
    parser.add_argument("--latency", type=_latency, help="delay per request: SECONDS or LOW,HIGH")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="probability of a transient fault per request"
    )
    parser.add_argument("--fault-seed", type=int, help="seed of the fault draws (default: random)")
    parser.add_argument("--ready-file", type=Path, help="write the base URL here once listening")
    parser.add_argument(
        "--max-failed-logins", type=int, help="lock an account after N wrong passwords in a row"
    )
    quirks = parser.add_argument_group("list quirks (every family's lists, searches and /info)")
    for name, text in _QUIRK_NUMBERS.items():
        quirks.add_argument(f"--{name.replace('_', '-')}", type=int, metavar="N", help=text)
    for name, text in _QUIRK_FLAGS.items():
        quirks.add_argument(f"--{name.replace('_', '-')}", action="store_true", help=text)
    return parser


def _list_quirks(args: argparse.Namespace) -> ListQuirks:
    numbers = {name: getattr(args, name) for name in _QUIRK_NUMBERS if getattr(args, name) is not None}
    return ListQuirks(**numbers, **{name: getattr(args, name) for name in _QUIRK_FLAGS})


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
        list_quirks=_list_quirks(args),
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


async def serve(config: SimulatorConfig, ready_file: Path | None = None) -> None:
    """Run a simulator until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with Simulator(config) as sim:
        if ready_file is not None:
            partial = ready_file.with_name(ready_file.name + ".partial")
            partial.write_text(sim.base_url + "\n")
            os.replace(partial, ready_file)
        print(describe(sim), flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run the command with `argv` (default: `sys.argv[1:]`); the exit status."""
    args = parser(prog).parse_args(argv)
    try:
        config = _config(args)
    except ValueError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    asyncio.run(serve(config, args.ready_file))
    return 0
