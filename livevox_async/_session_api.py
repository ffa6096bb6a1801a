"""`lv.session`: the Session API for the client's own login (the pool logs in and out).

    async with LiveVox(creds, region="NA6") as lv:
        await lv.agents.info()                       # logs in
        lv.session.days_until_password_expires       # what that login said (None if silent)
        assert await lv.session.validate()           # LiveVox still knows the session
        await lv.session.change_password("N3w-pass") # the client logs in with it from now on
        active = await lv.session.list_active()      # inferred path and answer

Every method acts for the client's first credentials (`LiveVox(credentials=...)`, or the
first of a pool); a password change applies to every pooled session of that same user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ._credentials import Credentials
from ._exceptions import NotFoundError
from ._generated import models
from ._generated.operations import (
    SESSION_CHANGE_PASSWORD,
    SESSION_DETAILS,
    SESSION_LIST_ACTIVE,
    SESSION_VALIDATE,
)
from ._operation import Operation
from ._options import RequestOptions
from ._session_pool import LiveVoxSession, SessionPool
from ._unset import UnsetType

if TYPE_CHECKING:
    from ._resource import Runtime


class SendOn(Protocol):
    """Send a Session API method for one given session (the client's `_send_on`)."""

    def __call__(
        self,
        op: Operation,
        session: LiveVoxSession,
        path: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> Awaitable[None]: ...


def _same_user(a: Credentials, b: Credentials) -> bool:
    return (a.client_name, a.user_name, a.agent) == (b.client_name, b.user_name, b.agent)


class SessionApi:
    """`lv.session`; see the module docstring."""

    __slots__ = ("_pool", "_runtime", "_send_on")

    def __init__(self, pool: SessionPool, runtime: Runtime, send_on: SendOn) -> None:
        self._pool = pool
        self._runtime = runtime
        self._send_on = send_on

    def __repr__(self) -> str:
        return "<SessionApi>"

    @property
    def _own(self) -> LiveVoxSession:
        return self._pool.sessions[0]

    @property
    def kind(self) -> str:
        """`"user"` or `"agent"`: the kind of the client's session."""
        return self._own.kind

    @property
    def role(self) -> str | None:
        """The user's role, as the credentials declare it (LiveVox does not say); None if not."""
        return self._own.credentials.role

    @property
    def days_until_password_expires(self) -> int | None:
        """What the last login answered; None before the first login or when LiveVox did not say."""
        login = self._own.login
        return login.days_until_password_expires if login is not None else None

    async def validate(self, *, options: RequestOptions | None = None) -> bool:
        """IsSessionValid for the client's session: False when it has none yet or LiveVox answers 404.

        It never logs in: it says whether the session the client holds is still alive.
        """
        session = self._own
        if session.login is None:
            return False
        try:
            await self._send_on(
                SESSION_VALIDATE, session, {"sessionId": session.login.session_id}, None, options
            )
        except NotFoundError:
            return False
        return True

    async def change_password(self, new_password: str, *, options: RequestOptions | None = None) -> None:
        """ChangePassword for the client's user; its sessions end, later logins use `new_password`.

        Not sent again after a failure whose outcome is unknown: the password may have changed.
        """
        session = self._own
        c = session.credentials
        body = models.ChangePasswordRequest(
            client_name=c.client_name,
            user_name=c.user_name,
            password=c.password,
            new_password=new_password,
            agent=c.agent,
        )
        await self._send_on(SESSION_CHANGE_PASSWORD, session, {}, body, options)
        for pooled in self._pool.sessions:
            if _same_user(pooled.credentials, c):  # LiveVox ended every session of this user
                pooled.credentials = attrs.evolve(pooled.credentials, password=new_password)
                pooled.login = None

    async def list_active(self, *, options: RequestOptions | None = None) -> list[models.ActiveSession]:
        """List Active Sessions of the client's user (path and answer inferred)."""
        listed = await self._runtime.fetch(SESSION_LIST_ACTIVE, models.ActiveSessionList, options=options)
        return [] if isinstance(listed.session, UnsetType) else listed.session

    async def details(self, *, options: RequestOptions | None = None) -> models.ActiveSession:
        """Get Session Details of the client's own session, logging in first if needed (inferred)."""
        session_id = await self._pool.session_id(self._own)
        return await self._runtime.fetch(
            SESSION_DETAILS, models.ActiveSession, path={"sessionId": session_id}, options=options
        )
