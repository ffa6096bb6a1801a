"""The errors of plan and apply."""

from __future__ import annotations

from .._exceptions import LiveVoxError


class PlanError(LiveVoxError):
    """A plan cannot be made or applied: bad input (directory, family names, plan file, state)."""


class Blocked(Exception):
    """One action cannot be planned or applied; the message says why (shown in the plan)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
