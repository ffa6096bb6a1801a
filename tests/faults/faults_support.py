"""Helpers shared by the fault-injection tests: fault mixes, retry policies, secret canaries."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from livevox_async import Credentials, LiveVox, RetryPolicy
from livevox_async.testing import FaultKind, LoggedRequest, Simulator

ANSWER_FAULTS: tuple[FaultKind, ...] = ("reset", "truncate", "malformed_json", "html_200")
"""Applied after processing: the request happened, only its answer is lost or garbled."""
REFUSAL_FAULTS: tuple[FaultKind, ...] = ("500", "502", "503", "429", "slow_headers")
"""Decided before processing: the tenant is not touched."""
FAULT_MIX: tuple[FaultKind, ...] = (*ANSWER_FAULTS, *REFUSAL_FAULTS)
"""Every transient kind: resets and truncations mid-body, 5xx, 429, slow headers, bad bodies."""

SLOW_SECONDS = 2.0
"""How long a `slow_headers` fault holds its answer; longer than every per-attempt timeout here."""
ATTEMPT_TIMEOUT = 1.0
"""Per-attempt timeout of the clients here: a `slow_headers` fault times out and is retried.

Long enough that a loaded 2-core machine answers every other request within it."""


def quick_retry(max_attempts: int = 6) -> RetryPolicy:
    """Tiny backoff: the suite must stay fast; many attempts: a 5-10 % fault rate must not win."""
    return RetryPolicy(max_attempts=max_attempts, backoff_base=0.005, backoff_cap=0.02)


def family_files(out: Path) -> dict[str, bytes]:
    """Every `<family>.jsonl` of an export directory, by file name."""
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.jsonl"))}


def logged(sim: Simulator, operation: str) -> list[LoggedRequest]:
    return [entry for entry in sim.request_log if entry.operation == operation]


async def wait_until(condition: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Poll `condition` (a slow fault is logged only when its abandoned answer is due)."""
    for _ in range(round(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still not so after {timeout:g}s")


def assert_nothing_held(lv: LiveVox) -> None:
    """No pooled connection still acquired and no LiveVox session with a call in flight."""
    stats = lv.stats()
    assert stats.connections_in_use == 0
    assert [s.in_flight for s in stats.sessions] == [0] * len(stats.sessions)


# -- secret canaries -------------------------------------------------------------------------

FRAGMENT = 16
"""A long secret (a token, a session id) also leaks when a piece this long shows: half a login
answer, as a truncated body would hold, carries most of its session id."""


def rendered(exc: BaseException) -> str:
    """Everything a user may see of an error: str, repr and the full traceback (causes included)."""
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc))])


def record_text(record: logging.LogRecord) -> str:
    """A log record as any handler could show it: message, every attribute, formatted traceback."""
    return "\n".join([logging.Formatter().format(record), repr(record.__dict__)])


class SecretWatch:
    """Collects secrets and everything shown to a user, then asserts no secret (or piece) shows."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.texts: list[str] = []
        self.simulators: list[Simulator] = []

    def credentials(self, *credentials: Credentials) -> None:
        for c in credentials:
            self.secrets |= {c.password, c.access_token}
            self.texts += [repr(c), str(c)]

    def sessions(self, sim: Simulator) -> None:
        """Watch for every session id `sim` hands out (read when checking: later ones too)."""
        if sim not in self.simulators:
            self.simulators.append(sim)

    def error(self, exc: BaseException) -> None:
        self.texts.append(rendered(exc))

    def records(self, records: Iterable[logging.LogRecord]) -> None:
        self.texts += [record_text(r) for r in records]

    def check(self) -> None:
        for sim in self.simulators:
            self.secrets.update(sim.issued_session_ids)
        assert self.secrets, "no secret to look for"
        text = "\n".join(self.texts)
        for secret in self.secrets:
            assert len(secret) >= 8, "a canary this short would match by chance"
            pieces = {secret}
            if len(secret) >= 2 * FRAGMENT:
                pieces = {secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)}
            shown = sorted(piece for piece in pieces if piece in text)
            assert not shown, f"a secret shows: {shown[0]!r} (of {len(secret)} characters)"
