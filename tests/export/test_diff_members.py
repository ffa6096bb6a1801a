"""A diff people can read: lists as sets of members named by their natural key, objects
with their natural key, ordered lists item by item — from the CLI (exact lines) and Python."""

from __future__ import annotations

from pathlib import Path

from export_support import Export
from test_cli import livevox

from livevox_async import LiveVox, cli
from livevox_async.models import (
    AgentCreate,
    DialingSequenceItem,
    DialingStrategyOutcome,
    DialingStrategyUpdate,
    IdRef,
)
from livevox_async.tenant import FieldChange, Member, MemberChange, ObjectChange, diff_exports
from livevox_async.testing import Simulator

AGENT, SERVICE = 100002, 40001
"""BTORRES00002, not in Collections 0001 in the seeded test tenant."""
ADDED_LINES = [
    "agents: 0 added, 0 removed, 1 changed",
    "  ~ 100002 BTORRES00002",
    "      agents.read.assignedService:",
    "        + 40001 Collections 0001",
    "      agents.related.service:",
    "        + 40001 Collections 0001",
    "services: 0 added, 0 removed, 1 changed",
    "  ~ 40001 Collections 0001",
    "      services.related.agent:",
    "        + 100002 BTORRES00002",
]


def client(sim: Simulator) -> LiveVox:
    return LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url)


async def diff_lines(old: Path, new: Path) -> list[str]:
    code, out, err = await livevox("diff", str(old), str(new))
    assert (code, err) == (cli.EXIT_DRIFT, "")
    return out.splitlines()


async def test_one_agent_added_to_a_service_is_one_member_each_side_named(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    assert {"id": SERVICE} not in livevox_sim.state.record("agents", AGENT)["assignedService"]
    await export(tmp_path / "old", families=["agents", "services"])
    async with client(livevox_sim) as lv:
        await lv.agents.add_service(AGENT, SERVICE)
    await export(tmp_path / "new", families=["agents", "services"])

    assert await diff_lines(tmp_path / "old", tmp_path / "new") == ADDED_LINES
    drift = diff_exports(tmp_path / "old", tmp_path / "new")
    assert drift.families["services"].changed == (
        ObjectChange(
            SERVICE,
            fields=(),
            members=(MemberChange("services.related.agent", added=(Member(AGENT, "BTORRES00002"),)),),
            key="Collections 0001",
        ),
    )
    assert drift.as_json()["families"]["services"]["changed"][0]["members"] == [
        {"path": "services.related.agent", "added": [{"id": AGENT, "key": "BTORRES00002"}], "removed": []}
    ]


async def test_the_same_diff_when_the_new_export_met_faults_and_bad_pages(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    await export(tmp_path / "old", families=["agents", "services"])
    async with client(livevox_sim) as lv:
        await lv.agents.add_service(AGENT, SERVICE)
    livevox_sim.list_quirks.page_cap = 7
    livevox_sim.list_quirks.overlap = 3
    livevox_sim.faults.script("reset", times=2, operation="services.related")
    livevox_sim.faults.script("503", times=2, operation="agents.read")
    await export(tmp_path / "new", families=["agents", "services"])

    assert livevox_sim.faults.pending() == 0
    assert await diff_lines(tmp_path / "old", tmp_path / "new") == ADDED_LINES


async def test_objects_added_and_removed_show_their_natural_key_members_removed_too(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    await export(tmp_path / "old", families=["agents", "services"])
    async with client(livevox_sim) as lv:
        new_id = await lv.agents.create(
            AgentCreate(
                login_id="DRIFT01",
                first_name="D",
                last_name="R",
                password="secret123",
                phone="1",
                wrap_up_time=5,
            )
        )
        await lv.agents.delete(100003)  # AWILLIAMS00003, in services 40008, 40019 and 40020
        await lv.agents.remove_service(100001, 40010)
    await export(tmp_path / "new", families=["agents", "services"])

    assert await diff_lines(tmp_path / "old", tmp_path / "new") == [
        "agents: 1 added, 1 removed, 1 changed",
        f"  + {new_id} DRIFT01",
        "  - 100003 AWILLIAMS00003",
        "  ~ 100001 RRODRIGUEZ00001",
        "      agents.read.assignedService:",
        "        - 40010 Sales 0010",
        "      agents.related.callCenter:",  # its last service there: call_centers not exported
        "        - 101",
        "      agents.related.service:",
        "        - 40010 Sales 0010",
        "services: 0 added, 0 removed, 4 changed",
        "  ~ 40008 Verification 0008",
        "      services.related.agent:",
        "        - 100003 AWILLIAMS00003",
        "  ~ 40010 Sales 0010",
        "      services.related.agent:",
        "        - 100001 RRODRIGUEZ00001",
        "  ~ 40019 Support 0019",
        "      services.related.agent:",
        "        - 100003 AWILLIAMS00003",
        "  ~ 40020 Billing 0020",
        "      services.related.agent:",
        "        - 100003 AWILLIAMS00003",
    ]


async def test_a_member_whose_family_was_not_exported_is_shown_by_id_alone(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    await export(tmp_path / "old", families=["services"])
    async with client(livevox_sim) as lv:
        await lv.agents.add_service(AGENT, SERVICE)
    await export(tmp_path / "new", families=["services"])

    assert await diff_lines(tmp_path / "old", tmp_path / "new") == [
        "services: 0 added, 0 removed, 1 changed",
        "  ~ 40001 Collections 0001",
        "      services.related.agent:",
        "        + 100002",
    ]


async def test_an_ordered_list_changes_by_position_the_others_by_member(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    families = ["dialing_strategies", "services", "livevox_results"]
    await export(tmp_path / "old", families=families)
    strategy = livevox_sim.state.record("dialing_strategies", 601)
    assert [i["phoneIndex"] for i in strategy["dialingSequenceItem"]] == [13, 27, 24]
    assert strategy["service"] == [{"id": 40002}, {"id": 40007}, {"id": 40016}]
    first, *others = strategy["outcomeItem"]
    assert (first["lvResultId"], first["maxNumberOfRetries"]) == (708, 5)
    async with client(livevox_sim) as lv:
        await lv.dialing_strategies.update(
            601,
            DialingStrategyUpdate(
                dialing_sequence_item=[DialingSequenceItem(phone_index=p) for p in (24, 27, 13)],
                service=[IdRef(id=40016), IdRef(id=40002), IdRef(id=40003)],  # reordered, one swapped
                outcome_item=[
                    DialingStrategyOutcome(
                        lv_result_id=o["lvResultId"],
                        dial_another_number=o["dialAnotherNumber"],
                        max_number_of_retries=9 if o is first else o["maxNumberOfRetries"],
                        retry_delay=o["retryDelay"],
                    )
                    for o in reversed(strategy["outcomeItem"])  # reordered: a set, keyed by lvResultId
                ],
            ),
        )
    await export(tmp_path / "new", families=families)

    assert await diff_lines(tmp_path / "old", tmp_path / "new") == [
        "dialing_strategies: 0 added, 0 removed, 1 changed",
        "  ~ 601 Strategy 01",
        "      dialing_strategies.read.dialingSequenceItem[0].phoneIndex: 13 → 24",
        "      dialing_strategies.read.dialingSequenceItem[2].phoneIndex: 24 → 13",
        "      dialing_strategies.read.outcomeItem[lvResultId=708].maxNumberOfRetries: 5 → 9",
        "      dialing_strategies.read.service:",
        "        + 40003 Support 0003",
        "        - 40007 Reminders 0007",
    ]
    assert others  # the other outcomes, reordered only, are no change


async def test_a_list_of_plain_values_is_a_set_too(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    await export(tmp_path / "old", families=["services"])
    callers = livevox_sim.state.get("services", SERVICE)["callerId"]
    assert callers == ["5558487400", "5554283076", "5556175827"]
    # someone in the portal reorders the caller ids, drops one and adds one
    livevox_sim.state.change("services", SERVICE, {"callerId": ["5556175827", "5558487400", "5550001111"]})
    await export(tmp_path / "new", families=["services"])

    assert await diff_lines(tmp_path / "old", tmp_path / "new") == [
        "services: 0 added, 0 removed, 1 changed",
        "  ~ 40001 Collections 0001",
        "      services.read_phone.callerId:",
        "        + '5550001111'",
        "        - '5554283076'",
    ]
    drift = diff_exports(tmp_path / "old", tmp_path / "new")
    assert drift.families["services"].changed[0].members == (
        MemberChange(
            "services.read_phone.callerId", added=(Member("5550001111"),), removed=(Member("5554283076"),)
        ),
    )
    assert drift.families["services"].changed[0].fields == ()


async def test_a_key_holding_a_reference_shows_the_referenced_key_when_exported(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    await export(tmp_path / "old", families=["term_codes", "services"])
    await export(tmp_path / "old-alone", families=["term_codes"])  # the same without the services
    async with client(livevox_sim) as lv:
        await lv.term_codes.delete(1200001)  # "Sale" of Collections 0001
    await export(tmp_path / "new", families=["term_codes", "services"])
    await export(tmp_path / "new-alone", families=["term_codes"])

    assert await diff_lines(tmp_path / "old", tmp_path / "new") == [
        "term_codes: 0 added, 1 removed, 0 changed",
        "  - 1200001 Collections 0001 / Sale",
    ]
    assert await diff_lines(tmp_path / "old-alone", tmp_path / "new-alone") == [
        "term_codes: 0 added, 1 removed, 0 changed",
        "  - 1200001",
    ]


def test_the_docs_show_these_exact_lines() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text(encoding="utf-8")
    assert "```text\n" + "\n".join(ADDED_LINES) + "\n```" in page


async def test_a_changed_reference_names_the_object_on_each_side(
    export: Export, livevox_sim: Simulator, tmp_path: Path
) -> None:
    families = ["services", "call_centers"]
    await export(tmp_path / "old", families=families)
    await export(tmp_path / "old-services", families=["services"])
    old_center = livevox_sim.state.record("services", SERVICE)["callCenterId"]
    new_center = next(
        c["callCenterId"]
        for c in livevox_sim.state.records("call_centers")
        if c["callCenterId"] != old_center
    )
    names = {c["callCenterId"]: c["name"] for c in livevox_sim.state.records("call_centers")}
    livevox_sim.state.change("services", SERVICE, {"callCenterId": new_center})  # moved in LiveVox's UI
    await export(tmp_path / "new", families=families)
    await export(tmp_path / "services-only", families=["services"])

    lines = await diff_lines(tmp_path / "old", tmp_path / "new")
    moved = f"{old_center} {names[old_center]} → {new_center} {names[new_center]}"
    assert f"      services.read.callCenterId: {moved}" in lines
    change = diff_exports(tmp_path / "old", tmp_path / "new").families["services"].changed[0]
    assert change.fields[0] == FieldChange(
        "services.read.callCenterId", old_center, new_center, names[old_center], names[new_center]
    )
    unnamed = diff_exports(tmp_path / "old", tmp_path / "services-only").families["services"].changed[0]
    field = next(f for f in unnamed.fields if f.path == "services.read.callCenterId")
    assert (field.old_key, field.new_key) == (
        names[old_center],
        names[new_center],
    )  # the old export names both
