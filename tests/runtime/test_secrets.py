"""No password, access token or session id in logs, str, repr or tracebacks, on any path."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import pytest

from livevox_async import (
    OPERATIONS,
    BadRequestError,
    ConnectionLost,
    Credentials,
    DecodeError,
    LiveVox,
    LiveVoxError,
    RetryPolicy,
)
from livevox_async.testing import FaultKind, Simulator

FAST_RETRY = RetryPolicy(max_attempts=2, backoff_base=0.01, backoff_cap=0.01)


def rendered(exc: BaseException) -> str:
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc))])


async def test_secrets_never_show(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    creds = livevox_sim.credentials("Superuser")
    shown: list[str] = [repr(creds), str(creds)]
    async with make_client(creds, retry=FAST_RETRY) as lv:
        await lv.agents.info()
        (session_id,) = livevox_sim.issued_session_ids
        shown += [repr(lv), repr(lv.session), repr(lv.runtime), repr(lv.stats())]
        for fault in ("500", "reset", "truncate", "malformed_json", "html_200", "expire_session", "429"):
            livevox_sim.faults.script(fault, times=2, operation="agents.info")
            try:
                await lv.agents.info()
            except LiveVoxError as exc:
                shown.append(rendered(exc))
        for call in (lv.agents.read(10**9), lv.message_templates.info(), lv.users.read(-1)):
            try:
                await call
            except LiveVoxError as exc:
                shown.append(rendered(exc))
    wrong = Credentials(
        access_token=creds.access_token,
        client_name=creds.client_name,
        user_name=creds.user_name,
        password="bad9999",
    )
    async with make_client(wrong) as lv:
        with pytest.raises(LiveVoxError) as caught:
            await lv.agents.info()
        shown.append(rendered(caught.value))
    shown += [record.getMessage() + repr(record.__dict__) for record in caplog.records]
    assert len(shown) > 10
    assert caplog.records
    text = "\n".join(shown)
    for secret in (creds.password, creds.access_token, session_id, "bad9999"):
        assert secret not in text
    assert any(getattr(r, "operation", None) == "agents.info" for r in caplog.records)


def chain(exc: BaseException) -> list[BaseException]:
    """`exc` and every exception behind it (`__context__`, `__cause__`), each once."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [e for e in (current.__context__, current.__cause__) if e is not None]
    return seen


def everything_held(exc: BaseException) -> str:
    """What anyone holding the error can reach: each chained exception's text, args and attributes."""
    parts = [rendered(exc)]
    for link in chain(exc):
        parts += [repr(link.args), repr(vars(link)), repr(getattr(link, "doc", ""))]
    return "\n".join(parts)


async def test_secrets_livevox_echoes_are_cut_out_of_its_message(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox], caplog: pytest.LogCaptureFixture
) -> None:
    # The simulator quotes a parameter it cannot read ("count: expected an integer, got '…'"):
    # a server echoing what it was sent. Each secret of the session goes out as `count`.
    caplog.set_level(logging.DEBUG, logger="livevox_async")
    creds = livevox_sim.credentials("Sysadmin")
    async with make_client(creds) as lv:
        await lv.agents.info()
        livevox_sim.expire_sessions()
        await lv.agents.info()
        previous, current = livevox_sim.issued_session_ids
        assert lv.stats().sessions[0].logins == 2
        errors = []
        for secret in (creds.password, creds.access_token, current, previous, current.upper()):
            with pytest.raises(BadRequestError) as caught:
                await lv.runtime.fetch_json(OPERATIONS["agents.list"], query={"count": secret, "offset": 0})
            errors.append(caught.value)
    assert [e.lv_message for e in errors] == ["count: expected an integer, got '***'"] * 5
    assert str(errors[0]).startswith("LiveVox answered 400: count: expected an integer, got '***' [")
    text = "\n".join(
        [*map(everything_held, errors), *(r.getMessage() + repr(r.__dict__) for r in caplog.records)]
    )
    for secret in (creds.password, creds.access_token, current, previous):
        assert secret.lower() not in text.lower()


@pytest.mark.parametrize(("fault", "error"), [("malformed_json", DecodeError), ("truncate", ConnectionLost)])
async def test_a_login_answer_cut_in_half_leaves_no_session_id_behind_the_error(
    fault: FaultKind, error: type[LiveVoxError], livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    # Half a login answer holds `{"sessionId": "…`; orjson's JSONDecodeError keeps the whole
    # document in `.doc`, so the typed error must not have it as its context.
    livevox_sim.faults.script(fault, operation="session.login")
    async with make_client(retry=RetryPolicy(max_attempts=1)) as lv:
        with pytest.raises(error) as caught:
            await lv.agents.info()
    assert caught.value.operation == "session.login"
    assert (caught.value.__context__, caught.value.__cause__) == (None, None)
    assert "sessionId" not in everything_held(caught.value)
