"""What a tracer receives, for a tracer of one's own: `LiveVox(tracer=...)`.

`livevox_async.otel.OpenTelemetryTracer` (the `otel` extra) is the one the SDK ships; see
`livevox_async._tracing` for what reaches a tracer (and what never does) and an example.

    >>> from livevox_async.tracing import CallInfo
    >>> CallInfo("agents.read", "GET", "/configuration/agents/100001").operation
    'agents.read'
"""

from ._tracing import AttemptInfo, CallInfo, CallSummary, CallTrace, Tracer

__all__ = ["AttemptInfo", "CallInfo", "CallSummary", "CallTrace", "Tracer"]
