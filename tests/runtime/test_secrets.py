"""No password, access token or session id in logs, str, repr or tracebacks, on any path."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import pytest

from livevox_async import Credentials, LiveVox, LiveVoxError, RetryPolicy
from livevox_async.testing import Simulator

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
        session_id = lv._pool.sessions[0].login.session_id  # type: ignore[union-attr]
        shown += [repr(lv), repr(lv._pool.sessions[0]), repr(lv._pool.sessions[0].login), repr(lv.stats())]
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
