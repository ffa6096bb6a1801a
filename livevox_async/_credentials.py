"""`Credentials`: what LiveVox needs to open a session.

    >>> from livevox_async import Credentials
    >>> creds = Credentials(access_token="…", client_name="ACME", user_name="jsmith", password="…")
    >>> creds
    Credentials(client_name='ACME', user_name='jsmith', agent=False, role=None, manager_powers=frozenset())

The access token and password are never shown by `repr`, logs or errors.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


def _powers(powers: Iterable[str]) -> frozenset[str]:
    return frozenset(powers)


@attrs.frozen(kw_only=True)
class Credentials:
    """One LiveVox login: an API access token plus a user's (or an agent's) name and password."""

    access_token: str = attrs.field(repr=False)
    """The `LV-Access` API token LiveVox issued to the client (up to 5 per client)."""
    client_name: str
    """The Client *code* from the Client editor, not its display name."""
    user_name: str
    password: str = attrs.field(repr=False)
    agent: bool = False
    """True for an agent login: such a session may call only 20 Configuration methods."""
    role: str | None = None
    """The user's role (`Sysadmin`, `IT User`, `Superuser`, `Manager`), if you know it.

    LiveVox does not report it; when given, methods the role may not call are refused
    before sending, and a pool routes them to another session.
    """
    manager_powers: frozenset[str] = attrs.field(factory=frozenset, converter=_powers)
    """For a Manager: the optional powers granted (`Administer Agents`, `Dialing Strategies`)."""

    @property
    def kind(self) -> str:
        """`"agent"` or `"user"`."""
        return "agent" if self.agent else "user"
