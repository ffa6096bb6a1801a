"""LiveVox login sessions: opened lazily, once, renewed on expiry, closed at the end.

A client holds one or more `LiveVoxSession`s (one per `Credentials`), all sending over
the same aiohttp connection pool. Each session logs in on first use, single-flight:
however many calls arrive together, one login is sent and they all wait for it. When
LiveVox answers 401 the caller asks for `renew(stale_id)` when `stale_id` is still the
session's `current_id`: the first to ask logs in again, the others get the new id. (The
client reads `current_id` when a request goes out, so a call queued behind an expiry sends
the renewed id; a 401 for an id already replaced is resent without another login.)
Failures are shared the same way: every caller waiting on a login gets that one
attempt's outcome, and a refused login (401/403: the credentials are wrong) is remembered
and raised again to every later call without asking LiveVox, which locks accounts after
a few failed logins. A login that failed otherwise (5xx, transport; already retried under
the retry policy) is tried afresh by the next call. Sessions sharing an access token
share a `TokenBucket`, since a quota is per token.

`SessionPool.choose(op)` picks the least busy session allowed to call `op` (an agent
session is never used for a method agents may not call), or refuses locally. Busy counts
every call the session holds: attempts in flight (the client counts them in `in_flight`)
and calls waiting for its login, so a burst spreads over every session from the first
call on instead of piling onto the one whose login is still under way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import attrs

from ._credentials import Credentials
from ._exceptions import AuthenticationError
from ._operation import Operation
from ._permissions import permission_error, refusal
from ._rate_limiter import TokenBucket


@attrs.frozen
class Login:
    """What a successful login returned (the session id stays inside the session)."""

    session_id: str = attrs.field(repr=False)
    client_id: int
    user_id: int
    days_until_password_expires: int | None


class LiveVoxSession:
    """One login of one `Credentials`; its session id is never shown."""

    def __init__(self, credentials: Credentials, bucket: TokenBucket) -> None:
        self.credentials = credentials
        self.bucket = bucket
        self.in_flight = 0
        """Attempts of this session queued for a slot or a token, or awaiting an answer."""
        self.logging_in = 0
        """Calls waiting for this session's login (the first one, or a renewal)."""
        self.login: Login | None = None
        self.logins = 0
        """Logins that succeeded."""
        self.refused: AuthenticationError | None = None
        """LiveVox's refusal of these credentials; no login is attempted once it is set."""
        self.attempt: asyncio.Future[Login] | None = None
        """The login in flight, shared by every caller waiting for it."""
        self._retired_id: str | None = None

    def secrets(self) -> tuple[str, ...]:
        """What no message may show: password, access token, current and previous session ids."""
        current = self.login.session_id if self.login is not None else None
        known = (self.credentials.password, self.credentials.access_token, current, self._retired_id)
        return tuple(secret for secret in known if secret)

    def retire(self) -> Login | None:
        """Forget the login (expired or logged out), keeping its id among the `secrets()`."""
        login, self.login = self.login, None
        if login is not None:
            self._retired_id = login.session_id
        return login

    @property
    def busy(self) -> int:
        """Calls on this session now: attempts in flight and calls waiting for its login."""
        return self.in_flight + self.logging_in

    @property
    def kind(self) -> str:
        return self.credentials.kind

    def __repr__(self) -> str:
        state = "open" if self.login else "not logged in"
        who = f"{self.credentials.client_name}/{self.credentials.user_name}"
        return f"<LiveVoxSession {self.kind} {who} {state}>"


LoginFn = Callable[[LiveVoxSession], Awaitable[Login]]
LogoutFn = Callable[[LiveVoxSession, str], Awaitable[None]]


class SessionPool:
    def __init__(
        self,
        credentials: Sequence[Credentials],
        *,
        bucket_for: Callable[[Credentials], TokenBucket],
        login: LoginFn,
        logout: LogoutFn,
    ) -> None:
        self.sessions = [LiveVoxSession(c, bucket_for(c)) for c in credentials]
        self._login = login
        self._logout = logout
        self._turn = 0
        self._allowed: dict[str, tuple[Operation, tuple[LiveVoxSession, ...]]] = {}
        """Per operation id: the operation and the sessions allowed to call it (credentials
        never change; an entry counts only for the very `Operation` it was made for)."""

    def refusal(self, op: Operation) -> str | None:
        """Why no session of the pool may call `op` (the first session's reason); None if one may."""
        reasons = [refusal(op, s.credentials) for s in self.sessions]
        return reasons[0] if all(reasons) else None

    def choose(self, op: Operation) -> LiveVoxSession:
        """The least busy session allowed to call `op`; PermissionDeniedError if none is.

        Ties go round in turn, so equally busy sessions share a burst evenly.
        """
        known = self._allowed.get(op.id)
        if known is not None and known[0] is op:
            allowed = known[1]
        else:
            allowed = self._allowed_for(op)
            self._allowed[op.id] = (op, allowed)
        if len(allowed) == 1:
            return allowed[0]
        self._turn += 1
        count = len(allowed)
        best = allowed[self._turn % count]
        for offset in range(1, count):
            candidate = allowed[(self._turn + offset) % count]
            if candidate.busy < best.busy:
                best = candidate
        return best

    def _allowed_for(self, op: Operation) -> tuple[LiveVoxSession, ...]:
        """The sessions that may call `op`; PermissionDeniedError naming the first one's reason."""
        allowed = tuple(s for s in self.sessions if refusal(op, s.credentials) is None)
        if not allowed:
            first = self.sessions[0]
            reason = refusal(op, first.credentials)
            assert reason is not None
            raise permission_error(
                op, credentials=first.credentials, reason=reason, local=True, method=op.method
            )
        return allowed

    @staticmethod
    def current_id(session: LiveVoxSession) -> str | None:
        """The session's id now; None while it is logged out or being renewed."""
        return session.login.session_id if session.login is not None else None

    async def session_id(self, session: LiveVoxSession) -> str:
        """The session's id, logging in first if needed (one login for many callers)."""
        if session.login is not None:
            return session.login.session_id
        return (await self._wait_for_login(session)).session_id

    async def renew(self, session: LiveVoxSession, stale_id: str) -> str:
        """Replace an expired session id; later callers with the same stale id share the login."""
        if session.login is not None and session.login.session_id == stale_id:
            session.retire()
        if session.login is not None:
            return session.login.session_id  # renewed already by another caller
        return (await self._wait_for_login(session)).session_id

    async def _wait_for_login(self, session: LiveVoxSession) -> Login:
        """The shared login, this caller counted among the session's `busy` while it waits."""
        session.logging_in += 1
        try:
            return await self._shared_login(session)
        finally:
            session.logging_in -= 1

    async def _shared_login(self, session: LiveVoxSession) -> Login:
        if session.refused is not None:
            raise session.refused
        if session.attempt is None or session.attempt.done():
            session.attempt = asyncio.ensure_future(self._attempt_login(session))
        # Shielded: a caller cancelled while waiting does not cancel the others' login.
        return await asyncio.shield(session.attempt)

    async def _attempt_login(self, session: LiveVoxSession) -> Login:
        """One login attempt. The session's state is set before the attempt is done, so no
        waiter ever resumes with the new id while `current_id` still says None."""
        try:
            login = await self._login(session)
        except AuthenticationError as exc:
            session.refused = exc
            raise
        finally:
            session.attempt = None
        session.login = login
        session.logins += 1
        return login

    async def close(self) -> None:
        """Log every open session out; errors are the caller's to log, never raised."""
        for session in self.sessions:
            login = session.retire()
            if login is not None:
                await self._logout(session, login.session_id)
