"""`Credentials`: what LiveVox needs to open a session; `from_env` reads them from the environment.

    >>> from livevox_async import Credentials
    >>> creds = Credentials(access_token="…", client_name="ACME", user_name="jsmith", password="…")
    >>> creds
    Credentials(client_name='ACME', user_name='jsmith', agent=False, role=None, manager_powers=frozenset())
    >>> Credentials(access_token="…", client_name="ACME", user_name="j", password="…", role="sysadmin")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    livevox_async._exceptions.ConfigurationError: unknown role 'sysadmin' (did you mean 'Sysadmin'?); ...

The access token and password are never shown by `repr`, logs or errors.

The same environment variables serve the CLI, the docs and `from_env` (`ENVIRONMENT`):

    >>> env = {"LIVEVOX_ACCESS_TOKENS": "t1,t2", "LIVEVOX_CLIENT": "ACME",
    ...        "LIVEVOX_USER": "jsmith", "LIVEVOX_PASSWORD": "s3cret!", "LIVEVOX_ROLE": "Manager",
    ...        "LIVEVOX_MANAGER_POWERS": "Administer Agents"}
    >>> pool = Credentials.pool_from_env(env)
    >>> len(pool), pool[0].role, sorted(pool[1].manager_powers)
    (2, 'Manager', ['Administer Agents'])
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

import attrs

from ._exceptions import ConfigurationError
from ._generated.operations import OPERATIONS

Role = Literal["Sysadmin", "IT User", "Superuser", "Manager", "Reporting"]
"""A user's role. The first four have Configuration access (each method says which);
`Reporting` stands for any role without it: every Configuration call is refused locally."""
ROLES: tuple[Role, ...] = get_args(Role)
MANAGER_POWERS: frozenset[str] = frozenset(op.manager_power for op in OPERATIONS.values() if op.manager_power)
"""The optional Manager powers methods require (`Administer Agents`, `Dialing Strategies`)."""

ENVIRONMENT: dict[str, str] = {
    "LIVEVOX_ACCESS_TOKEN": "the API access token (LV-Access)",
    "LIVEVOX_ACCESS_TOKENS": "several access tokens, comma-separated, to pool sessions",
    "LIVEVOX_CLIENT": "the Client code (not its display name)",
    "LIVEVOX_USER": "the user name (an agent's login id with LIVEVOX_AGENT=1)",
    "LIVEVOX_PASSWORD": "the password (the CLI prompts when it is absent)",
    "LIVEVOX_AGENT": "1 for an agent login",
    "LIVEVOX_ROLE": f"the user's role, one of {', '.join(ROLES)} (enables local preflight)",
    "LIVEVOX_MANAGER_POWERS": "a Manager's optional powers, comma-separated",
    "LIVEVOX_REGION": "NA3, NA4, NA5 or NA6 (or LIVEVOX_BASE_URL)",
    "LIVEVOX_BASE_URL": "a base URL instead of a region (a simulator: http://127.0.0.1:PORT)",
}
"""Every environment variable the SDK and its CLI read, with what it holds."""

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _role(value: str | None) -> Role | None:
    if value is None:
        return None
    for role in ROLES:
        if value == role:
            return role
    close = difflib.get_close_matches(value, ROLES, n=1, cutoff=0.6) or [
        r for r in ROLES if r.lower() == value.lower()
    ]
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigurationError(f"unknown role {value!r}{hint}; known: {', '.join(ROLES)}")


def _powers(powers: Iterable[str]) -> frozenset[str]:
    if isinstance(powers, str):
        raise ConfigurationError(f"manager_powers must be a collection of names, not the string {powers!r}")
    held = frozenset(powers)
    unknown = sorted(held - MANAGER_POWERS)
    if unknown:
        raise ConfigurationError(
            f"unknown manager powers {unknown}; known: {', '.join(sorted(MANAGER_POWERS))}"
        )
    return held


def _required(value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ConfigurationError("access_token, client_name, user_name and password must be non-empty text")


@attrs.frozen(kw_only=True)
class Credentials:
    """One LiveVox login: an API access token plus a user's (or an agent's) name and password."""

    access_token: str = attrs.field(repr=False, validator=lambda _, __, v: _required(v))
    """The `LV-Access` API token LiveVox issued to the client (up to 5 per client)."""
    client_name: str = attrs.field(validator=lambda _, __, v: _required(v))
    """The Client *code* from the Client editor, not its display name."""
    user_name: str = attrs.field(validator=lambda _, __, v: _required(v))
    password: str = attrs.field(repr=False, validator=lambda _, __, v: _required(v))
    agent: bool = False
    """True for an agent login: such a session may call only 20 Configuration methods."""
    role: Role | None = attrs.field(default=None, converter=_role)
    """The user's role, if you know it (`Role`).

    LiveVox does not report it; when given, methods the role may not call are refused
    before sending, and a pool routes them to another session.
    """
    manager_powers: frozenset[str] = attrs.field(factory=frozenset, converter=_powers)
    """For a Manager: the optional powers granted (`MANAGER_POWERS`)."""

    def __attrs_post_init__(self) -> None:
        if self.agent and (self.role is not None or self.manager_powers):
            raise ConfigurationError("an agent login has no role or manager powers")
        if self.manager_powers and self.role != "Manager":
            raise ConfigurationError(f"manager powers belong to the Manager role, not {self.role!r}")

    @property
    def kind(self) -> str:
        """`"agent"` or `"user"`."""
        return "agent" if self.agent else "user"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, password: str | None = None) -> Credentials:
        """The credentials the `LIVEVOX_*` variables describe (one access token).

        `password` stands in for `LIVEVOX_PASSWORD` (the CLI prompts for it).
        """
        pool = cls.pool_from_env(env, password=password)
        if len(pool) > 1:
            raise ConfigurationError("LIVEVOX_ACCESS_TOKENS holds several tokens: use pool_from_env()")
        return pool[0]

    @classmethod
    def pool_from_env(
        cls, env: Mapping[str, str] | None = None, *, password: str | None = None
    ) -> list[Credentials]:
        """One `Credentials` per access token in `LIVEVOX_ACCESS_TOKENS` (or the one token)."""
        env = os.environ if env is None else env
        tokens = _tokens(env)
        missing = [name for name in ("LIVEVOX_CLIENT", "LIVEVOX_USER") if not env.get(name)]
        secret = password or env.get("LIVEVOX_PASSWORD")
        if not secret:
            missing.append("LIVEVOX_PASSWORD")
        if missing:
            raise ConfigurationError(f"set {', '.join(missing)} in the environment")
        agent = _flag(env, "LIVEVOX_AGENT")
        powers = [p.strip() for p in env.get("LIVEVOX_MANAGER_POWERS", "").split(",") if p.strip()]
        assert secret is not None
        return [
            cls(
                access_token=token,
                client_name=env["LIVEVOX_CLIENT"],
                user_name=env["LIVEVOX_USER"],
                password=secret,
                agent=agent,
                role=_role(env.get("LIVEVOX_ROLE") or None),
                manager_powers=powers,
            )
            for token in tokens
        ]


def _tokens(env: Mapping[str, str]) -> list[str]:
    one, several = env.get("LIVEVOX_ACCESS_TOKEN"), env.get("LIVEVOX_ACCESS_TOKENS")
    if one and several:
        raise ConfigurationError("set LIVEVOX_ACCESS_TOKEN or LIVEVOX_ACCESS_TOKENS, not both")
    tokens = [t.strip() for t in (several or one or "").split(",") if t.strip()]
    if not tokens:
        raise ConfigurationError("set LIVEVOX_ACCESS_TOKEN (or LIVEVOX_ACCESS_TOKENS) in the environment")
    if len(set(tokens)) != len(tokens):
        raise ConfigurationError("LIVEVOX_ACCESS_TOKENS lists a token twice")
    return tokens


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value not in _TRUE + _FALSE:
        raise ConfigurationError(f"{name} must be 1 or 0 (true/false), got {value!r}")
    return value in _TRUE


def endpoint_from_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`{"region": …}` or `{"base_url": …}` from `LIVEVOX_REGION` / `LIVEVOX_BASE_URL`,
    ready for `LiveVox(creds, **endpoint_from_env())`.

    >>> endpoint_from_env({"LIVEVOX_REGION": "NA6"})
    {'region': 'NA6'}
    """
    env = os.environ if env is None else env
    region, base_url = env.get("LIVEVOX_REGION"), env.get("LIVEVOX_BASE_URL")
    if bool(region) == bool(base_url):
        raise ConfigurationError("set exactly one of LIVEVOX_REGION (NA3-NA6) or LIVEVOX_BASE_URL")
    return {"region": region} if region else {"base_url": base_url or ""}
