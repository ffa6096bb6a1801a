"""Helpers of the fidelity tests: what the client put on the wire, seen through aiohttp's tracing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aiohttp
import attrs
import orjson


@attrs.define
class Sent:
    """One request as it left the client."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return orjson.loads(self.body)


class WireTap:
    """Records every request a client sends: `LiveVox(..., trace_configs=[tap.config])`."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.config = aiohttp.TraceConfig()
        self.config.on_request_start.append(self._start)
        self.config.on_request_chunk_sent.append(self._chunk)

    async def _start(self, _: Any, ctx: SimpleNamespace, params: aiohttp.TraceRequestStartParams) -> None:
        ctx.sent = Sent(params.method, params.url.path, dict(params.headers.items()))
        self.sent.append(ctx.sent)

    async def _chunk(self, _: Any, ctx: SimpleNamespace, params: aiohttp.TraceRequestChunkSentParams) -> None:
        ctx.sent.body += params.chunk

    def to(self, path_end: str) -> list[Sent]:
        """The requests whose path ends with `path_end`."""
        return [s for s in self.sent if s.path.endswith(path_end)]
