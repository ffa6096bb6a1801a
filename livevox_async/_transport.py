"""Sending one HTTP request with aiohttp, and nothing else.

`HttpTransport` owns the aiohttp `ClientSession` (one connection pool shared by every
LiveVox session of a client; our `User-Agent` on every request) and turns every aiohttp
failure into this SDK's `TransportError` family at this boundary: aiohttp's exceptions
carry URLs and, in their `repr`, request headers (`LV-Session`, `LV-Access`), so none of
them escapes, not even as a chained cause.
"""

from __future__ import annotations

import errno
import platform
import ssl
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import attrs
from multidict import CIMultiDictProxy
from yarl import URL

from ._exceptions import (
    ConnectError,
    ConnectionLost,
    ProtocolError,
    ReadTimeout,
    ResponseTooLarge,
    TransportError,
)

READ_CHUNK = 2**16
"""Bytes asked of aiohttp per read of a body (decompressed as it arrives)."""


@attrs.frozen(slots=True)
class HttpResponse:
    """A complete HTTP answer: status, headers and the whole body."""

    status: int
    headers: CIMultiDictProxy[str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


@attrs.define(slots=True)  # not frozen: one is made per attempt, and a frozen init costs 4x
class RequestContext:
    """What an error may say about the request: never a secret (never changed once made)."""

    operation: str
    method: str
    path: str
    """The redacted path."""
    request_id: str


def user_agent() -> str:
    """`livevox-async/<version> aiohttp/<version> python/<major.minor.micro>`: on every request.

    >>> user_agent().split(" ")[0].startswith("livevox-async/")
    True
    """
    from . import __version__  # the one version source; imported here, as the package imports us

    return f"livevox-async/{__version__} aiohttp/{aiohttp.__version__} python/{platform.python_version()}"


class HttpTransport:
    """One aiohttp session and connector; `send` is the only way out."""

    def __init__(
        self,
        base_url: str,
        *,
        max_connections: int,
        connect_timeout: float,
        max_body_size: int,
        ssl_context: ssl.SSLContext | bool | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
    ) -> None:
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.host = parts.hostname or ""
        """The host connected to (named in a `ConnectError`)."""
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.max_body_size = max_body_size
        self._max_connections = max_connections
        self._connect_timeout = connect_timeout
        self._ssl = ssl_context if ssl_context is not None else True
        self._trace_configs = list(trace_configs)
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    def _timeout(self, seconds: float) -> aiohttp.ClientTimeout:
        """One `ClientTimeout` per distinct value, made once (most calls share the default)."""
        cached = self._timeouts.get(seconds)
        if cached is None:
            cached = aiohttp.ClientTimeout(total=seconds, sock_connect=min(self._connect_timeout, seconds))
            if len(self._timeouts) < 64:
                self._timeouts[seconds] = cached
        return cached

    async def open(self) -> None:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            limit_per_host=self._max_connections,
            ssl=self._ssl,
            enable_cleanup_closed=True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            trace_configs=self._trace_configs or None,
            json_serialize=None,  # type: ignore[arg-type]  # bodies are always bytes from orjson
            raise_for_status=False,
            auto_decompress=True,
            headers={"User-Agent": user_agent()},  # merged into each request by aiohttp
        )
        # aiohttp resends a GET/PUT/DELETE once by itself when a reused connection drops
        # before the answer; that would bypass RequestOptions(retry=False), the retry
        # budget and the counters. Retrying is the client's decision alone. aiohttp has no
        # public switch for it (3.14), hence the private attribute.
        self._session._retry_connection = False

    def connections_in_use(self) -> int | None:
        """Pooled connections lent to a request now; None while not open.

        aiohttp has no public count (3.14): its connector's set of acquired connections is read.
        """
        if self._session is None or self._session.connector is None:
            return None
        return len(self._session.connector._acquired)

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float,
        context: RequestContext,
    ) -> HttpResponse:
        """Send and read the whole answer; raise a `TransportError` on any failure."""
        if self._session is None:
            raise TransportError("the client is not open: use `async with LiveVox(...)`", **_fields(context))
        url = self.base_url + path + ("?" + urlencode(query) if query else "")
        try:
            async with self._session.request(
                method,
                URL(url, encoded=True),  # already quoted: spare yarl a second pass
                data=body,
                headers=headers,
                timeout=self._timeout(timeout),
                allow_redirects=False,
            ) as response:
                payload = await self._body(response, context)
                return HttpResponse(status=response.status, headers=response.headers, body=payload)
        except aiohttp.ConnectionTimeoutError:
            error: TransportError = self._connect_error("connecting to LiveVox at {} timed out", context)
        except aiohttp.ClientConnectorError as exc:
            error = self._connect_error(f"could not connect to LiveVox at {{}} ({_os_reason(exc)})", context)
        except (aiohttp.SocketTimeoutError, TimeoutError):
            error = ReadTimeout(f"LiveVox did not answer within {timeout:g}s", **_fields(context))
        except aiohttp.ClientPayloadError:
            error = ConnectionLost("the connection broke while reading the answer", **_fields(context))
        except aiohttp.ServerDisconnectedError:
            error = ConnectionLost("LiveVox closed the connection before answering", **_fields(context))
        except aiohttp.ClientOSError as exc:
            error = ConnectionLost(f"the connection failed ({_os_reason(exc)})", **_fields(context))
        except aiohttp.ClientResponseError:
            # Raised by aiohttp's parser for a malformed answer (status set to 400 by
            # aiohttp itself): not a LiveVox 400.
            # aiohttp's parser message quotes the offending bytes, which may echo our headers:
            # say only that the answer was malformed.
            error = ProtocolError("LiveVox's answer was not valid HTTP", **_fields(context))
        except aiohttp.ClientError as exc:
            error = TransportError(f"HTTP request failed ({type(exc).__name__})", **_fields(context))
        raise error

    def _connect_error(self, message: str, context: RequestContext) -> ConnectError:
        """`message` with `{}` filled with the host and port: never the URL (no path, no query)."""
        where = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        return ConnectError(message.format(where), host=self.host, port=self.port, **_fields(context))

    async def _body(self, response: aiohttp.ClientResponse, context: RequestContext) -> bytes:
        """The whole body; read in one go when announced, uncompressed and within the cap."""
        length = response.content_length
        plain = "Content-Encoding" not in response.headers  # else aiohttp inflates it
        if length is not None and length <= self.max_body_size and plain:
            return await response.read()  # aiohttp reads exactly the announced bytes
        return await self._read_capped(response, context)

    async def _read_capped(self, response: aiohttp.ClientResponse, context: RequestContext) -> bytes:
        """A body that may pass `max_body_size`; `ResponseTooLarge` as soon as it does.

        A `Content-Length` above the cap is refused before anything is read. A body that is
        not announced, or is compressed (aiohttp inflates it), is read in chunks and counted
        as delivered, decompressed: neither an endless answer nor a compressed bomb is held
        in memory past the cap.
        """
        cap = self.max_body_size
        length = response.content_length
        if length is not None and length > cap:
            raise _too_large(cap, f"its Content-Length is {length:,}; not read", context)
        chunks = []
        size = 0
        while chunk := await response.content.read(READ_CHUNK):
            size += len(chunk)
            if size > cap:
                raise _too_large(cap, "reading stopped past it (bytes counted decompressed)", context)
            chunks.append(chunk)
        return b"".join(chunks)


def _too_large(cap: int, what: str, context: RequestContext) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"LiveVox's answer is larger than max_body_size ({cap:,} bytes): {what}",
        max_body_size=cap,
        **_fields(context),
    )


def _fields(context: RequestContext) -> dict[str, Any]:
    return {
        "operation": context.operation,
        "method": context.method,
        "path": context.path,
        "request_id": context.request_id,
    }


def _os_reason(exc: aiohttp.ClientOSError) -> str:
    """The OS error's name only: aiohttp's message for it can hold the full URL."""
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)
