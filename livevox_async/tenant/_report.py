"""`ProbeReport`: what `probe_tenant` found, per operation, holding no value from the tenant.

Each `ProbeResult` is one of: `confirmed` (the answer has the schema's status and shape),
`differs` (how: `deviations`), `refused` (403, by LiveVox or by the SDK's own role check)
or `not_probed` (why: writes are never called, an argument could not be chosen, …). It
carries the operation's evidence so a report can move a guess from inferred to observed.

    >>> from livevox_async import OPERATIONS
    >>> result = ProbeResult.not_probed(OPERATIONS["agents.create"], WRITE)
    >>> result.as_json()["reason"]
    'a write: the probe never changes the tenant'
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from .._operation import Evidence, EvidenceParts, Operation
from ._shape import Deviation

Outcome = Literal["confirmed", "differs", "refused", "not_probed"]
OUTCOMES: tuple[Outcome, ...] = ("confirmed", "differs", "refused", "not_probed")
FORMAT = 1
WRITE = "a write: the probe never changes the tenant"


@attrs.frozen
class ProbeResult:
    """The probe's finding for one operation."""

    operation: str
    outcome: Outcome
    evidence: Evidence
    evidence_parts: EvidenceParts
    status: int | None = None
    """The status LiveVox answered, when it was called."""
    deviations: tuple[Deviation, ...] = ()
    reason: str | None = None
    """Why refused or not probed, in the SDK's words (never LiveVox's message)."""
    refused_by: Literal["sdk", "livevox"] | None = None

    @classmethod
    def checked(cls, op: Operation, status: int | None, deviations: tuple[Deviation, ...]) -> ProbeResult:
        outcome: Outcome = "differs" if deviations else "confirmed"
        return cls(op.id, outcome, op.evidence, op.evidence_parts, status, deviations)

    @classmethod
    def refused(cls, op: Operation, by: Literal["sdk", "livevox"], reason: str) -> ProbeResult:
        status = 403 if by == "livevox" else None
        return cls(op.id, "refused", op.evidence, op.evidence_parts, status, reason=reason, refused_by=by)

    @classmethod
    def not_probed(cls, op: Operation, reason: str) -> ProbeResult:
        return cls(op.id, "not_probed", op.evidence, op.evidence_parts, reason=reason)

    def as_json(self) -> dict[str, Any]:
        parts = attrs.asdict(self.evidence_parts)
        shown: dict[str, Any] = {
            "operation": self.operation,
            "outcome": self.outcome,
            "evidence": self.evidence,
            "evidence_parts": {k: v for k, v in parts.items() if v is not None},
            "status": self.status,
            "deviations": [d.as_json() for d in self.deviations] or None,
            "reason": self.reason,
            "refused_by": self.refused_by,
        }
        return {k: v for k, v in shown.items() if v is not None}

    def detail(self) -> str:
        """One line for a table: the deviations, or the reason."""
        if self.deviations:
            return "; ".join(str(d) for d in self.deviations)
        return self.reason or ""


@attrs.frozen
class ProbeReport:
    """Every operation in scope, in the schema's order; see the module docstring."""

    results: tuple[ProbeResult, ...]
    session: str
    """`user` or `agent`: what kind of session probed (it decides what may be called)."""
    api_version: str | None
    sdk: str

    def result(self, operation: str) -> ProbeResult:
        for result in self.results:
            if result.operation == operation:
                return result
        raise KeyError(operation)

    @property
    def counts(self) -> dict[Outcome, int]:
        return {o: sum(1 for r in self.results if r.outcome == o) for o in OUTCOMES}

    @property
    def matches(self) -> bool:
        """Every probed operation answered as the schema says (the CLI exits 0)."""
        return self.counts["differs"] == 0

    def deviations(self) -> dict[str, tuple[Deviation, ...]]:
        """Operation id -> what differs, for the operations that differ."""
        return {r.operation: r.deviations for r in self.results if r.outcome == "differs"}

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "sdk": self.sdk,
            "api_version": self.api_version,
            "session": self.session,
            "counts": self.counts,
            "operations": [r.as_json() for r in self.results],
        }
