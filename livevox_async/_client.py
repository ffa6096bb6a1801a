"""`LiveVox`: the client. Every generated method ends up in `LiveVox._call`.

One call, end to end (each step in the module named after it):

    lv.agents.read(1234)                   _generated/resources.py: describes the call
    -> LiveVox._call(op, ...)              here: the attempt loop
       SessionPool.choose(op)              _session_pool.py + _permissions.py: refuse locally or pick
       SessionPool.session_id(session)     _session_pool.py: single-flight login (before any wait)
       LiveVox._attempt: one attempt       here: in-flight slot, limiter token, session id, send
         TokenBucket.acquire()             _rate_limiter.py: wait for a token (FIFO, adaptive)
         HttpTransport.send(...)           _transport.py: aiohttp, errors mapped at the boundary
         -> Outcome                        _retry.py: the answer decoded (_response.py +
                                           _converter.py), or the typed failure
       RetryDecider.decide(...)            _retry.py: pure; retry after N s / renew session / give up
       LiveVox._follow(decision)           here: wait, re-login, or raise the typed error

    async with LiveVox(Credentials(...), region="NA6") as lv:
        agent = await lv.agents.read(1234)
        async for summary in lv.agents.list():
            ...
        new_id = await lv.term_codes.create(TermCodeCreate(...))
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar, cast
from urllib.parse import quote

import aiohttp
import attrs

from ._converter import to_json
from ._credentials import Credentials
from ._endpoints import base_url_for, versioned
from ._exceptions import (
    REDACTED,
    AuthenticationError,
    ConfigurationError,
    DeadlineExceeded,
    DecodeError,
    LiveVoxError,
    NotFoundError,
    ReadTimeout,
    TransportError,
    amended,
)
from ._generated import models
from ._generated.operations import OPERATIONS, SESSION_LOGIN, SESSION_LOGOUT
from ._generated.resources import Resources
from ._logging import log, logger
from ._operation import Operation, Param
from ._options import RequestOptions, positive_seconds
from ._pagination import Page, Paginator, id_reader
from ._rate_limiter import Clock, LimiterStats, LoopClock, TokenBucket
from ._raw_request import request_operation
from ._resource import NO_ARGS, Runtime
from ._response import api_error, decode_json, decode_model, decode_page, lost_answer, throttle_error
from ._retry import (
    AttemptState,
    Decision,
    GiveUp,
    Outcome,
    RetryAfter,
    RetryBudget,
    RetryDecider,
    RetryPolicy,
)
from ._session_api import SessionApi
from ._session_pool import LiveVoxSession, Login, SessionPool
from ._slots import Slots
from ._tracing import AttemptInfo, CallInfo, CallTally, Tracer
from ._transport import HttpResponse, HttpTransport, RequestContext
from ._unset import UNSET
from ._wire import WireAnswer, decode_wire

T = TypeVar("T")
Decode = Callable[[HttpResponse, RequestContext], T]

BAD_NAME_OR_PASSWORD = re.compile(r"user ?name|password", re.IGNORECASE)
"""A login refusal naming the user or the password (LiveVox: "invalid client name, user
name or password"), not the access token or a lock."""
DEFAULT_MAX_BODY_SIZE = 64 * 2**20
"""64 MiB: the default `max_body_size`."""


def default_is_throttle(response: HttpResponse) -> bool:
    """A throttle is a 429 or a 503 (LiveVox documents neither; both mean "slow down")."""
    return response.status in (429, 503)


@attrs.frozen
class SessionStats:
    """One LiveVox session of a client, as `ClientStats.sessions` shows it (no secret)."""

    kind: str
    """`"user"` or `"agent"`."""
    user: str
    """`client name/user name`."""
    logged_in: bool
    logins: int
    """Logins that succeeded (the first one and each renewal)."""
    in_flight: int
    """Calls using it now (waiting for a token or sent)."""
    limiter: str
    """The name of its access token's limiter in `ClientStats.limiters`."""


@attrs.define
class ClientStats:
    """Counters of a client since it opened."""

    requests: int = 0
    """HTTP requests sent (every attempt, logins and logouts included)."""
    retries: int = 0
    throttles: int = 0
    relogins: int = 0
    """Logins after an expiry: one per expiry, however many calls saw its 401."""
    limiters: dict[str, LimiterStats] = attrs.field(factory=dict)
    """Per access token (shown as `token 1`, `token 2`, … in pool order)."""
    sessions: tuple[SessionStats, ...] = ()
    """Per LiveVox session, in pool order."""
    connections_in_use: int | None = None
    """Pooled HTTP connections lent to a request now; None while the client is not open."""


@attrs.define(slots=True)  # not frozen: one is made per call, and a frozen init costs 4x
class _Prepared:
    """One call, ready for its attempts: everything a request needs but the session id (never
    changed once made)."""

    op: Operation
    session: LiveVoxSession
    url_path: str
    shown_path: str
    """The redacted path (secret parameters cut out)."""
    query: dict[str, str]
    payload: bytes | None
    timeout: float


class LiveVox(Resources):
    """An open connection to one LiveVox tenant; see the module docstring.

    Args:
        credentials: one `Credentials`, or several to pool sessions (several access
            tokens, or users and agents); work is spread over those allowed to call it.
        region: `NA3`…`NA6`; or `base_url` (plain `http://` only to a loopback host).
        api_version: e.g. `"v6.0"` to send `/configuration/v6.0/...`; None for the
            unversioned paths of the current docs.
        rate: requests/second per access token; None leaves it to `adaptive`.
        burst: tokens a bucket holds (how many requests may go back to back).
        adaptive: cut the rate on throttling (429/503) and climb back (CUBIC).
        max_concurrency: requests in flight at once (a cap separate from the rate).
        timeout: seconds per attempt; `deadline`: seconds per call, retries and waits
            included (None: bounded by the attempts and their timeouts, no extra timer).
        max_body_size: the most bytes an answer may hold, decompressed (default 64 MiB; a
            1000-agent page is about 260 KB); a larger one raises `ResponseTooLarge`.
        retry: a `RetryPolicy`, or any `RetryDecider` (`livevox_async.retry`): what to do
            after an attempt that did not succeed; `is_throttle`: which answers are throttles.
        ssl: an `ssl.SSLContext` (or False to skip verification, never in production).
        trace_configs: aiohttp `TraceConfig`s, passed to the `ClientSession`.
        tracer: a `Tracer` (`livevox_async.tracing`) told of each call and its HTTP
            attempts; `livevox_async.otel.OpenTelemetryTracer()` makes them spans.
        clock: the client's clock: its limiters' and the one a call's elapsed time is read
            from (tests inject a manual one).
    """

    def __init__(
        self,
        credentials: Credentials | Sequence[Credentials],
        *,
        region: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        rate: float | None = None,
        burst: float = 3,
        adaptive: bool = True,
        max_concurrency: int = 32,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        deadline: float | None = None,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        retry: RetryDecider | None = None,
        is_throttle: Callable[[HttpResponse], bool] = default_is_throttle,
        ssl: ssl.SSLContext | bool | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
        tracer: Tracer | None = None,
        clock: Clock | None = None,
    ) -> None:
        creds = [credentials] if isinstance(credentials, Credentials) else list(credentials)
        if not creds:
            raise ConfigurationError("give at least one Credentials")
        _check_limits(max_concurrency, timeout, connect_timeout, deadline, max_body_size)
        self._transport = HttpTransport(
            base_url_for(region=region, base_url=base_url),
            max_connections=max_concurrency,
            connect_timeout=connect_timeout,
            max_body_size=max_body_size,
            ssl_context=ssl,
            trace_configs=trace_configs,
        )
        self._api_version = api_version
        self._templates: dict[str, str] = {}
        self._id_prefix = str(uuid.uuid4())[:24]  # request ids: UUIDs unique per client, cheap per request
        self._request_numbers = itertools.count(1)
        self._timeout = timeout
        self._deadline = deadline
        self._retry: RetryDecider = retry if retry is not None else RetryPolicy()
        self._clock = clock if clock is not None else LoopClock()
        self._budget = RetryBudget()
        self._is_throttle = is_throttle
        self._tracer = tracer
        self._in_flight = Slots(max_concurrency)
        self._bucket_names: dict[int, str] = {}
        bucket_for = _bucket_per_token(rate, burst, adaptive, self._clock, self._bucket_names)
        self._pool = SessionPool(creds, bucket_for=bucket_for, login=self._login, logout=self._logout)
        self._stats = ClientStats()
        self._state = "new"
        self.runtime = ClientRuntime(self)
        """The documented seam under the resources: see `ClientRuntime`."""
        self._bind_resources(self.runtime)
        self.session = SessionApi(self._pool, self.runtime, self._send_on)
        """The Session API for this client's own login: `validate`, `change_password`, …"""

    def __repr__(self) -> str:
        return f"<LiveVox {self._transport.base_url} sessions={len(self._pool.sessions)} {self._state}>"

    async def __aenter__(self) -> Self:
        if self._state != "new":
            raise ConfigurationError("a LiveVox client can be opened once")
        await self._transport.open()
        self._state = "open"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Log every session out and close the connection pool (also after errors)."""
        if self._state == "closed":
            return
        try:
            if self._state == "open":
                await self._pool.close()
        finally:
            self._state = "closed"
            await self._transport.close()

    # -- information -------------------------------------------------------------

    def stats(self) -> ClientStats:
        """Counters so far, with each limiter's and each session's state: a snapshot."""
        limiters = {}
        sessions = []
        for session in self._pool.sessions:
            name = self._bucket_names[id(session.bucket)]
            limiters[name] = session.bucket.stats()
            sessions.append(_session_stats(session, name))
        return attrs.evolve(
            self._stats,
            limiters=limiters,
            sessions=tuple(sessions),
            connections_in_use=self._transport.connections_in_use(),
        )

    async def client_id(self) -> int:
        """The LiveVox client id of the first session (logging it in if needed)."""
        session = self._pool.sessions[0]
        await self._pool.session_id(session)
        assert session.login is not None
        return session.login.client_id

    @property
    def api_version(self) -> str | None:
        """The API version in every path (`"v6.0"`), or None for the unversioned paths."""
        return self._api_version

    def preflight(self, op: Operation) -> str | None:
        """Why no session of this client may call `op` (local role check), or None."""
        return self._pool.refusal(op)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
    ) -> Any:
        """Any LiveVox call by verb and unversioned path; the answer's JSON (None when empty).

        The way around a missing or wrong operation; see `ClientRuntime.request`.

            raw = await lv.request("GET", "/configuration/agents/17")
            page = await lv.request("GET", "/configuration/campaigns", query={"count": 10, "offset": 0})
        """
        return await self.runtime.request(method, path, query=query, json=json, options=options)

    # -- sessions ----------------------------------------------------------------

    async def _login(self, session: LiveVoxSession) -> Login:
        c = session.credentials
        body = models.LoginRequest(
            client_name=c.client_name, user_name=c.user_name, password=c.password, agent=c.agent
        )
        try:
            result = await self._attempts(
                SESSION_LOGIN,
                session,
                {},
                {},
                to_json(body),
                None,
                lambda r, ctx: decode_model(SESSION_LOGIN, r, ctx, models.LoginResponse),
            )
        except AuthenticationError as exc:
            refused = exc
        else:
            days = result.days_until_password_expires
            return Login(
                session_id=result.session_id,
                client_id=result.client_id,
                user_id=result.user_id,
                days_until_password_expires=None if days is UNSET else days,
            )
        raise _login_refused(refused, c)  # outside the except: no context to carry along

    async def _logout(self, session: LiveVoxSession, session_id: str) -> None:
        try:
            await self._attempts(
                SESSION_LOGOUT,
                session,
                {"sessionId": session_id},
                {},
                None,
                RequestOptions(retry=False, timeout=5),
                lambda r, c: None,
            )
        except LiveVoxError as exc:
            log(
                logging.INFO,
                "logout failed (the session will expire by itself)",
                operation=SESSION_LOGOUT.id,
                status=getattr(exc, "status", None),
            )

    async def _send_on(
        self,
        op: Operation,
        session: LiveVoxSession,
        path: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> None:
        """Send a Session API method for one given session of the pool; its answer is not read."""
        if self._state != "open":
            raise ConfigurationError(f"the client is {self._state}: use `async with LiveVox(...) as lv`")
        payload = to_json(body) if body is not None else None
        await self._attempts(op, session, path, {}, payload, options, lambda r, c: None)

    # -- the call loop -------------------------------------------------------------

    # `_call`, `_attempts`, `_within_deadline` and `_send` are plain functions that return the
    # awaitable doing the work, not coroutines of their own: a call's answer resumes fewer
    # frames on its way back (every caller awaits at once, so their errors surface as before).

    def _call(
        self,
        op: Operation,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        decode: Decode[T],
    ) -> Awaitable[T]:
        if self._state != "open":
            raise ConfigurationError(f"the client is {self._state}: use `async with LiveVox(...) as lv`")
        session = self._pool.choose(op)
        payload = to_json(body) if body is not None else None
        return self._attempts(op, session, path, query, payload, options, decode)

    def _attempts(
        self,
        op: Operation,
        session: LiveVoxSession,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        payload: bytes | None,
        options: RequestOptions | None,
        decode: Decode[T],
    ) -> Awaitable[T]:
        call = self._prepare(op, session, path, query, payload, options)
        if self._tracer is None:
            return self._within_deadline(call, options, decode, None)
        return self._traced(call, options, decode, self._tracer)

    async def _traced(
        self, call: _Prepared, options: RequestOptions | None, decode: Decode[T], tracer: Tracer
    ) -> T:
        """The call inside the tracer's context, told at the end how it went."""
        op = call.op
        with tracer.call(CallInfo(op.id, op.method, call.shown_path)) as trace:
            tally = CallTally(trace)
            try:
                result = await self._within_deadline(call, options, decode, tally)
            except BaseException as exc:
                trace.end(tally.summary(type(exc).__name__))
                raise
            trace.end(tally.summary(None))
            return result

    def _within_deadline(
        self, call: _Prepared, options: RequestOptions | None, decode: Decode[T], tally: CallTally | None
    ) -> Awaitable[T]:
        deadline = options.deadline if options and options.deadline is not None else self._deadline
        if deadline is None:
            return self._attempt_loop(call, options, decode, tally)
        return self._bounded(call, options, decode, tally, deadline)

    async def _bounded(
        self,
        call: _Prepared,
        options: RequestOptions | None,
        decode: Decode[T],
        tally: CallTally | None,
        deadline: float,
    ) -> T:
        """The attempts within the call's deadline; `DeadlineExceeded` when it passes."""
        try:
            async with asyncio.timeout(deadline) as scope:
                return await self._attempt_loop(call, options, decode, tally)
        except TimeoutError as exc:
            if isinstance(exc, ReadTimeout) and not scope.expired():
                raise  # an attempt's own timeout, within the deadline
        raise DeadlineExceeded(  # outside the except: no chain of cancelled waits behind it
            f"no answer within the call's deadline of {deadline:g}s",
            operation=call.op.id,
            method=call.op.method,
        )

    async def _attempt_loop(
        self, call: _Prepared, options: RequestOptions | None, decode: Decode[T], tally: CallTally | None
    ) -> T:
        """Attempt, and follow the retry policy's decision until a success or an error."""
        op, session = call.op, call.session
        started = self._clock.now()
        state: AttemptState | None = None  # made at the first failure: a success needs none
        while True:
            if op.session_required and self._pool.current_id(session) is None:
                # A failed login is the outcome its waiters share, not retried here.
                await self._pool.session_id(session)
            outcome = await self._attempt(call, decode, 1 if state is None else state.attempts, tally)
            if outcome is None:
                continue  # the session was being renewed: wait for the new id, then queue again
            if outcome.ok:
                self._budget.on_success()
                return cast(T, outcome.result)
            if state is None:
                state = AttemptState(self._budget, options is None or options.retry, started)
            decision = self._retry.decide(op, outcome, state)
            if tally is not None:
                tally.decided(outcome, decision)
            state = await self._follow(call, outcome, state, decision)

    def _prepare(
        self,
        op: Operation,
        session: LiveVoxSession,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        payload: bytes | None,
        options: RequestOptions | None,
    ) -> _Prepared:
        url_path, shown_path = self._paths(op, path)
        return _Prepared(
            op=op,
            session=session,
            url_path=url_path,
            shown_path=shown_path,
            query={k: _query_value(v) for k, v in query.items() if v is not None} if query else {},
            payload=payload,
            timeout=options.timeout if options and options.timeout is not None else self._timeout,
        )

    async def _attempt(
        self, call: _Prepared, decode: Decode[T], attempt: int, tally: CallTally | None
    ) -> Outcome[T] | None:
        """One attempt: a limiter token, an in-flight slot, the session id as it is now, send.

        The id is read when the request goes out, not when the call started waiting, so calls
        queued behind an expiry send the renewed id. A call that finds its session being
        renewed gives its token back and sends nothing (None): it waits for the new id
        holding neither slot nor token, then queues again. A transport failure is an outcome.
        """
        op, session = call.op, call.session
        session.in_flight += 1
        try:
            # The session's token first, then a slot: calls queued for one session's token
            # hold no slot, so they cannot starve the other sessions of the pool. A slot is
            # freed only by an answer, so sends after a wait for one follow the server's pace.
            bucket = session.bucket
            waited = 0.0 if bucket.try_acquire() else await bucket.acquire()
            if not self._in_flight.try_take():
                await self._in_flight.take()
            try:
                session_id = self._pool.current_id(session) if op.session_required else None
                if op.session_required and session_id is None:
                    session.bucket.refund()
                    return None
                context = RequestContext(
                    op.id, op.method, call.shown_path, f"{self._id_prefix}{next(self._request_numbers):012x}"
                )
                sent_at = time.monotonic()
                self._stats.requests += 1
                try:
                    headers = self._headers(call, context, session_id)
                    if tally is None:
                        response = await self._send(call, headers, context)
                    else:
                        response = await self._traced_send(call, headers, context, tally, attempt, waited)
                except TransportError as exc:
                    return Outcome(None, context, session_id, error=exc)
            finally:
                self._in_flight.give_back()
        finally:
            session.in_flight -= 1
        self._log_answer(call, context, response.status, attempt, waited, sent_at)
        return self._outcome(call, decode, response, context, session_id)

    def _send(
        self, call: _Prepared, headers: dict[str, str], context: RequestContext
    ) -> Awaitable[HttpResponse]:
        return self._transport.send(
            call.op.method,
            call.url_path,
            query=call.query,
            headers=headers,
            body=call.payload,
            timeout=call.timeout,
            context=context,
        )

    async def _traced_send(
        self,
        call: _Prepared,
        headers: dict[str, str],
        context: RequestContext,
        tally: CallTally,
        attempt: int,
        waited: float,
    ) -> HttpResponse:
        """`_send` inside the tracer's context for this attempt, its answer noted."""
        tally.sending(waited)
        with tally.trace.attempt(AttemptInfo(attempt)) as info:
            response = await self._send(call, headers, context)
            info.answered(response.status, context.request_id)
        tally.status = response.status
        return response

    def _outcome(
        self,
        call: _Prepared,
        decode: Decode[T],
        response: HttpResponse,
        context: RequestContext,
        session_id: str | None,
    ) -> Outcome[T]:
        """What an answer is: the limiter told, a success decoded, a throttle or stale id noted."""
        session = call.session
        throttled = self._is_throttle(response)
        if not throttled:
            session.bucket.on_success()  # the rate LiveVox answers is what adaptation learns
        if 200 <= response.status < 300:
            try:
                result = decode(response, context)
            except DecodeError as exc:
                return Outcome(response, context, session_id, error=exc)
            return Outcome(response, context, session_id, result)
        if throttled:
            self._stats.throttles += 1
            session.bucket.on_throttle()
        renewed = (
            response.status == 401 and session_id is not None and self._pool.current_id(session) != session_id
        )
        return Outcome(response, context, session_id, throttled=throttled, renewed_elsewhere=renewed)

    async def _follow(
        self, call: _Prepared, outcome: Outcome[Any], state: AttemptState, decision: Decision
    ) -> AttemptState:
        """Carry out the retry policy's decision: wait, or renew the session; or raise."""
        if isinstance(decision, GiveUp):
            raise self._failure(call, outcome, state, decision)
        after = state.after(decision)
        if isinstance(decision, RetryAfter):
            if not decision.throttle:
                self._budget.spend()
            count = after.throttles if decision.throttle else after.retries
            await self._pause(call, outcome, decision, count)
        elif decision.login:
            assert outcome.session_id is not None
            await self._relogin(call.op, call.session, outcome.session_id)
        return after

    def _failure(
        self, call: _Prepared, outcome: Outcome[Any], state: AttemptState, decision: GiveUp
    ) -> LiveVoxError:
        """The error a call gives up with: a lost answer's says whether the call may have happened."""
        if outcome.error is not None:
            error: LiveVoxError = outcome.error
            if isinstance(error, ReadTimeout):
                error = self._timed_out(error, state)
            return error if call.op.idempotent else lost_answer(call.op, error)
        op, session, response, context = call.op, call.session, outcome.response, outcome.context
        assert response is not None
        assert context is not None
        if decision.rate_limited:
            return throttle_error(
                op, response, context, secrets=session.secrets(), retry_after=outcome.retry_after
            )
        return api_error(op, response, context, credentials=session.credentials, secrets=session.secrets())

    def _timed_out(self, error: ReadTimeout, state: AttemptState) -> ReadTimeout:
        """The last attempt's timeout, saying how many attempts the call made and how long it took."""
        attempts, elapsed = state.attempts, self._clock.now() - state.started
        shown = f"{attempts} attempt" if attempts == 1 else f"{attempts} attempts"
        timed_out = amended(error, f"gave up after {shown} in {elapsed:.2f}s")
        timed_out.attempts, timed_out.elapsed = attempts, elapsed
        return timed_out

    @staticmethod
    def _headers(call: _Prepared, context: RequestContext, session_id: str | None) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",  # as LiveVox's examples send it, body or not
            "LV_REQUEST_TRACKING_ID": context.request_id,
        }
        if session_id is not None:
            headers["LV-Session"] = session_id
        elif call.op.sends_access_token:
            headers["LV-Access"] = call.session.credentials.access_token
        return headers

    def _log_answer(
        self, call: _Prepared, context: RequestContext, status: int, attempt: int, waited: float, sent: float
    ) -> None:
        if not logger.isEnabledFor(logging.DEBUG):  # spare building the fields otherwise
            return
        op = call.op
        log(
            logging.DEBUG,
            "%s answered %s",
            op.id,
            status,
            operation=op.id,
            method=op.method,
            path=call.shown_path,
            status=status,
            attempt=attempt,
            waited_ms=round(waited * 1000, 1),
            elapsed_ms=round((time.monotonic() - sent) * 1000, 1),
            request_id=context.request_id,
        )

    async def _relogin(self, op: Operation, session: LiveVoxSession, stale_id: str) -> None:
        self._stats.relogins += 1
        log(logging.INFO, "session expired; logging in again", operation=op.id, status=401)
        await self._pool.renew(session, stale_id)

    async def _pause(self, call: _Prepared, outcome: Outcome[Any], decision: RetryAfter, count: int) -> None:
        """Wait before the `count`-th retry (or throttle retry) of a call."""
        self._stats.retries += 1
        op, wait, failure = call.op, decision.seconds, outcome.error
        log(
            logging.INFO,
            "%s failed (%s); retry %d in %.0f ms",
            op.id,
            type(failure).__name__ if failure is not None else outcome.status,
            count,
            wait * 1000,
            operation=op.id,
            method=op.method,
            path=call.shown_path,
            status=outcome.status if failure is None else None,
            attempt=count,
            retry_in_ms=round(wait * 1000, 1),
        )
        await asyncio.sleep(wait)

    def _paths(self, op: Operation, values: Mapping[str, Any]) -> tuple[str, str]:
        """The path to send and the one to show (secret parameters redacted)."""
        template = self._templates.get(op.path)
        if template is None:
            template = self._templates[op.path] = versioned(op.path, self._api_version)
        params = op.path_params()
        if not params:
            return template, template
        sent = shown = template
        for param in params:
            if param.wire not in values:
                raise ConfigurationError(f"{op.id} needs the path parameter {param.name}")
            raw = values[param.wire]
            # an int (not a bool) is digits and maybe a minus: nothing to check or quote
            value = str(raw) if raw.__class__ is int else quote(_path_segment(op, param, raw), safe="")
            placeholder = f"{{{param.wire}}}"
            sent = sent.replace(placeholder, value)
            shown = shown.replace(placeholder, REDACTED if param.secret else value)
        return sent, shown


def _check_limits(
    max_concurrency: int, timeout: float, connect_timeout: float, deadline: float | None, max_body_size: int
) -> None:
    """Refuse a client setting that cannot mean what it says (ConfigurationError naming it)."""
    if max_concurrency < 1:
        raise ConfigurationError(f"max_concurrency must be >= 1, got {max_concurrency}")
    positive_seconds("timeout", timeout)
    positive_seconds("connect_timeout", connect_timeout)
    positive_seconds("deadline", deadline)
    if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size <= 0:
        raise ConfigurationError(f"max_body_size must be a number of bytes > 0, got {max_body_size!r}")


def _session_stats(session: LiveVoxSession, limiter: str) -> SessionStats:
    c = session.credentials
    logged_in = session.login is not None
    user = f"{c.client_name}/{c.user_name}"
    return SessionStats(session.kind, user, logged_in, session.logins, session.in_flight, limiter)


def _bucket_per_token(
    rate: float | None, burst: float, adaptive: bool, clock: Clock, names: dict[int, str]
) -> Callable[[Credentials], TokenBucket]:
    """One `TokenBucket` per access token (a quota is per token), named in `names` by its id."""
    buckets: dict[str, TokenBucket] = {}

    def bucket_for(c: Credentials) -> TokenBucket:
        if c.access_token not in buckets:
            buckets[c.access_token] = bucket = TokenBucket(rate, burst, adaptive=adaptive, clock=clock)
            names[id(bucket)] = f"token {len(buckets)}"
        return buckets[c.access_token]

    return bucket_for


def _login_refused(exc: AuthenticationError, credentials: Credentials) -> AuthenticationError:
    """LiveVox's refusal of a login, saying what to check (its message is redacted already).

    Refused as a bad name or password, a user login (not `agent=True`) may be an agent's.
    """
    said = f" (LiveVox said: {exc.lv_message})" if exc.lv_message else ""
    bad_name = exc.lv_message is None or BAD_NAME_OR_PASSWORD.search(exc.lv_message) is not None
    hint = "; if these are agent credentials, pass agent=True" if bad_name and not credentials.agent else ""
    return AuthenticationError(
        f"LiveVox refused the login: check the access token, client name, user name and password{said}{hint}",
        status=exc.status,
        code=exc.code,
        lv_message=exc.lv_message,
        operation=SESSION_LOGIN.id,
        method=exc.method,
        path=exc.path,
        request_id=exc.request_id,
    )


def _info_for(op: Operation, query: Mapping[str, Any]) -> Operation | None:
    """The `/info` of a plain list, if it counts exactly what the list's filters select."""
    info = OPERATIONS.get(f"{op.family}.info")
    if info is None or op.body is not None or op.method != "GET":
        return None
    accepted = {p.wire for p in info.query_params()}
    if any(value is not None and key not in accepted for key, value in query.items()):
        return None
    return info


def _path_segment(op: Operation, param: Param, value: Any) -> str:
    """A path parameter as one plain segment; `""`, `"."`, `".."` and non-scalars are refused.

    >>> read = OPERATIONS["agents.read"]
    >>> _path_segment(read, read.path_params()[0], 17)
    '17'
    >>> _path_segment(read, read.path_params()[0], "..")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    livevox_async._exceptions.ConfigurationError: agents.read: the path parameter id must be ...
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigurationError(
            f"{op.id}: the path parameter {param.name} must be an int or str, got {type(value).__name__}"
        )
    text = str(value)
    if text in ("", ".", "..") or not text.isprintable():
        shown = REDACTED if param.secret else repr(text)
        raise ConfigurationError(
            f"{op.id}: the path parameter {param.name} must be a plain value, got {shown}"
        )
    return text


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ClientRuntime(Runtime):
    """`lv.runtime`: the seam under the generated resources, public for the export, plan and
    users' code. It implements `Runtime` (the methods generated code calls, documented there)
    and adds `fetch_json`, `request`, `preflight`, `api_version` and `base_url`.

    It sends any `Operation` of the table through the client's sessions, limiter, retries
    and typed errors:

        info = OPERATIONS["agents.info"]
        listed = await lv.runtime.fetch(info, ListInfo)
        raw = await lv.runtime.fetch_json(OPERATIONS["agents.read"], path={"id": 1234})
    """

    __slots__ = ("_client",)

    def __init__(self, client: LiveVox) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<ClientRuntime of {self._client!r}>"

    @property
    def api_version(self) -> str | None:
        """The API version in every path, or None."""
        return self._client.api_version

    @property
    def base_url(self) -> str:
        """Scheme and host every request goes to (`https://api.na6.livevox.com`)."""
        return self._client._transport.base_url

    def preflight(self, op: Operation) -> str | None:
        """Why this client may not call `op` (refused locally), or None when some session may."""
        return self._client.preflight(op)

    async def fetch(
        self,
        op: Operation,
        model: type[T],
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> T:
        return await self._client._call(
            op, path, query, body, options, lambda r, c: decode_model(op, r, c, model)
        )

    async def fetch_json(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        options: RequestOptions | None = None,
    ) -> Any:
        """Send `op` and return its 200 body as parsed JSON, as LiveVox sent it (no model)."""
        return await self._client._call(op, path, query, None, options, lambda r, c: decode_json(op, r, c))

    async def send(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> WireAnswer:
        return await self._client._call(op, path, query, body, options, lambda r, c: decode_wire(op, r, c))

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json: Any = None,
        options: RequestOptions | None = None,
    ) -> Any:
        """Send `method path` (unversioned, e.g. `/configuration/agents/17`); its JSON or None.

        A path the table knows is sent as its operation (the role check applies); any other
        as it is (`livevox_async._raw_request`). Sessions, re-login, the limiter and typed
        errors as for every call; retried only when the verb is idempotent (not POST).
        """
        op, values = request_operation(method, path)
        answer = await self._client._call(
            op, values, query or NO_ARGS, json, options, lambda r, c: decode_wire(op, r, c)
        )
        return answer.data

    async def create(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> int:
        created = await self._client._call(
            op, path, query, body, options, lambda r, c: decode_model(op, r, c, models.Created)
        )
        return created.id

    async def execute(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> None:
        await self._client._call(op, path, query, body, options, lambda r, c: None)

    def paginate(
        self,
        op: Operation,
        item: type[T],
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        page_size: int = 1000,
        max_items: int | None = None,
        options: RequestOptions | None = None,
    ) -> Paginator[T]:
        call = self._client._call

        async def fetch_page(offset: int, count: int) -> Page[T]:
            try:
                return await call(
                    op,
                    path,
                    {**query, "count": count, "offset": offset},
                    body,
                    options,
                    lambda r, c: decode_page(op, r, c, item, offset, count),
                )
            except NotFoundError as exc:
                if exc.code is None and exc.lv_message is None:
                    raise  # not LiveVox's error body: a proxy or a wrong host, not an empty list
                return Page(offset, (), (), None, not_found=True)  # LiveVox's own client reads it so

        info_op = _info_for(op, query)
        fetch_total = None
        if info_op is not None:
            info = info_op

            async def fetch_total() -> int:
                listed = await self.fetch(info, models.ListInfo, path=path, query=query, options=options)
                return listed.size

        return Paginator(
            fetch_page,
            fetch_total=fetch_total,
            page_size=page_size,
            max_items=max_items,
            id_of=id_reader(op.id_key),
            what=op.id,
        )
