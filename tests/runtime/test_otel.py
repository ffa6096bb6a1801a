"""OpenTelemetry: one span per SDK call, its HTTP attempts as children, no secret anywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import aiohttp
import pytest

pytest.importorskip("opentelemetry.sdk", reason="the otel extra's tests need opentelemetry-sdk (dev group)")

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from livevox_async import ConnectionLost, LiveVox, NotFoundError, RetryPolicy
from livevox_async.models import TermCodeCategoryCreate
from livevox_async.otel import OpenTelemetryTracer
from livevox_async.testing import Simulator

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_cap=0.002)


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    memory = InMemorySpanExporter()
    yield memory
    memory.clear()


@pytest.fixture
def traced(make_client: Callable[..., LiveVox], exporter: InMemorySpanExporter) -> Callable[..., LiveVox]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = OpenTelemetryTracer(tracer_provider=provider)

    def make(**kwargs: object) -> LiveVox:
        return make_client(tracer=tracer, retry=FAST_RETRY, **kwargs)

    return make


def calls(exporter: InMemorySpanExporter, operation: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == f"livevox {operation}"]


def children(
    exporter: InMemorySpanExporter, parent: ReadableSpan, *, calls: bool = False
) -> list[ReadableSpan]:
    """The HTTP attempts of a call span (or, with `calls`, the SDK calls made inside it)."""
    assert parent.context is not None
    return [
        s
        for s in exporter.get_finished_spans()
        if s.parent is not None
        and s.parent.span_id == parent.context.span_id
        and s.name.startswith("livevox ") == calls
    ]


async def test_a_read_is_one_call_span_with_one_http_child(
    traced: Callable[..., LiveVox], exporter: InMemorySpanExporter, livevox_sim: Simulator
) -> None:
    agent_id = livevox_sim.state.records("agents")[0]["id"]
    async with traced() as lv:
        await lv.agents.read(agent_id)
    (call,) = calls(exporter, "agents.read")
    assert call.kind is SpanKind.CLIENT
    assert call.status.status_code is StatusCode.UNSET
    attributes = dict(call.attributes or {})
    waited = attributes.pop("livevox.wait_seconds")
    assert isinstance(waited, float)
    assert waited >= 0.0
    assert attributes == {
        "livevox.operation": "agents.read",
        "http.request.method": "GET",
        "url.path": f"/configuration/agents/{agent_id}",
        "http.response.status_code": 200,
        "livevox.attempts": 1,
        "livevox.retries": 0,
        "livevox.throttles": 0,
    }
    (http,) = children(exporter, call)
    assert http.name == "GET"
    assert http.attributes is not None
    assert http.attributes["http.response.status_code"] == 200
    assert "http.request.resend_count" not in http.attributes
    assert len(str(http.attributes["livevox.request_id"])) == 36  # the LV_REQUEST_TRACKING_ID sent
    # The first call of a client logs in: the login is a call of its own, inside this one.
    (login,) = children(exporter, call, calls=True)
    assert login.name == "livevox session.login"
    assert len(children(exporter, login)) == 1


async def test_retries_and_throttles_are_children_of_the_one_call(
    traced: Callable[..., LiveVox], exporter: InMemorySpanExporter, livevox_sim: Simulator
) -> None:
    agent_id = livevox_sim.state.records("agents")[0]["id"]
    livevox_sim.faults.script("500", times=1, operation="agents.read")
    livevox_sim.faults.script("429", times=1, operation="agents.read")
    async with traced() as lv:
        await lv.agents.read(agent_id)
    (call,) = calls(exporter, "agents.read")
    assert call.attributes is not None
    assert (call.attributes["livevox.attempts"], call.attributes["livevox.retries"]) == (3, 1)
    assert call.attributes["livevox.throttles"] == 1
    assert call.attributes["http.response.status_code"] == 200
    attempts = sorted(children(exporter, call), key=lambda s: s.start_time or 0)
    assert [(s.attributes or {}).get("http.response.status_code") for s in attempts] == [500, 429, 200]
    assert [(s.attributes or {}).get("http.request.resend_count") for s in attempts] == [None, 1, 2]


async def test_a_failed_call_has_error_status_and_type(
    traced: Callable[..., LiveVox], exporter: InMemorySpanExporter
) -> None:
    async with traced() as lv:
        with pytest.raises(NotFoundError):
            await lv.agents.read(999_999_999)
    (call,) = calls(exporter, "agents.read")
    assert call.status.status_code is StatusCode.ERROR
    assert call.attributes is not None
    assert call.attributes["error.type"] == "NotFoundError"
    assert call.attributes["http.response.status_code"] == 404
    assert call.events == ()  # no recorded exception: its message is not an attribute we vouch for


async def test_a_connection_lost_on_a_create_marks_the_attempt_and_the_call(
    traced: Callable[..., LiveVox], exporter: InMemorySpanExporter, livevox_sim: Simulator
) -> None:
    livevox_sim.faults.script("reset", times=1, operation="term_code_categories.create")
    async with traced() as lv:
        with pytest.raises(ConnectionLost) as raised:
            await lv.term_code_categories.create(TermCodeCategoryCreate(name="traced"))
    (call,) = calls(exporter, "term_code_categories.create")
    assert call.attributes is not None
    assert raised.value.outcome_unknown  # a create: never resent
    assert call.attributes["error.type"] == "ConnectionLost"
    assert call.attributes["livevox.attempts"] == 1
    (http,) = children(exporter, call)
    assert http.status.status_code is StatusCode.ERROR
    assert (http.attributes or {}).get("error.type") == "ConnectionLost"


async def test_no_secret_in_any_span(
    traced: Callable[..., LiveVox], exporter: InMemorySpanExporter, livevox_sim: Simulator
) -> None:
    credentials = livevox_sim.credentials("Sysadmin")
    sent_sessions: set[str] = set()

    async def on_request_start(
        session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        sent_sessions.update(params.headers.getall("LV-Session", []))

    headers_seen = aiohttp.TraceConfig()
    headers_seen.on_request_start.append(on_request_start)
    livevox_sim.faults.script("expire_session", times=1, operation="agents.list")
    async with traced(trace_configs=[headers_seen]) as lv:
        [agent async for agent in lv.agents.list()]
    assert len(sent_sessions) == 2  # the first session and the one after the expiry
    assert calls(exporter, "agents.list")
    secrets = {credentials.password, credentials.access_token, *sent_sessions}
    for span in exporter.get_finished_spans():
        shown = [span.name, *(str(v) for v in (span.attributes or {}).values()), str(span.status.description)]
        assert not [s for s in secrets if any(s in text for text in shown)], span.name
