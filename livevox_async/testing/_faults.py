"""Fault injection: which request fails, and how a broken answer is written.

A `FaultPlan` picks faults by probability (`rate` over `kinds`) or by script (the next
N matching requests get a given fault; scripts win over the rate). Two families of
fault exist, and the difference matters to clients:

- decided **before** processing — `"500"`, `"502"`, `"503"`, `"429"`, `"slow_headers"`,
  `"expire_session"`: the request never touches the tenant (a slow answer whose client
  gave up is dropped unprocessed; an expired session answers 401);
- applied to the **answer** after processing — `"reset"`, `"truncate"`,
  `"malformed_json"`, `"html_200"`: the request did happen (a create did create), only
  the answer is lost or garbled. That is why a client must never resend a create.

Session methods (login, logout, validate, change password) get a fault only when a
script names that operation.

    >>> plan = FaultPlan(rate=0.05, seed=7)            # 5 % of requests, transient kinds
    >>> plan.script("reset", times=2, operation="agents.read")
    >>> plan.choose("agents.read"), plan.choose("agents.read"), plan.pending()
    ('reset', 'reset', 0)
"""

from __future__ import annotations

import random
import socket
import struct
from asyncio import Transport
from collections.abc import Iterable
from typing import Literal, get_args

import attrs
from aiohttp import web

from .._generated.operations import OPERATIONS

FaultKind = Literal[
    "500",
    "502",
    "503",
    "429",
    "reset",
    "truncate",
    "malformed_json",
    "html_200",
    "slow_headers",
    "expire_session",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
TRANSIENT_KINDS: tuple[FaultKind, ...] = ("500", "502", "503", "429", "reset", "truncate")
"""What a robust client retries through: the default kinds of a rate-based plan."""
ERROR_STATUS_KINDS: frozenset[FaultKind] = frozenset({"500", "502", "503", "429"})
ANSWER_KINDS: frozenset[FaultKind] = frozenset({"reset", "truncate", "malformed_json", "html_200"})

HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>"
    "<h1>Service Temporarily Unavailable</h1><p>Please try again later.</p></body></html>"
)


def _check_kind(kind: str) -> FaultKind:
    """`kind` as a `FaultKind`; ValueError for an unknown one."""
    for known in FAULT_KINDS:
        if kind == known:
            return known
    raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")


def _check_kinds(kinds: Iterable[str]) -> tuple[FaultKind, ...]:
    return tuple(_check_kind(k) for k in kinds)


@attrs.define
class _Script:
    kind: FaultKind
    times: int
    operation: str | None


@attrs.define
class FaultPlan:
    """Which requests fail: a probability over `kinds`, plus scripted faults.

    Mutable at run time (`sim.faults.rate = 0.1`); `seed` makes the random picks
    repeatable; `slow_seconds` is how long a `"slow_headers"` fault holds the answer.
    """

    rate: float = attrs.field(default=0.0, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)])
    kinds: tuple[FaultKind, ...] = attrs.field(default=TRANSIENT_KINDS, converter=_check_kinds)
    seed: int | None = None
    slow_seconds: float = 5.0
    _rng: random.Random = attrs.field(init=False)
    _scripts: list[_Script] = attrs.field(init=False, factory=list)

    def __attrs_post_init__(self) -> None:
        if self.rate and not self.kinds:
            raise ValueError("a fault rate needs at least one fault kind")
        self._rng = random.Random(self.seed)

    def script(self, kind: FaultKind, times: int = 1, operation: str | None = None) -> None:
        """Give the next `times` requests to `operation` (any non-session one if None) this fault."""
        if times < 1:
            raise ValueError("times must be at least 1")
        if operation is not None and operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
        self._scripts.append(_Script(_check_kind(kind), times, operation))

    def pending(self) -> int:
        """How many scripted faults are still to be served."""
        return sum(s.times for s in self._scripts)

    def clear(self) -> None:
        """Stop injecting: drop the scripts and set the rate to 0."""
        self._scripts.clear()
        self.rate = 0.0

    def choose(self, operation: str) -> FaultKind | None:
        """The fault for one request to `operation`, consuming a script or a random draw."""
        is_session = OPERATIONS[operation].family == "session"
        for script in self._scripts:
            if script.operation == operation or (script.operation is None and not is_session):
                script.times -= 1
                if not script.times:
                    self._scripts.remove(script)
                return script.kind
        if self.rate and not is_session and self._rng.random() < self.rate:
            return self._rng.choice(self.kinds)
        return None


def _drop(transport: Transport | None, *, reset: bool) -> None:
    """Close the connection: with a TCP RST when `reset`, else with a plain FIN."""
    if transport is None:
        return
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()


async def corrupt_answer(
    request: web.Request, kind: FaultKind, status: int, body: bytes | None
) -> web.StreamResponse:
    """Send a processed answer broken as `kind` (one of `ANSWER_KINDS`).

    `"reset"`/`"truncate"` announce the full Content-Length, send half the body, then
    reset (RST) or close (FIN) the connection; an answer without a body is dropped
    before its status line. `"malformed_json"` is a 200 whose JSON is cut in half;
    `"html_200"` is a 200 HTML error page such as a proxy would send.
    """
    if kind == "malformed_json":
        garbled = body[: len(body) // 2] if body else b'{"code": 200, "message": '
        return web.Response(status=200, body=garbled, content_type="application/json")
    if kind == "html_200":
        return web.Response(status=200, text=HTML_PAGE, content_type="text/html")
    if not body:
        _drop(request.transport, reset=kind == "reset")
        return web.Response(status=status)
    response = web.StreamResponse(status=status)
    response.content_type = "application/json"
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    _drop(request.transport, reset=kind == "reset")
    return response
