"""The bundled schema: complete, faithful to livevox-api.md, and guarded by its validator.

Expected values below are written out from ../shared/livevox-api.md (section numbers in
comments), not read back from the schema, so a schema edit that drifts from the facts
fails here.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import bundle as bundle_module
from codegen.bundle import SCHEMA_DIR, SchemaError, bundle, list_wrapper, operations, resolve

ALL_ROLES = {"Sysadmin", "IT User", "Superuser", "Manager"}

# Every family named in the issue, with every method it must have (99 in all).
EXPECTED_FAMILIES: dict[str, set[str]] = {
    "session": {"login", "validate", "logout", "change_password", "list_active", "details"},
    "agents": {
        "create",
        "read",
        "update",
        "delete",
        "list",
        "info",
        "search",
        "add_service",
        "remove_service",
        "add_skill",
        "remove_skill",
        "related",
    },
    "agent_skills": {"read", "list", "info"},
    "call_centers": {"create", "read", "update", "delete", "list", "info", "add_service", "related"},
    "clients": {"read_internal", "read_own_internal", "read_settings", "read_voice_pool", "read_messaging"},
    "contact_timings": {"read", "list", "info"},
    "dialing_strategies": {"create", "read", "update", "delete", "list", "info"},
    "lcid_packages": {"read", "list", "info"},
    "message_templates": {"list", "info", "related"},
    "report_formats": {"list", "info"},
    "resource_groups": {"create", "read", "update", "delete", "list", "info"},
    "screen_pops": {"read", "list", "info"},
    "services": {
        "read",
        "list",
        "info",
        "search",
        "related",
        "read_phone",
        "read_settings",
        "create",
        "delete",
        "update_message_template",
        "update_open_hours",
        "update_pacing",
    },
    "term_codes": {"create", "read", "update", "delete", "list", "info"},
    "term_code_categories": {"create", "read", "update", "delete", "list", "info"},
    "livevox_results": {"read", "list"},
    "custom_outcomes": {"read"},
    "users": {
        "create",
        "read",
        "update",
        "delete",
        "list",
        "info",
        "search",
        "add_service",
        "remove_service",
    },
    "voices": {"list", "read"},
    "audit_log": {"search"},
}
EXPECTED_IDS = {f"{family}.{method}" for family, methods in EXPECTED_FAMILIES.items() for method in methods}

# §4.0: the 20 methods an agent session may call, in the documented order.
AGENT_ALLOWED = {
    "Read Agent": "agents.read",
    "List Agents": "agents.list",
    "FindMatchingAgents": "agents.search",
    "Get Agent Related Objects": "agents.related",
    "Get Call Center Related Objects": "call_centers.related",
    "List Call Centers": "call_centers.list",
    "Get Call Center List Info": "call_centers.info",
    "Read Call Center": "call_centers.read",
    "Read Screen Pop": "screen_pops.read",
    "List Screen Pop": "screen_pops.list",
    "Get Screen Pop List Info": "screen_pops.info",
    "Read Term Code": "term_codes.read",
    "List Term Code": "term_codes.list",
    "Get Term Code List Info": "term_codes.info",
    "Read Term Code Category": "term_code_categories.read",
    "List Term Code Categories": "term_code_categories.list",
    "Get Term Code Category List Info": "term_code_categories.info",
    "Read LiveVox Result": "livevox_results.read",
    "List LiveVox Results": "livevox_results.list",
    "Read Custom Outcomes": "custom_outcomes.read",
}

# Verb and path wherever livevox-api.md states one (doc, code, or an [INF] path it spells
# out). Operations whose path the facts call unknown (agent skill add/remove segment, client
# voice pool / messaging segment, term code categories, LiveVox results) are left out.
FACT_PATHS: dict[str, tuple[str, str]] = {
    "session.login": ("post", "/session/login"),
    "session.validate": ("get", "/session/validate/{sessionId}"),
    "session.logout": ("delete", "/session/logout/{sessionId}"),
    "session.change_password": ("post", "/session/password"),
    "agents.create": ("post", "/configuration/agents"),
    "agents.read": ("get", "/configuration/agents/{id}"),
    "agents.update": ("put", "/configuration/agents/{id}"),
    "agents.delete": ("delete", "/configuration/agents/{id}"),
    "agents.list": ("get", "/configuration/agents"),
    "agents.info": ("get", "/configuration/agents/info"),
    "agents.search": ("post", "/configuration/agents/search"),
    "agents.add_service": ("put", "/configuration/agents/{id}/services/{serviceId}"),
    "agents.remove_service": ("delete", "/configuration/agents/{id}/services/{serviceId}"),
    "agents.related": ("get", "/configuration/agents/{id}/related"),
    "agent_skills.read": ("get", "/configuration/agentSkills/{id}"),
    "agent_skills.list": ("get", "/configuration/agentSkills"),
    "agent_skills.info": ("get", "/configuration/agentSkills/info"),
    "call_centers.create": ("post", "/configuration/callCenters"),
    "call_centers.list": ("get", "/configuration/callCenters"),
    "call_centers.read": ("get", "/configuration/callCenters/{id}"),
    "call_centers.update": ("put", "/configuration/callCenters/{id}"),
    "call_centers.delete": ("delete", "/configuration/callCenters/{id}"),
    "call_centers.info": ("get", "/configuration/callCenters/info"),
    "call_centers.add_service": ("put", "/configuration/callCenters/{id}/services/{serviceId}"),
    "call_centers.related": ("get", "/configuration/callCenters/{id}/related"),
    "clients.read_internal": ("get", "/configuration/clients/{id}/internal"),
    "clients.read_own_internal": ("get", "/configuration/clients/internal"),
    "clients.read_settings": ("get", "/configuration/clients/{id}/settings"),
    "contact_timings.info": ("get", "/configuration/contactTiming/info"),
    "contact_timings.list": ("get", "/configuration/contactTiming"),
    "contact_timings.read": ("get", "/configuration/contactTiming/{id}"),
    "dialing_strategies.create": ("post", "/configuration/dialingStrategies"),
    "dialing_strategies.read": ("get", "/configuration/dialingStrategies/{id}"),
    "dialing_strategies.update": ("put", "/configuration/dialingStrategies/{id}"),
    "dialing_strategies.delete": ("delete", "/configuration/dialingStrategies/{id}"),
    "dialing_strategies.list": ("get", "/configuration/dialingStrategies"),
    "dialing_strategies.info": ("get", "/configuration/dialingStrategies/info"),
    "lcid_packages.info": ("get", "/configuration/lcidPackages/info"),
    "lcid_packages.list": ("get", "/configuration/lcidPackages"),
    "lcid_packages.read": ("get", "/configuration/lcidPackages/{id}"),
    "message_templates.info": ("get", "/configuration/messageTemplates/info"),
    "message_templates.related": ("get", "/configuration/messageTemplates/{id}/related"),
    "message_templates.list": ("get", "/configuration/messageTemplates"),
    "report_formats.info": ("get", "/configuration/reportFormats/info"),
    "report_formats.list": ("get", "/configuration/reportFormats"),
    "resource_groups.create": ("post", "/configuration/resourceGroups"),
    "resource_groups.list": ("get", "/configuration/resourceGroups"),
    "resource_groups.read": ("get", "/configuration/resourceGroups/{id}"),
    "resource_groups.update": ("put", "/configuration/resourceGroups/{id}"),
    "resource_groups.delete": ("delete", "/configuration/resourceGroups/{id}"),
    "resource_groups.info": ("get", "/configuration/resourceGroups/info"),
    "screen_pops.info": ("get", "/configuration/screenPops/info"),
    "screen_pops.list": ("get", "/configuration/screenPops"),
    "screen_pops.read": ("get", "/configuration/screenPops/{id}"),
    "services.create": ("post", "/configuration/services"),
    "services.delete": ("delete", "/configuration/services/{id}"),
    "services.search": ("post", "/configuration/services/search"),
    "services.list": ("get", "/configuration/services"),
    "services.read": ("get", "/configuration/services/{id}"),
    "services.related": ("get", "/configuration/services/{id}/related"),
    "services.read_phone": ("get", "/configuration/services/{id}/phone"),
    "services.read_settings": ("get", "/configuration/services/{id}/settings"),
    "services.update_pacing": ("post", "/configuration/services/{id}/pacing"),
    "services.info": ("get", "/configuration/services/info"),
    "services.update_message_template": ("put", "/configuration/services/{id}/messageTemplate/{templateId}"),
    "services.update_open_hours": ("put", "/configuration/services/{id}/openHours"),
    "term_codes.create": ("post", "/configuration/termCodes"),
    "term_codes.list": ("get", "/configuration/termCodes"),
    "term_codes.read": ("get", "/configuration/termCodes/{id}"),
    "term_codes.update": ("put", "/configuration/termCodes/{id}"),
    "term_codes.delete": ("delete", "/configuration/termCodes/{id}"),
    "term_codes.info": ("get", "/configuration/termCodes/info"),
    "users.create": ("post", "/configuration/users"),
    "users.read": ("get", "/configuration/users/{id}"),
    "users.update": ("put", "/configuration/users/{id}"),
    "users.delete": ("delete", "/configuration/users/{id}"),
    "users.list": ("get", "/configuration/users"),
    "users.info": ("get", "/configuration/users/info"),
    "users.search": ("post", "/configuration/users/search"),
    "users.add_service": ("put", "/configuration/users/{id}/services/{serviceId}"),
    "users.remove_service": ("delete", "/configuration/users/{id}/services/{serviceId}"),
    "audit_log.search": ("post", "/configuration/util/auditLog/search"),
    "voices.list": ("get", "/configuration/util/voices"),
    "voices.read": ("get", "/configuration/util/voices/{id}"),
}

# §3.2: wrapper keys seen in code, and the singular-camelCase pattern for the others.
LIST_KEYS = {
    "agents.list": "agent",
    "agents.search": "agent",
    "call_centers.list": "callCenter",
    "services.list": "service",
    "services.search": "service",
    "term_codes.list": "termCode",
    "term_code_categories.list": "category",
    "livevox_results.list": "lvResult",
    "screen_pops.list": "screenPop",
    "users.list": "user",
    "users.search": "user",
    "lcid_packages.list": "lcidPackage",
    "resource_groups.list": "resourceGroup",
    "contact_timings.list": "contactTiming",
    "dialing_strategies.list": "dialingStrategy",
    "message_templates.list": "messageTemplate",
    "report_formats.list": "reportFormat",
    "voices.list": "voice",
    "audit_log.search": "auditLogEntry",
    "agent_skills.list": "agentSkill",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return bundle()


@pytest.fixture(scope="module")
def ops(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """operationId -> {method, path, op, params (resolved, path-level included)}."""
    found: dict[str, dict[str, Any]] = {}
    for path, method, op, path_params in operations(doc):
        params = [resolve(doc, p) for p in [*path_params, *op.get("parameters", [])]]
        assert op["operationId"] not in found
        found[op["operationId"]] = {"method": method, "path": path, "op": op, "params": params}
    return found


# --- the schema as a whole ------------------------------------------------------------


def test_bundled_schema_is_valid(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    assert len(operations(doc)) == 99
    assert bundle_module._check_extensions(doc) == []


def test_every_family_has_its_operations(ops: dict[str, dict[str, Any]]) -> None:
    assert len(EXPECTED_IDS) == 99
    by_family: dict[str, set[str]] = {}
    for op_id in ops:
        family, method = op_id.split(".", 1)
        by_family.setdefault(family, set()).add(method)
    for family, methods in EXPECTED_FAMILIES.items():
        assert by_family.get(family) == methods, family
    assert set(by_family) == set(EXPECTED_FAMILIES)
    assert set(ops) == EXPECTED_IDS


def test_generated_table_has_the_same_operations(ops: dict[str, dict[str, Any]]) -> None:
    from livevox_async import OPERATIONS

    assert set(OPERATIONS) == EXPECTED_IDS
    assert list(OPERATIONS) == list(ops)  # same order as the schema


def test_exactly_the_20_documented_methods_are_agent_allowed(ops: dict[str, dict[str, Any]]) -> None:
    allowed = {op_id for op_id, o in ops.items() if o["op"]["x-livevox-agent-allowed"] is True}
    assert len(AGENT_ALLOWED) == 20
    assert len(set(AGENT_ALLOWED.values())) == 20
    assert allowed == set(AGENT_ALLOWED.values())
    for op_id, o in ops.items():
        assert isinstance(o["op"]["x-livevox-agent-allowed"], bool), op_id


def test_agent_allowed_methods_only_read(ops: dict[str, dict[str, Any]]) -> None:
    for op_id in AGENT_ALLOWED.values():
        o = ops[op_id]
        assert o["method"] == "get" or op_id.endswith(".search"), op_id
        assert o["path"].startswith("/configuration/")


@pytest.mark.parametrize("op_id", sorted(FACT_PATHS))
def test_documented_verb_and_path(ops: dict[str, dict[str, Any]], op_id: str) -> None:
    assert (ops[op_id]["method"], ops[op_id]["path"]) == FACT_PATHS[op_id]


def test_every_operation_cites_its_evidence(ops: dict[str, dict[str, Any]]) -> None:
    counts = {"doc": 0, "code": 0, "inferred": 0}
    for op_id, o in ops.items():
        evidence = o["op"]["x-livevox-evidence"]
        assert evidence in {"doc", "code", "inferred"}, op_id
        counts[evidence] += 1
        source = o["op"]["x-livevox-source"]
        assert isinstance(source, str), op_id
        assert source.strip(), op_id
        assert o["op"].get("summary", "").strip(), op_id
    assert sum(counts.values()) == 99
    assert all(counts.values())  # each level is used


def test_paths_are_unversioned_and_categorised(ops: dict[str, dict[str, Any]]) -> None:
    for op_id, o in ops.items():
        category = "session" if op_id.startswith("session.") else "configuration"
        assert o["path"].startswith(f"/{category}/"), op_id
        assert "/v6.0/" not in o["path"]
        assert not o["path"].endswith("/"), op_id


def test_session_exemptions(ops: dict[str, dict[str, Any]]) -> None:
    # §1.3: login, validate, change password and logout need no LV-Session; all else does.
    exempt = {"session.login", "session.validate", "session.change_password", "session.logout"}
    for op_id, o in ops.items():
        required = o["op"].get("x-livevox-session-required", True)
        assert required is (op_id not in exempt), op_id


# --- lists ------------------------------------------------------------------------------


def test_list_operations(doc: dict[str, Any], ops: dict[str, dict[str, Any]]) -> None:
    list_ops = {op_id for op_id, o in ops.items() if "x-livevox-list-key" in o["op"]}
    assert list_ops == set(LIST_KEYS)
    for op_id, o in ops.items():
        name = op_id.split(".", 1)[1]
        wrapper = list_wrapper(doc, o["op"])
        if op_id in LIST_KEYS:
            assert name in {"list", "search"}, op_id
            assert o["op"]["x-livevox-list-key"] == LIST_KEYS[op_id], op_id
            assert wrapper is not None, op_id
            assert wrapper[0] == LIST_KEYS[op_id], op_id
            assert "$ref" in wrapper[1], op_id  # items are a named model
            query = {p["name"]: p for p in o["params"] if p["in"] == "query"}
            assert query["count"]["required"] is True, op_id
            assert query["offset"]["required"] is True, op_id
            assert query["count"]["schema"]["maximum"] == 1000, op_id  # §3.1 hard cap
            schema = resolve(doc, o["op"]["responses"]["200"])["content"]["application/json"]["schema"]
            assert schema["properties"]["next"] == {"$ref": "#/components/schemas/NextPage"}, op_id
            assert o["op"].get("x-livevox-idempotent") is True, op_id
        else:
            assert name not in {"list", "search"}, op_id
            assert wrapper is None, op_id
            assert "count" not in {p["name"] for p in o["params"]}, op_id


def test_list_filters(ops: dict[str, dict[str, Any]]) -> None:
    def query(op_id: str) -> dict[str, bool]:
        return {p["name"]: p["required"] for p in ops[op_id]["params"] if p["in"] == "query"}

    # §4.11 services are listed per call center; §4.12 term codes per client and service.
    assert query("services.list") == {"callCenter": False, "client": False, "count": True, "offset": True}
    assert query("term_codes.list") == {"client": False, "service": False, "count": True, "offset": True}
    assert query("agents.list") == {"client": False, "count": True, "offset": True}
    # §4.11 Create Service copies via query parameters, without a body.
    assert query("services.create") == {"service": True, "name": True}
    assert "requestBody" not in ops["services.create"]["op"]


def test_info_operations_answer_list_info(ops: dict[str, dict[str, Any]]) -> None:
    info_ops = [op_id for op_id in ops if op_id.endswith(".info")]
    assert len(info_ops) == 14
    for op_id in info_ops:
        o = ops[op_id]
        assert o["method"] == "get"
        assert o["path"].endswith("/info"), op_id
        assert o["op"]["responses"]["200"] == {"$ref": "#/components/responses/ListInfo"}, op_id


# --- idempotency and status codes -------------------------------------------------------


def test_idempotency(ops: dict[str, dict[str, Any]]) -> None:
    for op_id, o in ops.items():
        flag = o["op"]["x-livevox-idempotent"]
        assert isinstance(flag, bool), op_id
        if op_id.endswith(".create"):
            assert flag is False, op_id
        if o["method"] in {"get", "put", "delete"}:
            assert flag is True, op_id
    assert (
        ops["session.login"]["op"]["x-livevox-idempotent"] is True
    )  # a repeated login returns the same live session: safe to resend
    creates = [op_id for op_id in ops if op_id.endswith(".create")]
    assert sorted(creates) == [
        "agents.create",
        "call_centers.create",
        "dialing_strategies.create",
        "resource_groups.create",
        "services.create",
        "term_code_categories.create",
        "term_codes.create",
        "users.create",
    ]


def test_status_codes(ops: dict[str, dict[str, Any]]) -> None:
    # §4 defaults: create → 201 {"id"}; update/delete/add/remove → 204; reads → 200.
    for op_id, o in ops.items():
        responses = o["op"]["responses"]
        name = op_id.split(".", 1)[1]
        assert responses["default"] == {"$ref": "#/components/responses/Error"}, op_id
        success = sorted(code for code in responses if code != "default")
        if name == "create":
            assert success == ["201"], op_id
            assert responses["201"] == {"$ref": "#/components/responses/Created"}, op_id
        elif name.startswith(("update", "delete", "add_", "remove_")):
            assert success == ["204"], op_id
        elif op_id in {"session.validate", "session.logout", "session.change_password"}:
            assert "204" in success, op_id
        else:
            assert success == ["200"], op_id


# --- roles (§4, §5) --------------------------------------------------------------------


def roles(ops: dict[str, dict[str, Any]], op_id: str) -> set[str]:
    return set(ops[op_id]["op"]["x-livevox-roles"])


def family_ids(ops: dict[str, dict[str, Any]], family: str) -> list[str]:
    ids = [op_id for op_id in ops if op_id.split(".", 1)[0] == family]
    assert ids, family
    return ids


def test_role_rules(ops: dict[str, dict[str, Any]]) -> None:
    for op_id in family_ids(ops, "users"):
        assert roles(ops, op_id) == {"Sysadmin", "Superuser"}, op_id
    sysadmin_it = [
        "call_centers.create",
        "clients.read_internal",
        "clients.read_own_internal",
        "term_codes.create",
    ]
    sysadmin_it += family_ids(ops, "message_templates") + family_ids(ops, "report_formats")
    for op_id in sysadmin_it:
        assert roles(ops, op_id) == {"Sysadmin", "IT User"}, op_id
    for op_id in ("services.create", "services.delete"):
        assert roles(ops, op_id) == {"Sysadmin", "Superuser", "IT User"}, op_id
    for op_id in family_ids(ops, "lcid_packages"):
        assert roles(ops, op_id) == {"Sysadmin", "Superuser", "Manager"}, op_id
    assert roles(ops, "dialing_strategies.create") == {"Sysadmin", "Superuser", "Manager"}
    for op_id in family_ids(ops, "screen_pops"):
        assert roles(ops, op_id) == {"Sysadmin", "IT User", "Manager"}, op_id  # plus agents, §4.10
    for op_id in [*family_ids(ops, "agents"), "audit_log.search", "services.read", "call_centers.read"]:
        assert roles(ops, op_id) == ALL_ROLES, op_id
    for op_id in family_ids(ops, "session"):
        assert roles(ops, op_id) == set(), op_id  # anyone with credentials
    for op_id in ops:
        assert roles(ops, op_id) <= ALL_ROLES, op_id
        if not op_id.startswith("session."):
            assert roles(ops, op_id), op_id


def test_manager_powers(ops: dict[str, dict[str, Any]]) -> None:
    for op_id, o in ops.items():
        family = op_id.split(".", 1)[0]
        power = o["op"].get("x-livevox-manager-power")
        if family in {"agents", "agent_skills"}:
            assert power == "Administer Agents", op_id
        elif family == "dialing_strategies":
            assert power == "Dialing Strategies", op_id
        else:
            assert power is None, op_id
        if power is not None:
            assert "Manager" in roles(ops, op_id), op_id


def test_secrets_are_marked(doc: dict[str, Any], ops: dict[str, dict[str, Any]]) -> None:
    schemas = doc["components"]["schemas"]
    for name in (
        "AgentCreate",
        "AgentUpdate",
        "UserCreate",
        "UserUpdate",
        "LoginRequest",
        "ChangePasswordRequest",
    ):
        assert schemas[name]["properties"]["password"].get("x-livevox-secret") is True, name
    assert schemas["ChangePasswordRequest"]["properties"]["newPassword"].get("x-livevox-secret") is True
    for op_id in ("session.validate", "session.logout"):
        (param,) = [p for p in ops[op_id]["params"] if p["name"] == "sessionId"]
        assert param.get("x-livevox-secret") is True, op_id


# --- the validator rejects malformed schemas -------------------------------------------


def schema_copy(tmp_path: Path) -> Path:
    target = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, target)
    return target


def term_codes_only(tmp_path: Path) -> Path:
    """A copy of schema/ whose root lists only term_codes.yaml: a small, valid schema.

    Validation of the full document costs about a second; the rules are the same.
    """
    schema_dir = schema_copy(tmp_path)
    root = yaml.safe_load((schema_dir / "openapi.yaml").read_text())
    root["x-livevox-families"] = ["term_codes.yaml"]
    (schema_dir / "openapi.yaml").write_text(yaml.safe_dump(root, sort_keys=False, allow_unicode=True))
    return schema_dir


def edit(schema_dir: Path, family_file: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = schema_dir / family_file
    content = yaml.safe_load(path.read_text())
    before = copy.deepcopy(content)
    change(content)
    assert content != before, "the mutation changed nothing"
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))


TC = "/configuration/termCodes"
TC_ID = "/configuration/termCodes/{id}"


def no_description(d: dict[str, Any]) -> None:
    del d["paths"][TC_ID]["get"]["responses"]["200"]["description"]


def description_not_a_string(d: dict[str, Any]) -> None:
    d["paths"][TC_ID]["get"]["responses"]["200"]["description"] = 5


def responses_not_a_mapping(d: dict[str, Any]) -> None:
    d["paths"][TC_ID]["get"]["responses"] = ["200", "default"]


def duplicate_operation_id(d: dict[str, Any]) -> None:
    d["paths"][TC_ID]["put"]["operationId"] = "term_codes.read"


def undefined_path_parameter(d: dict[str, Any]) -> None:
    del d["paths"][TC_ID]["parameters"]


def no_evidence(d: dict[str, Any]) -> None:
    del d["paths"][TC_ID]["get"]["x-livevox-evidence"]


def no_list_key(d: dict[str, Any]) -> None:
    del d["paths"][TC]["get"]["x-livevox-list-key"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (no_description, ["not valid OpenAPI 3.1", "'description' is a required property"]),
        (description_not_a_string, ["not valid OpenAPI 3.1", "5 is not of type 'string'"]),
        (responses_not_a_mapping, ["not valid OpenAPI 3.1"]),
        (
            duplicate_operation_id,
            ["term_codes.read (PUT /configuration/termCodes/{id}): duplicate operationId"],
        ),
        (
            undefined_path_parameter,
            ["term_codes.read (GET /configuration/termCodes/{id}): path parameter {id} has no definition"],
        ),
        (no_evidence, ["term_codes.read (GET /configuration/termCodes/{id}): missing x-livevox-evidence"]),
        (
            no_list_key,
            ["term_codes.list (GET /configuration/termCodes): list operation without x-livevox-list-key"],
        ),
    ],
    ids=lambda v: v.__name__ if callable(v) else "",
)
def test_validator_rejects(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    schema_dir = term_codes_only(tmp_path)
    assert len(operations(bundle(schema_dir))) == 15  # the control: valid before the change
    edit(schema_dir, "term_codes.yaml", change)
    with pytest.raises(SchemaError) as caught:
        bundle(schema_dir)
    for text in expected:
        assert text in str(caught.value)


def test_validator_rejects_a_missing_family_file(tmp_path: Path) -> None:
    schema_dir = schema_copy(tmp_path)
    (schema_dir / "users.yaml").unlink()
    with pytest.raises(SchemaError, match=r"users\.yaml: listed in x-livevox-families but missing"):
        bundle(schema_dir)


def test_cli_reports_a_malformed_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema_dir = schema_copy(tmp_path)
    (schema_dir / "users.yaml").unlink()
    assert bundle_module.main(["--check", "--schema-dir", str(schema_dir)]) == 1
    assert "users.yaml: listed in x-livevox-families but missing" in capsys.readouterr().err


def test_loader_rejects_duplicates_across_files(tmp_path: Path) -> None:
    schema_dir = schema_copy(tmp_path)
    users = yaml.safe_load((schema_dir / "users.yaml").read_text())
    term_codes = yaml.safe_load((schema_dir / "term_codes.yaml").read_text())
    users["paths"][TC_ID] = term_codes["paths"][TC_ID]
    users["components"]["schemas"]["TermCode"] = term_codes["components"]["schemas"]["TermCode"]
    users["info"] = {"title": "stray"}
    (schema_dir / "users.yaml").write_text(yaml.safe_dump(users, sort_keys=False))
    with pytest.raises(SchemaError) as caught:
        bundle(schema_dir)
    message = str(caught.value)
    assert "path /configuration/termCodes/{id} is defined twice" in message
    assert "components.schemas.TermCode is defined twice" in message
    assert "users.yaml: unexpected top-level key 'info'" in message


# The x-livevox rules, checked on the in-memory document (fast: no OpenAPI meta-schema pass).


@pytest.mark.parametrize(
    ("path", "method", "changes", "expected"),
    [
        (TC_ID, "get", {"x_livevox_evidence": "hearsay"}, "x-livevox-evidence must be one of"),
        (TC_ID, "get", {"x_livevox_source": "   "}, "empty x-livevox-source"),
        (TC_ID, "get", {"x_livevox_source": None}, "missing x-livevox-source"),
        (TC_ID, "get", {"x_livevox_roles": None}, "missing x-livevox-roles"),
        (TC_ID, "get", {"x_livevox_idempotent": None}, "missing x-livevox-idempotent"),
        (TC_ID, "get", {"x_livevox_agent_allowed": None}, "missing x-livevox-agent-allowed"),
        (TC_ID, "get", {"x_livevox_agent_allowed": "yes"}, "x-livevox-agent-allowed must be a boolean"),
        (TC_ID, "get", {"x_livevox_idempotent": 1}, "x-livevox-idempotent must be a boolean"),
        (TC_ID, "get", {"x_livevox_roles": ["Sysadmin", "Janitor"]}, "unknown roles ['Janitor']"),
        (TC_ID, "get", {"operationId": "TermCodes.Read"}, "operationId must be 'family.method'"),
        (TC_ID, "get", {"operationId": None}, "GET /configuration/termCodes/{id}: no operationId"),
        (TC, "get", {"x_livevox_list_key": "termCodes"}, "x-livevox-list-key 'termCodes' does not match"),
        (TC_ID, "get", {"x_livevox_list_key": "termCode"}, "x-livevox-list-key 'termCode' does not match"),
        (TC, "get", {"parameters": [{"$ref": "#/components/parameters/client"}]}, "without count and offset"),
        (
            TC_ID,
            "get",
            {
                "parameters": [
                    {"name": "other", "in": "path", "required": True, "schema": {"type": "integer"}}
                ]
            },
            "path parameter other is not in the path",
        ),
    ],
)
def test_extension_rules(
    doc: dict[str, Any], path: str, method: str, changes: dict[str, Any], expected: str
) -> None:
    mutated = copy.deepcopy(doc)
    op = mutated["paths"][path][method]
    for key, value in changes.items():
        wire_key = key.replace("_", "-") if key.startswith("x_") else key
        if value is None:
            del op[wire_key]
        else:
            op[wire_key] = value
    problems = bundle_module._check_extensions(mutated)
    assert any(expected in p for p in problems), problems
    assert bundle_module._check_extensions(doc) == []
