"""A LiveVox simulator: the Session and Configuration APIs, served from memory.

It answers like LiveVox as far as it is publicly known (see the schema): logins with
access tokens, sessions that expire when idle, the agent allow-list and user roles,
CRUD with LiveVox's status codes and error bodies, lists with `next` and `/info`,
searches and related objects over deterministic seeded data. Knobs make it misbehave
on purpose: a per-token rate limit, latency, faults (5xx, resets, truncated or
malformed answers, expired sessions, compression bombs, endless or huge bodies, ids
above 64 bits, deep nesting), list quirks (`ListQuirks`: capped pages, a lying `/info`,
ignored offsets, overlapping pages, runaway `next`, 404 for empty pages, records that
vanish or appear while a client reads) and accounts locked after failed logins.

In a test (the `livevox_sim` pytest fixture does this for you):

    from livevox_async.testing import Simulator, SimulatorConfig, TenantSize

    async with Simulator(SimulatorConfig(seed=1, size=TenantSize(agents=250))) as sim:
        async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url) as lv:
            ...
        assert sim.state.records("agents")[0]["loginId"] == ...

From a shell: `livevox-sim --port 8089 --agents 20000` (or `python -m livevox_async.testing`).
"""

from ._app import LoggedRequest
from ._config import Latency, SimulatorConfig, TenantSize
from ._drift import (
    Drift,
    DriftChange,
    EnumValueAdded,
    KeyRenamed,
    ListKeyChanged,
    StatusChanged,
    StringForInteger,
)
from ._faults import FAULT_KINDS, FaultKind, FaultPlan
from ._manual_clock import ManualClock
from ._quirks import ListQuirks
from ._simulator import Simulator
from ._store import Store

__all__ = [
    "FAULT_KINDS",
    "Drift",
    "DriftChange",
    "EnumValueAdded",
    "FaultKind",
    "FaultPlan",
    "KeyRenamed",
    "Latency",
    "ListKeyChanged",
    "ListQuirks",
    "LoggedRequest",
    "ManualClock",
    "Simulator",
    "SimulatorConfig",
    "StatusChanged",
    "Store",
    "StringForInteger",
    "TenantSize",
]
