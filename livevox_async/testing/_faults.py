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
  So are the answers that cost a client dearly (never drawn by the rate unless `kinds`
  names them; script them per operation):
  - `"gzip_bomb"` — `Content-Encoding: gzip`, chunked, inflating to `bomb_bytes`
    (256 MiB) of JSON whitespace before the real answer, compressed as it is sent;
  - `"endless_body"` — a chunked JSON answer of whitespace that never ends;
  - `"huge_body"` — the real answer padded in front with whitespace to `huge_bytes`
    (128 MiB), with that Content-Length, streamed;
  - `"big_integers"` — the real answer with every integer under a key `id` (at any
    depth) plus 2**64;
  - `"deep_nesting"` — the real answer with one more key, `"nested"`, a list nested
    `nesting_depth` (300) levels deep.
  Streamed answers stop when the client disconnects. An answer without a body (204)
  becomes a 200 whose real answer is `{}`.

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
from ._answers import MiB, endless_body, gzip_bomb, huge_body, with_big_ids, with_deep_nesting
from ._bounds import Bound

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
    "gzip_bomb",
    "endless_body",
    "huge_body",
    "big_integers",
    "deep_nesting",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
TRANSIENT_KINDS: tuple[FaultKind, ...] = ("500", "502", "503", "429", "reset", "truncate")
"""What a robust client retries through: the default kinds of a rate-based plan."""
ERROR_STATUS_KINDS: frozenset[FaultKind] = frozenset({"500", "502", "503", "429"})
COSTLY_KINDS: frozenset[FaultKind] = frozenset(
    {"gzip_bomb", "endless_body", "huge_body", "big_integers", "deep_nesting"}
)
"""Answers that cost the client: bombs, endless or huge bodies, big ids, deep nesting."""
BROKEN_KINDS: frozenset[FaultKind] = frozenset({"reset", "truncate", "malformed_json", "html_200"})
"""Answers lost or garbled: cut, reset, not JSON."""
ANSWER_KINDS: frozenset[FaultKind] = BROKEN_KINDS | COSTLY_KINDS
"""Faults applied to the answer of a processed request."""

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
    repeatable; `slow_seconds` is how long a `"slow_headers"` fault holds the answer;
    `bomb_bytes`, `huge_bytes` and `nesting_depth` size the `"gzip_bomb"`, `"huge_body"`
    and `"deep_nesting"` answers.
    """

    rate: float = attrs.field(default=0.0, validator=Bound(low=0, high=1))
    kinds: tuple[FaultKind, ...] = attrs.field(default=TRANSIENT_KINDS, converter=_check_kinds)
    seed: int | None = None
    slow_seconds: float = 5.0
    bomb_bytes: int = attrs.field(default=256 * MiB, validator=Bound(low=0, integer=True))
    """Whitespace a `"gzip_bomb"` inflates to before the real answer."""
    huge_bytes: int = attrs.field(default=128 * MiB, validator=Bound(low=0, integer=True))
    """Content-Length of a `"huge_body"` answer (the real answer padded with whitespace)."""
    nesting_depth: int = attrs.field(default=300, validator=Bound(low=1, integer=True))
    """How many lists deep the `"nested"` key of a `"deep_nesting"` answer goes."""
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
    request: web.Request, kind: FaultKind, status: int, body: bytes | None, plan: FaultPlan
) -> web.StreamResponse:
    """Send a processed answer broken as `kind` (one of `ANSWER_KINDS`).

    `"reset"`/`"truncate"` announce the full Content-Length, send half the body, then
    reset (RST) or close (FIN) the connection; an answer without a body is dropped
    before its status line. `"malformed_json"` is a 200 whose JSON is cut in half;
    `"html_200"` is a 200 HTML error page such as a proxy would send. The
    `COSTLY_KINDS` are sized by `plan` (see the module docstring).
    """
    if kind in COSTLY_KINDS:
        return await _costly_answer(request, kind, status if body else 200, body or b"{}", plan)
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


async def _costly_answer(
    request: web.Request, kind: FaultKind, status: int, body: bytes, plan: FaultPlan
) -> web.StreamResponse:
    """Send `body` as one of the `COSTLY_KINDS`."""
    if kind == "gzip_bomb":
        return await gzip_bomb(request, status, body, padding=plan.bomb_bytes)
    if kind == "endless_body":
        return await endless_body(request, status)
    if kind == "huge_body":
        return await huge_body(request, status, body, size=plan.huge_bytes)
    changed = (
        with_big_ids(body) if kind == "big_integers" else with_deep_nesting(body, depth=plan.nesting_depth)
    )
    return web.Response(status=status, body=changed, content_type="application/json")
