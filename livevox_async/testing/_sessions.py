"""LiveVox sessions: who is logged in with which access token, and what they may call.

A login opens a session for one user or agent *and* one `LV-Access` token; logging in
again with the same pair while the session lives returns the same session id. A session
expires after `idle_timeout` seconds without use (each use restarts the count).

    >>> from livevox_async.testing._clock import SimClock
    >>> sessions = Sessions(SimClock(), idle_timeout=60, tokens=("t0", "t1"))
    >>> first = sessions.open("agent", principal=7, token_index=0)
    >>> sessions.open("agent", principal=7, token_index=0).id == first.id
    True
    >>> sessions.open("agent", principal=7, token_index=1).id == first.id
    False
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

import attrs

from .._operation import Operation
from ._clock import SimClock

SessionKind = Literal["agent", "user"]


@attrs.define
class Session:
    """One open session."""

    id: str
    kind: SessionKind
    principal: int
    """The agent's or user's id."""
    token_index: int
    """Index of the access token it logged in with (`Simulator.access_tokens`)."""
    last_used: float


@attrs.frozen
class Caller:
    """Who sends a request: an agent, or a user with a role (and a Manager's powers)."""

    kind: SessionKind
    principal: int
    role: str | None = None
    powers: frozenset[str] = frozenset()


def refusal(op: Operation, caller: Caller) -> str | None:
    """Why `caller` may not call `op` (the 403 message), or None when it may.

    An operation that names no roles (the Session API) is open to every session.
    """
    if not op.roles:
        return None
    if caller.kind == "agent":
        return None if op.agent_allowed else f"agent sessions may not call {op.summary}"
    if caller.role not in op.roles:
        return f"the {caller.role} role may not call {op.summary}"
    if caller.role == "Manager" and op.manager_power and op.manager_power not in caller.powers:
        return f"a Manager needs the {op.manager_power} power to call {op.summary}"
    return None


class Sessions:
    """The open sessions of one tenant."""

    def __init__(self, clock: SimClock, *, idle_timeout: float, tokens: Sequence[str]) -> None:
        self.clock = clock
        self.idle_timeout = idle_timeout
        self.tokens = tuple(tokens)
        self._by_id: dict[str, Session] = {}
        self._by_owner: dict[tuple[SessionKind, int, int], str] = {}
        self.issued: list[str] = []
        """Every session id ever opened, oldest first (expired and closed ones too)."""

    def token_index(self, token: str | None) -> int | None:
        """The index of a known access token; None for an unknown or missing one."""
        try:
            return self.tokens.index(token) if token is not None else None
        except ValueError:
            return None

    def peek(self, session_id: str | None) -> Session | None:
        """The live session with this id, without counting as a use."""
        session = self._by_id.get(session_id) if session_id is not None else None
        if session is not None and self.clock.monotonic() - session.last_used >= self.idle_timeout:
            self._drop(session)
            return None
        return session

    def use(self, session_id: str | None) -> Session | None:
        """The live session with this id, its idle time restarted; None if unknown or expired."""
        session = self.peek(session_id)
        if session is not None:
            session.last_used = self.clock.monotonic()
        return session

    def open(self, kind: SessionKind, principal: int, token_index: int) -> Session:
        """Log in: the live session of this principal and token, or a new one."""
        existing = self.use(self._by_owner.get((kind, principal, token_index)))
        if existing is not None:
            return existing
        session = Session(str(uuid.uuid4()), kind, principal, token_index, self.clock.monotonic())
        self._by_id[session.id] = session
        self._by_owner[kind, principal, token_index] = session.id
        self.issued.append(session.id)
        return session

    def of_principal(self, kind: SessionKind, principal: int) -> list[Session]:
        """The live sessions of one agent or user, one per access token it logged in with."""
        found = [
            self.peek(s.id) for s in list(self._by_id.values()) if (s.kind, s.principal) == (kind, principal)
        ]
        return [s for s in found if s is not None]

    def close(self, session_id: str) -> bool:
        """Log out; False when no such live session exists."""
        session = self.peek(session_id)
        if session is None:
            return False
        self._drop(session)
        return True

    def close_principal(self, kind: SessionKind, principal: int) -> None:
        """End every session of one agent or user (password changed, deleted)."""
        for session in [s for s in self._by_id.values() if s.kind == kind and s.principal == principal]:
            self._drop(session)

    def expire_all(self) -> None:
        """Invalidate every session now."""
        self._by_id.clear()
        self._by_owner.clear()

    def _drop(self, session: Session) -> None:
        del self._by_id[session.id]
        del self._by_owner[session.kind, session.principal, session.token_index]
