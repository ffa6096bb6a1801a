"""Answers that cost a client dearly: compression bombs, endless and huge bodies, big ids, deep nesting.

The streamed ones are written in chunks as the client reads them (the server never
holds them whole) and stop as soon as the client disconnects. Their padding is JSON
whitespace before the real answer, so what arrives is still valid JSON:

    >>> import zlib
    >>> stream = b"".join(gzip_chunks(b'{"id":1}', padding=3 * CHUNK + 5))
    >>> inflated = zlib.decompress(stream, wbits=31)
    >>> len(inflated), inflated.lstrip()
    (3145741, b'{"id":1}')
    >>> with_big_ids(b'{"id":7,"agent":[{"id":1,"name":"x"}]}')
    b'{"id":18446744073709551623,"agent":[{"id":18446744073709551617,"name":"x"}]}'
    >>> with_deep_nesting(b'{"id":7}', depth=3)
    b'{"id":7,"nested":[[[]]]}'
"""

from __future__ import annotations

import asyncio
import itertools
import json
import zlib
from collections.abc import Iterator
from typing import Any

from aiohttp import web

from .._json import loads

MiB = 1 << 20
CHUNK = MiB
"""Bytes of padding written (or compressed) at a time."""
BIG = 2**64
"""What `with_big_ids` adds to every id: the result no longer fits in 64 bits."""
_SPACES = b" " * CHUNK


def padding_chunks(size: int) -> Iterator[bytes]:
    """`size` bytes of spaces, in chunks of at most `CHUNK`."""
    while size > 0:
        yield _SPACES[: min(size, CHUNK)]
        size -= CHUNK


def gzip_chunks(body: bytes, *, padding: int) -> Iterator[bytes]:
    """A gzip stream of `padding` spaces then `body`, compressed lazily, one chunk at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip header and trailer
    for chunk in padding_chunks(padding):
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.compress(body) + compressor.flush()


async def _stream(response: web.StreamResponse, request: web.Request, chunks: Iterator[bytes]) -> None:
    """Prepare `response` and write `chunks` until they end or the client disconnects
    (aiohttp ends the body once the handler returns)."""
    await response.prepare(request)
    try:
        for chunk in chunks:
            await response.write(chunk)
            await asyncio.sleep(0)  # let other connections (and the reader, in-process) run
    except ConnectionError:  # the client left (reset, or lost while draining): stop producing
        return


def _json_response(status: int, headers: dict[str, str] | None = None) -> web.StreamResponse:
    response = web.StreamResponse(status=status, headers=headers)
    response.content_type = "application/json"
    return response


async def gzip_bomb(request: web.Request, status: int, body: bytes, *, padding: int) -> web.StreamResponse:
    """`body` after `padding` spaces, gzip-compressed (`Content-Encoding: gzip`), chunked."""
    response = _json_response(status, {"Content-Encoding": "gzip"})
    await _stream(response, request, gzip_chunks(body, padding=padding))
    return response


def _forever() -> Iterator[bytes]:
    while True:
        yield _SPACES


async def endless_body(request: web.Request, status: int) -> web.StreamResponse:
    """A chunked JSON answer of spaces that never ends (until the client disconnects)."""
    response = _json_response(status)
    await _stream(response, request, _forever())
    return response


async def huge_body(request: web.Request, status: int, body: bytes, *, size: int) -> web.StreamResponse:
    """`body` padded in front with spaces to `size` bytes (at least the body), with its Content-Length."""
    response = _json_response(status)
    padding = max(0, size - len(body))
    response.content_length = padding + len(body)
    await _stream(response, request, itertools.chain(padding_chunks(padding), [body]))
    return response


def _bump_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: v + BIG if k == "id" and type(v) is int else _bump_ids(v)  # bool is not an id
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_bump_ids(v) for v in value]
    return value


def with_big_ids(body: bytes) -> bytes:
    """The JSON `body` with every integer under a key `id`, at any depth, plus 2**64 (exact)."""
    return json.dumps(_bump_ids(loads(body)), separators=(",", ":"), ensure_ascii=False).encode()


def with_deep_nesting(body: bytes, *, depth: int) -> bytes:
    """The JSON object `body` with one more key, `"nested"`: a list nested `depth` levels deep."""
    nested = b"[" * depth + b"]" * depth
    inner = body.strip()[1:-1].strip()
    return b"{" + inner + (b"," if inner else b"") + b'"nested":' + nested + b"}"
