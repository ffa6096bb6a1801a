"""Shared by every benchmark: the simulator in its own process, timing, result rows.

The simulator is always `python -m livevox_async.testing` on 127.0.0.1 with a
`--ready-file`; its credentials are read from what it prints at start-up, so the
client side knows nothing the simulator did not tell it.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import aiohttp
import orjson

from livevox_async import Credentials, LiveVox, LiveVoxError

HOST = "127.0.0.1"
START_TIMEOUT = 120.0

_LIVE: set[SimProcess] = set()
"""Simulators started and not yet stopped; stopped at exit whatever happens."""


@atexit.register
def _stop_all() -> None:
    for sim in list(_LIVE):
        sim.stop()


@dataclass
class Row:
    """One line of the results table."""

    name: str
    measured: str
    target: str
    ok: bool | None
    """True: target met; False: missed; None: informational (no target)."""
    notes: str = ""
    details: list[str] = field(default_factory=list)
    """Extra lines for results.md (rounds, CPU per request, ...)."""

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "MISS", None: "info"}[self.ok]


class SimProcess:
    """`python -m livevox_async.testing ...` in its own process, on loopback.

    >>> async with SimProcess(agents=1000, latency=0.05) as sim:   # doctest: +SKIP
    ...     sim.base_url, sim.credentials()
    """

    def __init__(
        self,
        *,
        agents: int = 1000,
        services: int = 20,
        call_centers: int = 3,
        seed: int = 1,
        rate_limit: float | None = None,
        burst: float = 1.0,
        hidden_limit: bool = False,
        latency: float | None = None,
    ) -> None:
        self.args = [
            "--host",
            HOST,
            "--port",
            "0",
            "--seed",
            str(seed),
            "--agents",
            str(agents),
            "--services",
            str(services),
            "--call-centers",
            str(call_centers),
        ]
        if rate_limit is not None:
            self.args += ["--rate-limit", str(rate_limit), "--burst", str(burst)]
        if hidden_limit:
            self.args.append("--hidden-limit")
        if latency is not None:
            self.args += ["--latency", str(latency)]
        self.proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""
        self.tokens: list[str] = []
        self.client_name = ""
        self.users: dict[str, tuple[str, str]] = {}
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="lvbench-sim-")
        ready = Path(self._dir.name) / "ready"
        out_path = Path(self._dir.name) / "stdout"
        with out_path.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "livevox_async.testing", *self.args, "--ready-file", str(ready)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_TIMEOUT
        text = ""
        while "every agent's password" not in text:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the simulator exited ({self.proc.returncode}): {out_path.read_text()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the simulator did not start in time")
            time.sleep(0.05)
            if ready.exists():
                text = out_path.read_text()
        self.base_url = ready.read_text().strip()
        if not self.base_url.startswith(f"http://{HOST}:"):
            self.stop()
            raise RuntimeError(f"the simulator is not on loopback: {self.base_url}")
        self.client_name = re.search(r"^clientName: (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
        self.tokens = re.findall(r"^  \[\d+\] (\S+)$", text, re.M)
        for role, user, password in re.findall(r"^  (\w[\w ]*?) +(\S+) / (\S+)", text, re.M):
            self.users.setdefault(role, (user, password))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    async def __aenter__(self) -> Self:
        _LIVE.add(self)
        try:
            await asyncio.to_thread(self.start)
        except BaseException:
            self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()  # synchronous on purpose: it must run even while being cancelled
        _LIVE.discard(self)

    def credentials(self, role: str = "Sysadmin", token_index: int = 0) -> Credentials:
        user, password = self.users[role]
        return Credentials(
            access_token=self.tokens[token_index],
            client_name=self.client_name,
            user_name=user,
            password=password,
            role=role,
        )


async def bare_login(http: aiohttp.ClientSession, base_url: str, creds: Credentials) -> str:
    """Log in with plain aiohttp (what a baseline client does) and return the LV-Session id."""
    body = orjson.dumps(
        {"clientName": creds.client_name, "userName": creds.user_name, "password": creds.password}
    )
    headers = {"LV-Access": creds.access_token, "Content-Type": "application/json"}
    async with http.post(f"{base_url}/session/login", data=body, headers=headers) as resp:
        resp.raise_for_status()
        session_id: str = orjson.loads(await resp.read())["sessionId"]
        return session_id


async def bare_logout(http: aiohttp.ClientSession, base_url: str, session_id: str) -> None:
    async with http.delete(f"{base_url}/session/logout/{session_id}") as resp:
        await resp.read()


@dataclass
class Timing:
    wall: float
    cpu: float
    count: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.wall

    @property
    def cpu_us(self) -> float:
        """Client CPU microseconds per request."""
        return self.cpu / self.count * 1e6


async def timed(fn: Callable[[], Awaitable[int | tuple[int, dict[str, Any]]]]) -> Timing:
    """Run `fn` (returning how many requests it made) and time its wall and process CPU."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = await fn()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    count, extra = result if isinstance(result, tuple) else (result, {})
    return Timing(wall, cpu, count, extra)


async def interleaved(
    contenders: Sequence[tuple[str, Callable[[], Awaitable[Any]]]], rounds: int
) -> dict[str, list[Timing]]:
    """Run each contender once per round, alternating the order every round."""
    results: dict[str, list[Timing]] = {name: [] for name, _ in contenders}
    for index in range(rounds):
        order = contenders if index % 2 == 0 else list(reversed(contenders))
        for name, fn in order:
            results[name].append(await timed(fn))
    return results


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


PAIRED_ROUNDS = 7
"""Rounds of every row with a baseline: each round runs both sides, order alternating."""


def paired_rate_ratios(sdk: Sequence[Timing], baseline: Sequence[Timing]) -> list[float]:
    """Per round, the SDK's rate over the baseline's in that same round."""
    return [a.rate / b.rate for a, b in zip(sdk, baseline, strict=True)]


def ratio_verdict(value: float, target: float, *, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def fmt_rounds(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    return ", ".join(fmt.format(v) for v in values)


def machine() -> dict[str, str]:
    """The machine and versions results.md records."""
    import importlib.metadata as md
    import platform

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "nproc": str(os.cpu_count()),
        "affinity": str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else "?",
        "cpu": model,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
    }
    info["commit"] = _git_commit()
    for package in ("livevox-async", "aiohttp", "cattrs", "attrs", "orjson", "pydantic", "msgspec"):
        try:
            info[package] = md.version(package)
        except md.PackageNotFoundError:
            info[package] = "not installed"
    return info


def _git_commit() -> str:
    """The commit of the SDK measured, marked when livevox_async/ has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "livevox_async"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in livevox_async/" if dirty else "")


@dataclass
class ReadTally:
    """Reads that succeeded and failed, counted while `read_until` runs."""

    ok: int = 0
    failed: int = 0


async def read_until(lv: LiveVox, ids: Sequence[int], stop: float, workers: int, tally: ReadTally) -> None:
    """`workers` tasks reading the agents `ids` in turn until `time.perf_counter()` passes `stop`."""

    async def worker(offset: int) -> None:
        i = offset
        while time.perf_counter() < stop:
            try:
                await lv.agents.read(ids[i % len(ids)])
                tally.ok += 1
            except LiveVoxError:
                tally.failed += 1
            i += workers

    await asyncio.gather(*(worker(k) for k in range(workers)))
