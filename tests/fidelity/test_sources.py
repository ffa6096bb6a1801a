"""The source table: every key the schema cites resolves, and the check fails on one that does not."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import bundle as bundle_module
from codegen.bundle import SCHEMA_DIR, bundle, cited_sources, operations
from livevox_async import OPERATIONS, SOURCES

# Written out from ../shared/livevox-api.md §0, not read back from the table.
EXPECTED_KEYS = {
    *("D-CFG", "D-AGT", "D-CC", "D-CLI", "D-CT", "D-DS", "D-LCID", "D-MT", "D-RF", "D-RG"),
    *("D-SP", "D-SVC", "D-TC", "D-USR", "D-UTIL", "D-SES", "D-SM", "D-OV", "D-QS", "D-VA"),
    *("D-CAMP", "D-APPEND", "D-REP"),
    *("G-NET", "G-CM", "G-JD-LIB", "G-JD-DIALER", "G-JD-METRICS", "G-JD-SYNC", "G-KK", "G-PHP", "G-COG"),
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return bundle()


def test_the_table_holds_every_key_of_the_facts() -> None:
    assert set(SOURCES) == EXPECTED_KEYS
    assert SOURCES["G-CM"].url == "https://github.com/juanchanaga/is-call-multiplier/tree/ajustes/prueba7"
    assert (
        SOURCES["D-UTIL"].url == "https://docs.livevox.com/dp/ra/fall23/utilities-api-methods-125834361.html"
    )
    for key, source in SOURCES.items():
        assert source.key == key
        assert source.kind == ("doc" if key.startswith("D-") else "code"), key
        assert source.url is not None or source.note, key  # no link: the note says why
    assert {k for k, s in SOURCES.items() if s.url is None} == {"G-PHP", "G-COG"}


def test_every_cited_key_resolves() -> None:
    cited = {key for op in OPERATIONS.values() for key in op.source_keys}
    assert cited <= set(SOURCES)
    assert {"D-AGT", "G-CM", "G-JD-DIALER", "D-UTIL"} <= cited
    assert OPERATIONS["agents.read"].source_keys == ("G-CM", "G-JD-DIALER", "G-JD-METRICS")


def test_source_keys_are_the_keys_in_the_source_text(doc: dict[str, Any]) -> None:
    for _, _, op, _ in operations(doc):
        assert list(OPERATIONS[op["operationId"]].source_keys) == cited_sources(op["x-livevox-source"])


def test_the_check_fails_on_a_cited_key_the_table_lacks(doc: dict[str, Any]) -> None:
    mutated = copy.deepcopy(doc)
    mutated["paths"]["/configuration/agents/{id}"]["get"]["x-livevox-source"] += "; G-NOWHERE"
    problems = bundle_module._check_sources(mutated)
    where = "agents.read (GET /configuration/agents/{id})"
    assert problems == [f"{where}: x-livevox-source cites G-NOWHERE, not in the source table"]
    assert bundle_module._check_sources(doc) == []


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"kind": "doc", "title": "T", "url": None}, "without a url, a note must say why"),
        ({"kind": "doc", "title": "T", "url": "http://example.com"}, "url must be an https:// link"),
        ({"kind": "hearsay", "title": "T", "url": "https://example.com"}, "kind must be one of"),
        ({"kind": "doc", "title": " ", "url": "https://example.com"}, "no title"),
    ],
)
def test_the_check_refuses_a_malformed_entry(
    doc: dict[str, Any], entry: dict[str, Any], expected: str
) -> None:
    mutated = copy.deepcopy(doc)
    mutated["x-livevox-sources"]["D-NEW"] = entry
    problems = bundle_module._check_sources(mutated)
    assert len(problems) == 1
    assert problems[0].startswith("x-livevox-sources D-NEW: ")
    assert expected in problems[0]


def test_make_check_fails_when_the_table_lacks_a_cited_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema_dir = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, schema_dir)
    table = yaml.safe_load((schema_dir / "sources.yaml").read_text())
    del table["G-JD-SYNC"]
    (schema_dir / "sources.yaml").write_text(yaml.safe_dump(table))
    assert bundle_module.main(["--check", "--schema-dir", str(schema_dir)]) == 1
    err = capsys.readouterr().err
    assert "services.list (GET /configuration/services): x-livevox-source cites G-JD-SYNC" in err
