"""The aiohttp.web application of docs/applications.md runs as written: one client for its life."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from aiohttp.test_utils import TestClient, TestServer

from docs._examples import example
from livevox_async.testing import Simulator


def load_app_module(tmp_path: Path) -> ModuleType:
    """Write the page's `app.py` to disk and import it, as `python app.py` would."""
    source = tmp_path / "app.py"
    source.write_text(example("applications.md", "app.py").code)
    spec = importlib.util.spec_from_file_location("docs_example_app", source)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_app_shares_one_client_for_its_whole_life(
    docs_sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = docs_sim.credentials("Sysadmin")
    monkeypatch.setenv("LIVEVOX_ACCESS_TOKEN", user.access_token)
    monkeypatch.setenv("LIVEVOX_CLIENT", user.client_name)
    monkeypatch.setenv("LIVEVOX_USER", user.user_name)
    monkeypatch.setenv("LIVEVOX_PASSWORD", user.password)
    monkeypatch.setenv("LIVEVOX_BASE_URL", docs_sim.base_url)
    monkeypatch.delenv("LIVEVOX_REGION", raising=False)
    app = load_app_module(tmp_path).make_app()

    async with TestClient(TestServer(app)) as http:
        answers = [await http.get(f"/agents/{agent_id}") for agent_id in (100001, 100002, 100001)]
        bodies = [await answer.json() for answer in answers]
        missing = await http.get("/agents/999999")
        missing_text = await missing.text()
        assert docs_sim.request_log[-1].operation == "agents.read"
        logouts_while_running = [r.operation for r in docs_sim.request_log].count("session.logout")

    expected = [docs_sim.state.record("agents", n) for n in (100001, 100002, 100001)]
    assert [a.status for a in answers] == [200, 200, 200]
    assert bodies == [{"id": r["id"], "loginId": r["loginId"]} for r in expected]
    assert (missing.status, missing_text) == (404, "no such agent")
    operations = [r.operation for r in docs_sim.request_log]
    assert operations.count("session.login") == 1
    assert logouts_while_running == 0
    assert operations[-1] == "session.logout"
    assert operations.count("agents.read") == 4
