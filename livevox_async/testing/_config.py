"""What a simulator is started with: the tenant's size, its knobs, where it listens.

>>> cfg = SimulatorConfig(seed=3, size=TenantSize(call_centers=2, services=10, agents=50))
>>> cfg.idle_timeout, cfg.rate_limit, cfg.port
(7200.0, None, 0)
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from ._bounds import Bound
from ._drift import Drift
from ._faults import FaultPlan
from ._lockout import LIMIT
from ._quirks import ListQuirks

Latency: TypeAlias = float | tuple[float, float] | None
"""Per-request delay: fixed seconds, a uniform `(low, high)` range, or none."""

_at_least_one = Bound(low=1, integer=True)
_not_negative = Bound(low=0, integer=True)


def check_latency(latency: Latency) -> Latency:
    """Validate a latency knob value (seconds must not be negative)."""
    if latency is None:
        return None
    low, high = (latency, latency) if isinstance(latency, int | float) else latency
    if not 0 <= low <= high:
        raise ValueError(f"latency must be seconds >= 0 or a (low, high) range, got {latency!r}")
    return latency


@attrs.frozen(kw_only=True)
class TenantSize:
    """How much seeded data the tenant holds; the defaults are those of `livevox-sim`."""

    call_centers: int = attrs.field(default=3, validator=_at_least_one)
    services: int = attrs.field(default=200, validator=_at_least_one)
    agents: int = attrs.field(default=20000, validator=_not_negative)
    term_codes_per_service: int = attrs.field(default=5, validator=_not_negative)
    users_per_role: int = attrs.field(default=2, validator=_at_least_one)
    agent_skills: int = attrs.field(default=12, validator=_not_negative)
    audit_log_entries: int = attrs.field(default=500, validator=_not_negative)


@attrs.frozen(kw_only=True)
class SimulatorConfig:
    """Everything a `Simulator` starts with. The knobs can also be changed while it runs.

    `seed` and `size` fully determine the seeded data. `idle_timeout` is LiveVox's
    sliding session expiry (2 hours). `rate_limit` (requests/second per access token,
    None for no limit) with `rate_burst` and `hidden_rate_limit` (429 without
    `Retry-After`); `latency` delays every answer; `faults` is copied into the
    simulator's live `FaultPlan`, `list_quirks` into its live `ListQuirks` (lists,
    searches and `/info` that misbehave). `max_failed_logins` locks an account after that
    many wrong passwords in a row (None: never). `port=0` picks a free port.
    """

    seed: int = 1
    size: TenantSize = attrs.field(factory=TenantSize)
    idle_timeout: float = attrs.field(default=7200.0, validator=Bound(low=0, above=True))
    rate_limit: float | None = attrs.field(default=None, validator=Bound(low=0, above=True, optional=True))
    rate_burst: float = 1.0
    hidden_rate_limit: bool = False
    latency: Latency = attrs.field(default=None, converter=check_latency)
    faults: FaultPlan = attrs.field(factory=FaultPlan)
    list_quirks: ListQuirks = attrs.field(factory=ListQuirks)
    max_failed_logins: int | None = attrs.field(default=None, validator=LIMIT)
    drift: Drift = attrs.field(factory=Drift)
    """Answers that deviate from the schema on purpose (`Drift.sample()`), copied into `sim.drift`."""
    host: str = "127.0.0.1"
    port: int = attrs.field(default=0, validator=Bound(low=0, high=65535, integer=True))
    access_tokens: int = attrs.field(default=5, validator=_at_least_one)
    """How many `LV-Access` tokens the client holds (LiveVox issues up to 5)."""
    log_requests: bool = True
    """Keep `Simulator.request_log` (a long-running server nobody inspects can skip it)."""
    frozen_clock: bool = False
    """Time stands still but for `Simulator.advance()`: rate-limit refills and idle expiry
    happen exactly when a test says, however loaded the machine is."""
