"""OpenTelemetry tracing for livevox-async (the `otel` extra).

    pip install 'livevox-async[otel]'

    from livevox_async import LiveVox
    from livevox_async.otel import OpenTelemetryTracer

    async with LiveVox(creds, region="NA6", tracer=OpenTelemetryTracer()) as lv:
        await lv.agents.read(1234)

Each SDK call is one span (`livevox agents.read`, kind CLIENT) carrying the operation id,
the method, the redacted path, the last status, and how many attempts, retries and
throttles it took and how long it waited; each HTTP request of the call is a child span
(`GET`, with `http.request.resend_count` from the second on). A call that raised has
status ERROR and `error.type` set to the exception's class name. Attributes hold no
header, body, token, session id or error message (see `livevox_async._tracing`).
`tracer_provider` defaults to the global one (`opentelemetry.trace.set_tracer_provider`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from . import __version__
from ._tracing import AttemptInfo, CallInfo, CallSummary

__all__ = ["OpenTelemetryTracer"]


class OpenTelemetryTracer:
    """A `Tracer` that records calls and their attempts as OpenTelemetry spans."""

    def __init__(self, tracer_provider: trace.TracerProvider | None = None) -> None:
        self._tracer = trace.get_tracer("livevox_async", __version__, tracer_provider=tracer_provider)

    @contextmanager
    def call(self, call: CallInfo) -> Iterator[_CallSpan]:
        attributes = {
            "livevox.operation": call.operation,
            "http.request.method": call.method,
            "url.path": call.path,
        }
        with self._tracer.start_as_current_span(
            f"livevox {call.operation}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,  # exception messages are not attributes we vouch for
            set_status_on_exception=False,
        ) as span:
            yield _CallSpan(self._tracer, span, call)


class _CallSpan:
    def __init__(self, tracer: trace.Tracer, span: Span, call: CallInfo) -> None:
        self._tracer, self._span, self._call = tracer, span, call

    @contextmanager
    def attempt(self, attempt: AttemptInfo) -> Iterator[AttemptInfo]:
        method, path = self._call.method, self._call.path
        attributes: dict[str, str | int] = {"http.request.method": method, "url.path": path}
        if attempt.number > 1:
            attributes["http.request.resend_count"] = attempt.number - 1
        with self._tracer.start_as_current_span(
            self._call.method,
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield attempt
            except BaseException as exc:
                _failed(span, type(exc).__name__)
                raise
            finally:
                if attempt.status is not None:
                    span.set_attribute("http.response.status_code", attempt.status)
                if attempt.request_id is not None:
                    span.set_attribute("livevox.request_id", attempt.request_id)

    def end(self, summary: CallSummary) -> None:
        span = self._span
        if summary.status is not None:
            span.set_attribute("http.response.status_code", summary.status)
        span.set_attribute("livevox.attempts", summary.attempts)
        span.set_attribute("livevox.retries", summary.retries)
        span.set_attribute("livevox.throttles", summary.throttles)
        span.set_attribute("livevox.wait_seconds", round(summary.waited, 6))
        if summary.error is not None:
            _failed(span, summary.error)


def _failed(span: Span, error_type: str) -> None:
    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR, error_type))
