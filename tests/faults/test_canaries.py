"""Secret canaries on the paths the other fault tests do not reach: logins that fail every way,
login answers lost with the session id in them, logouts that fail, and a peer that reflects the
request (LV-Access header, password in the body) into a broken answer.

The faulted export, the creates and the soak check their own logs and errors (`SecretWatch`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from faults_support import ANSWER_FAULTS, ATTEMPT_TIMEOUT, SLOW_SECONDS, SecretWatch, logged, wait_until

from livevox_async import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConnectError,
    ConnectionLost,
    Credentials,
    DecodeError,
    LiveVox,
    LiveVoxError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ReadTimeout,
    RetryPolicy,
    ServerError,
)
from livevox_async.testing import FaultKind, Simulator

CANARY_TOKEN = "CANARY-token-1f0e9d8c7b6a5f4e3d2c1b0a"
CANARY_PASSWORD = "CANARY-password-0a1b2c3d4e5f6a7b8c9d"
NO_WAITING = RetryPolicy(
    max_attempts=2, max_throttle_retries=1, retry_after_cap=0.5, backoff_base=0.005, backoff_cap=0.01
)


def canary_credentials(sim: Simulator) -> Credentials:
    """A real client and user name (so LiveVox gets as far as checking them), canary secrets."""
    real = sim.credentials("Sysadmin")
    return Credentials(
        access_token=CANARY_TOKEN,
        client_name=real.client_name,
        user_name=real.user_name,
        password=CANARY_PASSWORD,
    )


LOGIN_FAULTS: dict[FaultKind | None, type[LiveVoxError]] = {
    None: AuthenticationError,  # the canary token is refused
    "500": ServerError,
    "502": ServerError,
    "503": RateLimitError,
    "429": RateLimitError,
    "reset": ConnectionLost,
    "truncate": ConnectionLost,
    "malformed_json": DecodeError,
    "html_200": DecodeError,
    "slow_headers": ReadTimeout,
}


async def test_failed_logins_never_show_the_canaries(
    livevox_sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    sim = livevox_sim
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    creds = canary_credentials(sim)
    watch = SecretWatch()
    watch.credentials(creds)
    sim.faults.slow_seconds = SLOW_SECONDS
    for fault, error in LOGIN_FAULTS.items():
        # A fresh client each time: a refused login is remembered by the client that saw it.
        async with LiveVox(creds, base_url=sim.base_url, timeout=ATTEMPT_TIMEOUT, retry=NO_WAITING) as lv:
            if fault is not None:
                sim.faults.script(fault, times=5, operation="session.login")
            with pytest.raises(error) as caught:
                await lv.agents.info()
            sim.faults.clear()
            assert caught.value.operation == "session.login"
            watch.error(caught.value)
            watch.texts += [repr(lv), repr(lv.session), repr(lv.stats())]
    async with LiveVox(creds, base_url="http://127.0.0.1:9", retry=NO_WAITING) as lv:
        with pytest.raises(ConnectError) as refused:
            await lv.agents.info()
        watch.error(refused.value)
    await wait_until(lambda: any(e.fault == "slow_headers" for e in sim.request_log))
    assert len(logged(sim, "session.login")) >= len(LOGIN_FAULTS)
    watch.records(caplog.records)
    watch.check()


async def test_lost_login_answers_and_failed_logouts_never_show_the_session_id(
    livevox_sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    sim = livevox_sim
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    creds = sim.credentials("Sysadmin")
    watch = SecretWatch()
    watch.credentials(creds)
    for fault in ("reset", "500", "truncate"):
        async with LiveVox(creds, base_url=sim.base_url, retry=NO_WAITING) as lv:
            watch.sessions(sim)
            for lost in ANSWER_FAULTS:  # LiveVox opened the session; its id is in the half-sent answer
                sim.faults.script(lost, times=NO_WAITING.max_attempts, operation="session.login")
                with pytest.raises(LiveVoxError) as caught:
                    await lv.agents.info()
                watch.error(caught.value)
            assert (await lv.agents.info()).size > 0  # the same session, as LiveVox reuses a live one
            sim.faults.script(fault, operation="session.logout")
            before = len(logged(sim, "session.logout"))
        assert fault in [e.fault for e in logged(sim, "session.logout")[before:]]
    assert sum(1 for r in caplog.records if r.getMessage().startswith("logout failed")) == 3
    assert len(set(sim.issued_session_ids)) >= 2  # a 500 left one session open
    watch.records(caplog.records)
    watch.check()


def _flat(request: bytes) -> bytes:
    return request.replace(b"\r\n", b" | ")


REFLECTIONS: dict[str, tuple[Callable[[bytes], bytes], type[LiveVoxError]]] = {
    "status line": (lambda req: b"NOT HTTP " + _flat(req) + b"\r\n\r\n", ProtocolError),
    "header line": (
        lambda req: b"HTTP/1.1 200 OK\r\nNot A Header " + _flat(req) + b"\r\nContent-Length: 2\r\n\r\n{}",
        ProtocolError,
    ),
    "header value": (
        lambda req: b"HTTP/1.1 500 Oops\r\nX-Echo: " + _flat(req) + b"\r\nContent-Length: 0\r\n\r\n",
        ServerError,
    ),
    "html body": (
        lambda req: (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%b" % (len(req), req)
        ),
        DecodeError,
    ),
    "json error body": (
        lambda req: (
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%b"
            % (len(req), req)
        ),
        ServerError,
    ),
    "cut body": (
        lambda req: (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%b"
            % (2 * len(req), req)
        ),
        ConnectionLost,
    ),
}


@pytest.fixture
async def reflector(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A peer answering every request with the request itself, broken as `request.param` says."""
    answer = REFLECTIONS[request.param][0]

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            writer.write(answer(head + await reader.readexactly(length)))
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    yield f"http://{host}:{port}"
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize("reflector", list(REFLECTIONS), indirect=True)
async def test_a_peer_reflecting_the_request_into_a_broken_answer_leaks_nothing(
    reflector: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    # A broken proxy that echoes what it got: the LV-Access header and the login body with the
    # password come back inside the status line, a header, or the body. None of it may show.
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    error = REFLECTIONS[request.node.callspec.params["reflector"]][1]
    creds = Credentials(
        access_token=CANARY_TOKEN, client_name="ACME", user_name="jsmith", password=CANARY_PASSWORD
    )
    watch = SecretWatch()
    watch.credentials(creds)
    async with LiveVox(creds, base_url=reflector, retry=RetryPolicy(max_attempts=1)) as lv:
        with pytest.raises(error) as caught:
            await lv.agents.info()
    assert caught.value.operation == "session.login"
    watch.error(caught.value)
    watch.records(caplog.records)
    watch.check()


CANARY_SESSION = "CANARY-session-9f8e7d6c5b4a3f2e1d0c"
ECHOES: dict[str, tuple[int, int, type[LiveVoxError]]] = {
    # name: (login status, then the status of every other answer, the error expected)
    "login refused": (401, 200, AuthenticationError),
    "400": (200, 400, BadRequestError),
    "403": (200, 403, PermissionDeniedError),
    "429": (200, 429, RateLimitError),
    "500": (200, 500, ServerError),
}


@pytest.fixture
async def echo_peer(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A peer whose error answers are LiveVox `{code, message}` bodies quoting what it was sent.

    The simulator never quotes a login body, a header or a session id in its messages, but a
    LiveVox (or a proxy in front of it) may: the password, the access token and the session
    id come back in `message`, as sent and upper-cased, within its first 300 characters.
    """
    login_status, status, _ = ECHOES[request.param]
    heard: list[str] = []

    async def answer(http: web.Request) -> web.Response:
        heard.extend(v for v in (await http.text(), *map(http.headers.get, ("LV-Access", "LV-Session"))) if v)
        code = login_status if http.path.endswith("/session/login") else status
        if code == 200:
            return web.json_response({"sessionId": CANARY_SESSION, "clientId": 1, "userId": 2})
        sent = " ".join(heard)  # everything received so far: the login body too
        return web.json_response({"code": code, "message": f"cannot do {sent} ({sent.upper()})"}, status=code)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


@pytest.mark.parametrize("echo_peer", list(ECHOES), indirect=True)
async def test_a_message_echoing_the_secrets_is_redacted(
    echo_peer: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    error = ECHOES[request.node.callspec.params["echo_peer"]][2]
    creds = Credentials(
        access_token=CANARY_TOKEN, client_name="ACME", user_name="jsmith", password=CANARY_PASSWORD
    )
    watch = SecretWatch()
    watch.credentials(creds)
    watch.secrets.add(CANARY_SESSION)
    async with LiveVox(creds, base_url=echo_peer, retry=RetryPolicy(max_attempts=1)) as lv:
        with pytest.raises(error) as caught:
            await lv.agents.read(17)
    assert isinstance(caught.value, APIError)
    assert caught.value.lv_message is not None
    assert caught.value.lv_message.count("***") >= 4
    watch.texts += [repr(caught.value.args), repr(caught.value.lv_message)]
    watch.error(caught.value)
    watch.records(caplog.records)
    watch.check()
