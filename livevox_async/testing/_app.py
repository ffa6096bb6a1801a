"""The HTTP side: route a request to its operation, then run the pipeline.

Every request goes through the same steps, in this order:

1. route — both `/configuration/agents` and `/configuration/v6.0/agents` (same for
   `/session`); unknown paths answer 404, a known path with another verb 405;
2. rate limit — one token bucket per access token (a session counts against the token
   it logged in with, a login against its `LV-Access`); refused → 429;
3. latency — the configured delay;
4. faults decided before processing — 5xx/429 answers, slow headers, session expiry;
5. authentication (`LV-Session`, 401) and authorisation (agent allow-list, roles,
   Manager powers; 403) from the operation table;
6. parameters and body, checked against the table and the models (400);
7. the operation's handler (`_handlers.py`), with the list quirks (`ListQuirks`) and
   the failed-login lockout (`Lockout`);
8. faults applied to the answer — reset, truncate, malformed JSON, HTML page, and the
   costly ones: gzip bomb, endless or huge body, big ids, deep nesting.

Each request is appended to the request log once it has been answered.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Iterable

import attrs
from aiohttp import web

from .._generated.operations import OPERATIONS
from .._operation import Operation
from ._config import Latency
from ._drift import Drift
from ._faults import ANSWER_KINDS, ERROR_STATUS_KINDS, FaultKind, FaultPlan, corrupt_answer
from ._handlers import Call, Handler, decode_body, handler_for, parse_params
from ._lockout import Lockout
from ._problem import Problem
from ._quirks import ListQuirks
from ._ratelimit import RateLimit
from ._sessions import Caller, Session, SessionKind, Sessions, refusal
from ._store import Store

_VERSION = re.compile(r"v[0-9]+\.[0-9]+")
CLIENT_GONE = 499
"""Logged status of a request whose client left before the answer (not processed)."""
_FAULT_MESSAGES = {
    "500": "internal server error (injected fault)",
    "502": "bad gateway (injected fault)",
    "503": "service unavailable (injected fault)",
    "429": "too many requests (injected fault)",
}


@attrs.frozen
class LoggedRequest:
    """One answered request, as `Simulator.request_log` records it."""

    method: str
    path: str
    """The path as sent (version segment included), without the query."""
    operation: str | None
    """The operation id (`agents.create`); None for a path that matches none."""
    status: int
    """The status answered (`CLIENT_GONE`, 499, when the client left before it)."""
    session_kind: SessionKind | None
    """Kind of the session used (or opened, for a login); None without one."""
    access_token_index: int | None
    """Index in `Simulator.access_tokens` of the token the request counted against."""
    fault: FaultKind | None = None
    query: str = ""
    user_agent: str | None = attrs.field(default=None, eq=False)
    """The request's `User-Agent` header (not compared: entries compare by what was asked)."""


class Router:
    """Finds the operation for a method and path, with or without a `vX.Y` segment."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self._routes: dict[tuple[str, str, int], list[tuple[tuple[str | None, ...], Operation]]] = {}
        for op in operations:
            segments = op.path.strip("/").split("/")
            pattern = tuple(None if s.startswith("{") else s for s in segments)
            self._routes.setdefault((segments[0], segments[1], len(segments)), []).append((pattern, op))
        for candidates in self._routes.values():
            candidates.sort(key=lambda route: route[0].count(None))  # literal segments win over {id}

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str], str | None]:
        """The operation, its path parameters, and the version segment if present."""
        segments = path.strip("/").split("/")
        version = segments.pop(1) if len(segments) > 2 and _VERSION.fullmatch(segments[1]) else None
        allowed = []
        key = (segments[0], segments[1], len(segments)) if len(segments) > 1 else None
        for pattern, op in self._routes.get(key, []) if key else []:
            if all(p is None or p == s for p, s in zip(pattern, segments, strict=True)):
                if op.method == method:
                    names = [p.wire for p in op.path_params()]
                    values = [s for p, s in zip(pattern, segments, strict=True) if p is None]
                    return op, dict(zip(names, values, strict=True)), version
                allowed.append(op.method)
        if allowed:
            raise Problem(405, f"{method} is not supported on {path}; use {', '.join(allowed)}")
        raise Problem(404, f"no LiveVox method at {path}")


class Engine:
    """One tenant served over HTTP: its store, sessions, knobs and request log."""

    def __init__(
        self,
        store: Store,
        sessions: Sessions,
        *,
        faults: FaultPlan,
        rate_limit: RateLimit | None,
        latency: Latency,
        seed: int,
        log_requests: bool,
        list_quirks: ListQuirks,
        lockout: Lockout,
    ) -> None:
        self.store = store
        self.sessions = sessions
        self.faults = faults
        self.list_quirks = list_quirks
        self.lockout = lockout
        self.rate_limit = rate_limit
        self.latency = latency
        self.log: list[LoggedRequest] = []
        self.drift = Drift()
        self._log_requests = log_requests
        self._latency_rng = random.Random(seed)
        self._router = Router(OPERATIONS.values())
        self._handlers: dict[str, Handler] = {op.id: handler_for(op, store) for op in OPERATIONS.values()}

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        op: Operation | None = None
        fault: FaultKind | None = None
        session: Session | None = None
        token_index: int | None = None
        body: bytes | None
        headers = None
        try:
            op, path_params, version = self._router.match(request.method, request.path)
            session = self.sessions.peek(request.headers.get("LV-Session") or path_params.get("sessionId"))
            token_index = (
                session.token_index
                if session
                else self.sessions.token_index(request.headers.get("LV-Access"))
            )
            self._throttle(token_index)
            await self._delay()
            fault = self.faults.choose(op.id)
            if not await self._fault_before(request, fault, session):
                self._record(request, op, CLIENT_GONE, session, token_index, fault)
                return web.Response(status=CLIENT_GONE)
            call = await self._call(request, op, path_params, version)
            status, body = self.drift.answer(op, *self._handlers[op.id](call))
            session = call.session or session
        except Problem as problem:
            status, body, headers = problem.status, problem.body(), problem.headers
        self._record(request, op, status, session, token_index, fault)
        if fault in ANSWER_KINDS:
            return await corrupt_answer(request, fault, status, body, self.faults)
        if body is None:
            return web.Response(status=status, headers=headers)
        return web.Response(status=status, body=body, content_type="application/json", headers=headers)

    async def _fault_before(
        self, request: web.Request, fault: FaultKind | None, session: Session | None
    ) -> bool:
        """Apply a fault decided before processing; False when the client left meanwhile."""
        if fault in ERROR_STATUS_KINDS:
            hidden = self.rate_limit is not None and self.rate_limit.hidden
            headers = {"Retry-After": "1"} if fault == "429" and not hidden else None
            raise Problem(int(fault), _FAULT_MESSAGES[fault], headers)
        if fault == "slow_headers":
            await asyncio.sleep(self.faults.slow_seconds)
            return request.transport is not None and not request.transport.is_closing()
        if fault == "expire_session" and session is not None:
            self.sessions.close(session.id)
        return True

    def _record(
        self,
        request: web.Request,
        op: Operation | None,
        status: int,
        session: Session | None,
        token_index: int | None,
        fault: FaultKind | None,
    ) -> None:
        if not self._log_requests:
            return
        self.log.append(
            LoggedRequest(
                request.method,
                request.path,
                op.id if op else None,
                status,
                session.kind if session else None,
                token_index,
                fault,
                request.query_string,
                request.headers.get("User-Agent"),
            )
        )

    def _throttle(self, token_index: int | None) -> None:
        if self.rate_limit is None or token_index is None:
            return
        wait = self.rate_limit.take(token_index, self.sessions.clock.monotonic())
        if wait:
            retry_after = self.rate_limit.retry_after(wait)
            headers = {"Retry-After": retry_after} if retry_after else None
            raise Problem(429, "too many requests for this access token", headers)

    async def _delay(self) -> None:
        if self.latency is None:
            return
        if isinstance(self.latency, tuple):
            await asyncio.sleep(self._latency_rng.uniform(*self.latency))
        else:
            await asyncio.sleep(self.latency)

    async def _call(
        self, request: web.Request, op: Operation, path: dict[str, str], version: str | None
    ) -> Call:
        caller = session = None
        if op.session_required:
            session_id = request.headers.get("LV-Session")
            session = self.sessions.use(session_id)
            if session is None:
                raise Problem(
                    401,
                    "the LV-Session header is missing"
                    if not session_id
                    else "session is not valid; log in again",
                )
            caller = self._caller(session)
            reason = refusal(op, caller)
            if reason:
                raise Problem(403, reason)
        params = parse_params(op, path, request.query)
        body = decode_body(op, await request.read()) if op.body is not None else None
        return Call(
            op,
            self.store,
            self.sessions,
            params,
            body,
            request.headers.get("LV-Access"),
            version,
            caller,
            session,
            self.list_quirks,
            self.lockout,
        )

    def _caller(self, session: Session) -> Caller:
        if session.kind == "agent":
            return Caller("agent", session.principal)
        user = self.store.find("users", session.principal)
        if user is None:
            self.sessions.close(session.id)
            raise Problem(401, "session is not valid; log in again")
        return Caller("user", session.principal, user["role"], frozenset(user["managerPowers"]))
