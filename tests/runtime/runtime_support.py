"""Helpers shared by the runtime tests."""

from __future__ import annotations

from livevox_async.testing import Simulator


def ops_in_log(sim: Simulator, operation: str) -> int:
    """How many requests for `operation` reached the simulator."""
    return sum(1 for entry in sim.request_log if entry.operation == operation)
