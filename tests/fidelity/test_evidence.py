"""Evidence per part: what is known of each operation's path, body and answer, never overstated."""

from __future__ import annotations

import copy
import inspect
from typing import Any

import pytest

from codegen import bundle as bundle_module
from codegen.bundle import bundle
from livevox_async import OPERATIONS, EvidenceParts
from livevox_async._generated import resources

RANK = {"inferred": 0, "code": 1, "doc": 2}

# Written out from ../shared/livevox-api.md (§2.1, §4.1, §4.8, §4.14), not read back.
DOCUMENTED_CREATED = {"services.create", "term_codes.create", "resource_groups.create"}
"""The creates whose `201 {"id": n}` a doc page shows (D-SVC, D-TC, D-RG); every other is inferred."""


def parts(op_id: str) -> EvidenceParts:
    return OPERATIONS[op_id].evidence_parts


def test_the_markers_the_issue_names_no_longer_overstate() -> None:
    assert parts("report_formats.list") == EvidenceParts("doc", None, "inferred")
    assert parts("audit_log.search") == EvidenceParts("doc", "doc", "inferred")
    creates = {op_id for op_id in OPERATIONS if op_id.endswith(".create")}
    for op_id in creates:
        expected = "doc" if op_id in DOCUMENTED_CREATED else "inferred"
        assert parts(op_id).response == expected, op_id
    for name in ("update", "delete", "add_service", "remove_service", "add_skill", "remove_skill"):
        assert parts(f"agents.{name}").response == "inferred", name
    assert parts("agents.update") == EvidenceParts("code", "code", "inferred")
    assert parts("services.delete") == EvidenceParts("doc", None, "doc")  # D-SVC shows its 204


def test_overall_evidence_is_the_weakest_part() -> None:
    for op in OPERATIONS.values():
        p = op.evidence_parts
        levels = [p.path, p.response] + ([p.body] if p.body else [])
        assert op.evidence == min(levels, key=RANK.__getitem__), op.id
        assert (p.body is not None) is (op.body is not None), op.id
    assert OPERATIONS["agents.create"].evidence == "inferred"
    assert OPERATIONS["clients.read_internal"].evidence == "doc"


def test_docstrings_say_what_is_known_of_each_part() -> None:
    create = inspect.getdoc(resources.Agents.create) or ""
    assert "Evidence: inferred (path doc, body doc, response inferred)." in create
    assert "Sources: D-AGT Create Agent (path, body)" in create
    read = inspect.getdoc(resources.Agents.read) or ""
    assert "Evidence: code (path code, response code)." in read
    assert str(parts("agents.read")) == "path code, response code"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return bundle()


AGENT = "/configuration/agents/{id}"


@pytest.mark.parametrize(
    ("method", "change", "expected"),
    [
        ("get", {"x-livevox-evidence": "doc"}, "x-livevox-evidence doc must be its weakest part, code"),
        ("get", {"x-livevox-evidence-parts": None}, "missing x-livevox-evidence-parts"),
        (
            "get",
            {"x-livevox-evidence-parts": {"path": "code", "body": "code", "response": "code"}},
            "must name exactly ['path', 'response'], got ['body', 'path', 'response']",
        ),
        (
            "put",
            {"x-livevox-evidence-parts": {"path": "code", "response": "inferred"}},
            "must name exactly ['body', 'path', 'response']",
        ),
        (
            "get",
            {"x-livevox-evidence-parts": {"path": "rumour", "response": "code"}},
            "x-livevox-evidence-parts path: must be one of",
        ),
    ],
)
def test_the_validator_refuses_evidence_that_does_not_add_up(
    doc: dict[str, Any], method: str, change: dict[str, Any], expected: str
) -> None:
    mutated = copy.deepcopy(doc)
    op = mutated["paths"][AGENT][method]
    for key, value in change.items():
        if value is None:
            del op[key]
        else:
            op[key] = value
    problems = bundle_module._check_extensions(mutated)
    assert any(expected in p for p in problems), problems
    assert bundle_module._check_extensions(doc) == []
