"""`Simulator`: a LiveVox tenant on a loopback port, for tests, benchmarks and demos.

    >>> async with Simulator(SimulatorConfig(seed=1, size=TenantSize(agents=500))) as sim:  # doctest: +SKIP
    ...     creds = sim.credentials("Manager")           # a Manager holding every power
    ...     async with LiveVox(creds, base_url=sim.base_url) as lv:
    ...         agent = await lv.agents.read(100001)
    ...     assert [r.operation for r in sim.request_log][:2] == ["session.login", "agents.read"]

Knobs can change while it runs: `sim.set_rate_limit(50, burst=2)`, `sim.set_latency((0.01,
0.05))`, `sim.faults.script("reset", operation="agents.read")`, `sim.advance(7200)` (ages
every session past the idle timeout), `sim.expire_sessions()`, `sim.list_quirks.page_cap =
100`, `sim.set_max_failed_logins(5)`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

import attrs
from aiohttp import web

from .._credentials import Credentials
from ._app import Engine, LoggedRequest
from ._clock import SimClock
from ._config import Latency, SimulatorConfig, check_latency
from ._drift import Drift
from ._families import KNOWN_POWERS, ROLE_IDS
from ._faults import FaultPlan
from ._lockout import Lockout, check_limit
from ._quirks import ListQuirks
from ._ratelimit import RateLimit
from ._seed import access_tokens, build_store
from ._sessions import Sessions
from ._store import Store

SHUTDOWN_TIMEOUT = 1.0
"""Seconds `close()` lets in-flight requests (a slow fault, a latency sleep) finish."""


class Simulator:
    """A seeded LiveVox tenant served by aiohttp; use it as an async context manager.

    The data is seeded when the simulator is made (`state` is ready before `start()`);
    `start()` binds `config.host:config.port` (port 0: a free one) and `close()` stops.

    Knobs, all live (the config gives their starting values):

    - `set_rate_limit(rate, burst=, hidden=)` — per access token, 429 with or without
      `Retry-After`;
    - `set_latency(seconds | (low, high))` — a delay before every answer;
    - `faults` (`FaultPlan`) — 5xx/429, slow headers, expired sessions, broken answers
      (reset, truncate, malformed JSON, HTML), costly answers (gzip bomb, endless or
      huge body, ids above 64 bits, deep nesting), by rate or scripted per operation;
    - `list_quirks` (`ListQuirks`) — pages capped below `count`, a lying `/info`, an
      ignored `offset`, overlapping pages, a `next` that walks back or never ends, 404 for
      an empty page, more items than asked, records vanishing or appearing between a list
      and its reads;
    - `set_max_failed_logins(n)` — lock an account after n wrong passwords in a row
      (`failed_logins(name)` tells the current count);
    - `advance(seconds)` / `expire_sessions()` — age or end sessions (with
      `frozen_clock=True`, time moves only by `advance`).
    """

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config if config is not None else SimulatorConfig()
        self.clock = SimClock(frozen=self.config.frozen_clock)
        """The simulator's time; `advance()` moves it forward."""
        self.state: Store = build_store(self.config, self.clock)
        """The tenant's data, for exact assertions (`state.records("agents")`)."""
        self.access_tokens: tuple[str, ...] = access_tokens(self.config.seed, self.config.access_tokens)
        """The `LV-Access` tokens a login may use."""
        self._engine = Engine(
            self.state,
            Sessions(self.clock, idle_timeout=self.config.idle_timeout, tokens=self.access_tokens),
            faults=attrs.evolve(self.config.faults),
            rate_limit=None,
            latency=self.config.latency,
            seed=self.config.seed,
            log_requests=self.config.log_requests,
            list_quirks=attrs.evolve(self.config.list_quirks),
            lockout=Lockout(self.config.max_failed_logins),
        )
        self.set_rate_limit(
            self.config.rate_limit, burst=self.config.rate_burst, hidden=self.config.hidden_rate_limit
        )
        self._engine.drift = Drift(self.config.drift.changes)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on `config.host:config.port`."""
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        info = socket.getaddrinfo(self.config.host, self.config.port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(info[4])
        except OSError:
            sock.close()
            raise
        runner = web.AppRunner(self._engine.make_app(), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner
        host, port = sock.getsockname()[:2]
        self._base_url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    async def close(self) -> None:
        """Stop listening and drop every connection; safe to call twice."""
        runner, self._runner, self._base_url = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`, while running."""
        if self._base_url is None:
            raise RuntimeError("the simulator is not running; use `async with Simulator(...)` or start()")
        return self._base_url

    # -- who may log in ----------------------------------------------------------------

    def credentials(
        self, role: str = "Sysadmin", *, manager_powers: Iterable[str] | None = None, token_index: int = 0
    ) -> Credentials:
        """A seeded user of `role` (Sysadmin, IT User, Superuser, Manager, Reporting).

        A Manager holds every power unless `manager_powers` says which (`()` for none).
        The role and powers are filled in, so the SDK can refuse forbidden calls itself.
        """
        if role not in ROLE_IDS:
            raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLE_IDS)}")
        powers = frozenset(manager_powers if manager_powers is not None else KNOWN_POWERS)
        if role != "Manager" and manager_powers is not None:
            raise ValueError("only a Manager has manager powers")
        if not powers <= KNOWN_POWERS:
            raise ValueError(
                f"unknown manager powers {sorted(powers - KNOWN_POWERS)}; known: {sorted(KNOWN_POWERS)}"
            )
        wanted = powers if role == "Manager" else frozenset()
        for user in self.state.values("users"):
            if user["role"] == role and not user["locked"] and frozenset(user["managerPowers"]) == wanted:
                return self._credentials(
                    token_index, user["userName"], user["password"], role=role, manager_powers=wanted
                )
        raise LookupError(f"no unlocked {role} user with powers {sorted(wanted)} is left in the tenant")

    def agent_credentials(self, *, token_index: int = 0) -> Credentials:
        """The first active, unlocked seeded agent (agent sessions may call 20 methods)."""
        for agent in self.state.values("agents"):
            if agent["active"] and not agent["locked"]:
                return self._credentials(token_index, agent["loginId"], agent["password"], agent=True)
        raise LookupError("no active, unlocked agent is left in the tenant")

    def _credentials(self, token_index: int, user_name: str, password: str, **extra: Any) -> Credentials:
        return Credentials(
            access_token=self.access_tokens[token_index],
            client_name=self.state.client_code,
            user_name=user_name,
            password=password,
            **extra,
        )

    # -- knobs ---------------------------------------------------------------------------

    @property
    def request_log(self) -> list[LoggedRequest]:
        """Every answered request, oldest first (clear it with `request_log.clear()`)."""
        return self._engine.log

    @property
    def faults(self) -> FaultPlan:
        """The live fault plan: `sim.faults.rate = 0.05`, `sim.faults.script("503")`."""
        return self._engine.faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self._engine.faults = plan

    @property
    def list_quirks(self) -> ListQuirks:
        """The live list quirks: `sim.list_quirks.page_cap = 100`, `sim.list_quirks = ListQuirks(...)`."""
        return self._engine.list_quirks

    @list_quirks.setter
    def list_quirks(self, quirks: ListQuirks) -> None:
        self._engine.list_quirks = quirks

    def set_max_failed_logins(self, limit: int | None) -> None:
        """Lock a user or agent after `limit` wrong-password logins in a row (None: never).

        The failure that reaches the limit sets `locked=True` in `state`; a locked account's
        login answers 401 "the account is locked or inactive". A successful login (or the
        lock) starts the count again.
        """
        self._engine.lockout.limit = check_limit(limit)

    def failed_logins(self, user_name: str, *, agent: bool = False) -> int:
        """Wrong-password logins in a row of a user (or, with `agent`, an agent's loginId)."""
        family, name = ("agents", user_name.upper()) if agent else ("users", user_name)
        record_id = self.state.lookup(family, name)
        if record_id is None:
            raise LookupError(f"no {family[:-1]} {user_name!r} in the tenant")
        return self._engine.lockout.count(family, record_id)

    @property
    def drift(self) -> Drift:
        """The live drift: `sim.drift.add(KeyRenamed("agents.read", "loginId", "loginName"))`."""
        return self._engine.drift

    def set_rate_limit(self, rate: float | None, *, burst: float = 1.0, hidden: bool = False) -> None:
        """Limit each access token to `rate` requests/second (None: no limit).

        Refused requests get 429 with `Retry-After` (whole seconds), or without it when `hidden`.
        """
        self._engine.rate_limit = None if rate is None else RateLimit(rate, burst, hidden=hidden)

    def set_latency(self, latency: Latency) -> None:
        """Delay every answer by fixed seconds or uniformly within `(low, high)`; None for no delay."""
        self._engine.latency = check_latency(latency)

    @property
    def issued_session_ids(self) -> tuple[str, ...]:
        """Every session id the simulator handed out, oldest first (expired and closed ones
        too): the secrets a client must never show (its tests look for them in logs)."""
        return tuple(self._engine.sessions.issued)

    def expire_sessions(self) -> None:
        """Invalidate every session now (the next request with one answers 401)."""
        self._engine.sessions.expire_all()

    def advance(self, seconds: float) -> None:
        """Move the simulator's clock forward (ages sessions, refills rate-limit buckets)."""
        self.clock.advance(seconds)
