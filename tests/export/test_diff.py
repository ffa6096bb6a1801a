"""diff_exports: an agent created, one deleted and one field changed, reported exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_support import Export

from livevox_async import ExportError, LiveVox
from livevox_async.models import AgentCreate, AgentUpdate
from livevox_async.tenant import FieldChange, Member, ObjectChange, diff_exports
from livevox_async.testing import Simulator


async def test_diff_reports_added_removed_and_changed(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    await export(tmp_path / "old", families=["agents", "voices"])
    agents = livevox_sim.state.records("agents")
    gone, edited = agents[10]["id"], agents[20]["id"]
    old_phone = agents[20]["phone"]
    async with LiveVox(livevox_sim.credentials("Sysadmin"), base_url=livevox_sim.base_url) as lv:
        new_id = await lv.agents.create(
            AgentCreate(
                login_id="drift",
                first_name="D",
                last_name="R",
                password="secret123",
                phone="1",
                wrap_up_time=5,
            )
        )
        await lv.agents.delete(gone)
        await lv.agents.update(edited, AgentUpdate(phone="5550001111"))
    await export(tmp_path / "new", families=["agents", "voices"])

    drift = diff_exports(tmp_path / "old", tmp_path / "new")
    assert list(drift.families) == ["agents"]
    agents_diff = drift.families["agents"]
    assert agents_diff.added == (Member(new_id, "DRIFT"),)  # LiveVox upper-cases a login id
    assert agents_diff.removed == (Member(gone, agents[10]["loginId"]),)
    assert agents_diff.changed == (
        ObjectChange(
            edited,
            (FieldChange("agents.read.phone", old_phone, "5550001111"),),
            key=agents[20]["loginId"],
        ),
    )
    assert drift.as_json()["families"]["agents"]["added"] == [{"id": new_id, "key": "DRIFT"}]
    assert diff_exports(tmp_path / "old", tmp_path / "old").is_empty


async def test_diff_needs_complete_exports(tmp_path: Path) -> None:
    (tmp_path / "half").mkdir()
    with pytest.raises(ExportError, match="not a complete export"):
        diff_exports(tmp_path / "half", tmp_path / "half")
