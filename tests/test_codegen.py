"""Codegen: deterministic, committed, fresh; and the generated code matches the schema.

The generated resources are exercised through the `Runtime` seam with a recording
runtime (no HTTP here; the real runtime is tested elsewhere).
"""

from __future__ import annotations

import inspect
import keyword
import os
import re
import shutil
import subprocess
import sys
import textwrap
import types
import typing
from collections.abc import Awaitable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from codegen import generate
from codegen.bundle import SCHEMA_DIR, bundle, list_wrapper, operations, resolve
from livevox_async import OPERATIONS, LiveVoxEnum, Operation, Paginator, RequestOptions, UnsetType
from livevox_async._generated import models as gen_models
from livevox_async._generated import operations as gen_operations
from livevox_async._generated import resources as gen_resources
from livevox_async._generated.resources import Resources
from livevox_async._resource import NO_ARGS, Resource, Runtime
from livevox_async._wire import WireAnswer

GENERATED = generate.OUTPUT
NON_SESSION = [op for op in OPERATIONS.values() if op.family != "session"]

# Writes the render of a fresh interpreter (another hash seed) to argv[1].
GENERATE_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from codegen.bundle import bundle
    from codegen.generate import formatted, render

    for name, text in formatted(render(bundle())).items():
        (Path(sys.argv[1]) / name).write_bytes(text.encode())
    """
)


@attrs.frozen
class Generated:
    doc: dict[str, Any]
    raw: dict[str, str]
    files: dict[str, str]
    other_process: dict[str, bytes]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Generate twice: in this process and, concurrently, in a fresh one with another hash seed."""
    base = tmp_path_factory.mktemp("codegen")
    out = base / "generated"
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(generate.ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", GENERATE_SCRIPT, str(out)],
        cwd=generate.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        doc = bundle()
        raw = generate.render(doc)
        files = generate.formatted(raw)
    finally:
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()
    other = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return Generated(doc, raw, files, other)


# --- determinism and freshness -----------------------------------------------------------


def test_generated_module_names(generated: Generated) -> None:
    assert set(generated.files) == {
        "__init__.py",
        "models.py",
        "operations.py",
        "relations.py",
        "resources.py",
        "raw.py",
        "sources.py",
    }
    assert {p.name for p in GENERATED.glob("*.py")} == set(generated.files)


def test_regenerating_twice_is_byte_identical(generated: Generated) -> None:
    ours = {name: text.encode() for name, text in generated.files.items()}
    assert ours == generated.other_process


def test_generated_output_equals_committed_files(generated: Generated) -> None:
    for name, text in generated.files.items():
        assert (GENERATED / name).read_bytes() == text.encode(), f"{name} is stale: run `make generate`"


def test_every_generated_file_starts_with_the_header() -> None:
    assert "@generated" in generate.HEADER
    assert "do not edit" in generate.HEADER
    assert "make generate" in generate.HEADER
    for path in sorted(GENERATED.glob("*.py")):
        first_line = path.read_text().splitlines()[0]
        assert first_line == generate.HEADER, path.name


@pytest.fixture
def fast_main(generated: Generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` with bundling and rendering replaced by the fixture's real results.

    Rendering costs seconds; the fixture already rendered the real schema twice, so `main`'s
    own logic (compare, report, write, clean up) is run on those results.
    """
    monkeypatch.setattr(generate, "bundle", lambda schema_dir: generated.doc)
    monkeypatch.setattr(generate, "render", lambda doc: generated.raw)
    monkeypatch.setattr(generate, "formatted", lambda files: generated.files)


def committed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "_generated"
    shutil.copytree(GENERATED, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.usefixtures("fast_main")
def test_check_passes_on_the_committed_tree() -> None:
    # `main` compares the real render (made by the fixture) with livevox_async/_generated/;
    # `make check` runs the same command unpatched.
    assert generate.main(["--check"]) == 0


@pytest.mark.usefixtures("fast_main")
def test_check_on_a_pristine_copy(tmp_path: Path) -> None:
    assert generate.main(["--check", "--output", str(committed_copy(tmp_path))]) == 0


@pytest.mark.usefixtures("fast_main")
@pytest.mark.parametrize(
    ("spoil", "stale_name"),
    [
        (
            lambda d: (d / "resources.py").write_text((d / "resources.py").read_text() + "# hand edit\n"),
            "resources.py",
        ),
        (
            lambda d: (d / "models.py").write_text(
                (d / "models.py").read_text().replace("wrapUpTime", "wrapup")
            ),
            "models.py",
        ),
        (lambda d: (d / "operations.py").unlink(), "operations.py"),
        (lambda d: (d / "old_module.py").write_text("# left over\n"), "old_module.py"),
    ],
    ids=["edited", "changed", "missing", "extra"],
)
def test_check_fails_when_generated_code_is_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spoil: Any, stale_name: str
) -> None:
    output = committed_copy(tmp_path)
    spoil(output)
    assert generate.main(["--check", "--output", str(output)]) == 1
    err = capsys.readouterr().err
    assert "generated code is stale" in err
    assert stale_name in err


@pytest.mark.usefixtures("fast_main")
def test_generate_writes_into_an_output_directory(tmp_path: Path, generated: Generated) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "old_module.py").write_text("# left over\n")
    assert generate.main(["--output", str(output)]) == 0
    assert {p.name for p in output.glob("*.py")} == set(generated.files)  # the stale module is gone
    for name, text in generated.files.items():
        assert (output / name).read_text() == text


def test_check_reports_a_malformed_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema_dir = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, schema_dir)
    (schema_dir / "agents.yaml").unlink()
    assert generate.main(["--check", "--schema-dir", str(schema_dir)]) == 1
    assert "agents.yaml: listed in x-livevox-families but missing" in capsys.readouterr().err


def test_snake_case() -> None:
    assert generate.snake("callCenter") == "call_center"
    assert generate.snake("acdScheduledCallbackPhReadonly") == "acd_scheduled_callback_ph_readonly"
    assert generate.snake("customOutcome1") == "custom_outcome1"
    assert generate.snake("id") == "id"


# --- the operation table matches the schema ------------------------------------------


PY_TYPES = {"integer": int, "string": str, "boolean": bool, "number": float}


def test_operations_table_matches_schema(generated: Generated) -> None:
    doc = generated.doc
    seen = []
    for path, method, op, path_params in operations(doc):
        generated_op = OPERATIONS[op["operationId"]]
        seen.append(op["operationId"])
        assert isinstance(generated_op, Operation)
        assert generated_op.id == op["operationId"]
        assert generated_op.method == method.upper()
        assert generated_op.path == path
        assert generated_op.summary == op["summary"]
        assert generated_op.agent_allowed is op["x-livevox-agent-allowed"]
        assert generated_op.roles == frozenset(op["x-livevox-roles"])
        assert generated_op.manager_power == op.get("x-livevox-manager-power")
        assert generated_op.idempotent is op["x-livevox-idempotent"]
        assert generated_op.session_required is op.get("x-livevox-session-required", True)
        assert generated_op.evidence == op["x-livevox-evidence"]
        assert generated_op.source == " ".join(op["x-livevox-source"].split())
        assert generated_op.list_key == op.get("x-livevox-list-key")
        params = [resolve(doc, p) for p in [*path_params, *op.get("parameters", [])]]
        assert [(p.wire, p.location, p.required, p.type, p.secret) for p in generated_op.params] == [
            (
                p["name"],
                p["in"],
                bool(p.get("required")),
                PY_TYPES[p["schema"]["type"]],
                bool(p.get("x-livevox-secret")),
            )
            for p in params
        ]
        assert [p.name for p in generated_op.params] == [generate.snake(p["name"]) for p in params]
        responses = op["responses"]
        expected_status = 201 if "201" in responses else 204 if "204" in responses else 200
        assert generated_op.status == expected_status
        body = op.get("requestBody")
        if body is None:
            assert generated_op.body is None
        else:
            ref = body["content"]["application/json"]["schema"]["$ref"]
            assert generated_op.body is getattr(gen_models, ref.rsplit("/", 1)[1])
        wrapper = list_wrapper(doc, op)
        if wrapper is not None:
            assert generated_op.result is getattr(gen_models, wrapper[1]["$ref"].rsplit("/", 1)[1])
        elif expected_status == 200:
            content = resolve(doc, responses["200"]).get("content")
            if content:
                ref = content["application/json"]["schema"]["$ref"]
                assert generated_op.result is getattr(gen_models, ref.rsplit("/", 1)[1])
            else:
                assert generated_op.result is None
        else:
            assert generated_op.result is None
    assert seen == list(OPERATIONS)


def test_operation_constants() -> None:
    for op_id, op in OPERATIONS.items():
        const = op_id.upper().replace(".", "_")
        assert getattr(gen_operations, const) is op
        assert op.family == op_id.split(".")[0]
        assert op.name == op_id.split(".")[1]
        assert op.category in {"configuration", "session"}
        assert op.is_list is (op.list_key is not None)
        assert op.path_params() == tuple(p for p in op.params if p.location == "path")
        assert {p.wire for p in op.path_params()} == set(re.findall(r"{(\w+)}", op.path))


# --- the models match the schema ------------------------------------------------------


def expected_type(doc: dict[str, Any], node: dict[str, Any]) -> Any:
    if "$ref" in node:
        return getattr(gen_models, node["$ref"].rsplit("/", 1)[1])
    if node["type"] == "array":
        return list[expected_type(doc, node["items"])]  # type: ignore[misc]
    if node["type"] == "integer" and node.get("format") == "epoch-ms":
        return datetime
    assert "enum" not in node, "enums must be named schemas"
    return PY_TYPES[node["type"]]


def test_models_match_schema(generated: Generated) -> None:
    schemas = generated.doc["components"]["schemas"]
    checked_models = checked_enums = 0
    for name, schema in schemas.items():
        if "enum" in schema:
            cls = getattr(gen_models, name)
            assert issubclass(cls, LiveVoxEnum), name
            assert [m.value for m in cls] == schema["enum"], name
            assert name in gen_models.__all__
            checked_enums += 1
            continue
        if schema.get("type") != "object":
            continue
        cls = getattr(gen_models, name)
        assert attrs.has(cls), name
        assert name in gen_models.__all__
        fields = {f.metadata["wire"]: f for f in attrs.fields(cls)}
        assert list(fields) != [], name
        assert set(fields) == set(schema["properties"]), name
        hints = typing.get_type_hints(cls)
        required = set(schema.get("required", []))
        for wire, node in schema["properties"].items():
            field = fields[wire]
            python_name = generate.snake(wire) + ("_" if keyword.iskeyword(generate.snake(wire)) else "")
            assert field.name == python_name, (name, wire)
            inner = expected_type(generated.doc, node)
            if wire in required:
                assert field.default is attrs.NOTHING, (name, wire)
                assert hints[field.name] == inner, (name, wire)
            else:
                assert field.default is UnsetType.UNSET, (name, wire)
                assert hints[field.name] == inner | UnsetType, (name, wire)
            assert field.repr is (not node.get("x-livevox-secret", False)), (name, wire)
        checked_models += 1
    assert checked_models >= 60
    assert checked_enums >= 5


# --- resources: one typed method per operation ---------------------------------------


def family_classes() -> dict[str, type[Resource]]:
    hints = typing.get_type_hints(Resources)
    return {name: cls for name, cls in hints.items() if name != "raw"}  # lv.raw: tests/fidelity


def test_resources_cover_every_family() -> None:
    families = {op.family for op in NON_SESSION}
    classes = family_classes()
    assert set(classes) == families
    assert "session" not in classes
    for family, cls in classes.items():
        assert issubclass(cls, Resource), family
        assert cls.__name__ == "".join(part.title() for part in family.split("_"))
        assert getattr(gen_resources, cls.__name__) is cls


def test_every_operation_has_its_method_and_nothing_else() -> None:
    for family, cls in family_classes().items():
        expected = {op.name for op in NON_SESSION if op.family == family}
        public = {
            name
            for name, value in vars(cls).items()
            if not name.startswith("_") and inspect.isfunction(value)
        }
        assert public == expected, family


@pytest.mark.parametrize("op", NON_SESSION, ids=lambda op: op.id)
def test_method_signature_matches_operation(op: Operation) -> None:
    cls = family_classes()[op.family]
    method = getattr(cls, op.name)
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    params = list(signature.parameters.values())
    assert params[0].name == "self"
    params = params[1:]

    positional = [p for p in params if p.kind is inspect.Parameter.POSITIONAL_ONLY]
    keyword = {p.name: p for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert len(positional) + len(keyword) == len(params)  # nothing positional-or-keyword, no *args

    expected_positional = [(p.name, p.type) for p in op.path_params()]
    if op.body is not None:
        expected_positional.append(("criteria" if op.is_list else "body", op.body))
    assert [(p.name, hints[p.name]) for p in positional] == expected_positional
    assert all(p.default is inspect.Parameter.empty for p in positional)

    query = [p for p in op.query_params() if p.wire not in {"count", "offset"}]
    extra = ["page_size", "max_items", "options"] if op.is_list else ["options"]
    assert set(keyword) == {p.name for p in query} | set(extra)
    for p in query:
        if p.required:
            assert keyword[p.name].default is inspect.Parameter.empty, p.name
            assert hints[p.name] is p.type
        else:
            assert keyword[p.name].default is None, p.name
            assert hints[p.name] == p.type | None
    assert keyword["options"].default is None
    assert hints["options"] == RequestOptions | None

    if op.is_list:
        assert not inspect.iscoroutinefunction(method)
        assert keyword["page_size"].default == 1000
        assert keyword["max_items"].default is None
        assert hints["return"] == Paginator[op.result]  # type: ignore[name-defined]
    else:
        assert inspect.iscoroutinefunction(method)
        expected_return = {201: int, 204: type(None)}.get(op.status, op.result)
        assert hints["return"] is expected_return


def test_signature_examples() -> None:
    read = inspect.signature(gen_resources.Agents.read)
    assert list(read.parameters) == ["self", "id", "options"]
    assert read.parameters["id"].kind is inspect.Parameter.POSITIONAL_ONLY
    assert typing.get_type_hints(gen_resources.Agents.read)["return"] is gen_models.Agent

    assert typing.get_type_hints(gen_resources.Agents.list)["return"] == Paginator[gen_models.AgentSummary]

    create = inspect.signature(gen_resources.Services.create)
    for name in ("service", "name"):
        assert create.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert create.parameters[name].default is inspect.Parameter.empty
    hints = typing.get_type_hints(gen_resources.Services.create)
    assert (hints["service"], hints["name"], hints["return"]) == (int, str, int)

    tc_create = inspect.signature(gen_resources.TermCodes.create)
    assert list(tc_create.parameters) == ["self", "body", "options"]
    assert tc_create.parameters["body"].kind is inspect.Parameter.POSITIONAL_ONLY
    hints = typing.get_type_hints(gen_resources.TermCodes.create)
    assert hints["body"] is gen_models.TermCodeCreate
    assert hints["return"] is int

    add = inspect.signature(gen_resources.Agents.add_service)
    assert list(add.parameters) == ["self", "id", "service_id", "options"]
    assert typing.get_type_hints(gen_resources.Agents.add_service)["return"] is type(None)

    services_list = inspect.signature(gen_resources.Services.list)
    assert [n for n, p in services_list.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY] == [
        "call_center",
        "client",
        "page_size",
        "max_items",
        "options",
    ]


# --- the runtime seam -----------------------------------------------------------------


@attrs.frozen
class Call:
    kind: str
    op: Operation
    model: Any
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any
    options: Any
    page_size: int | None = None
    max_items: int | None = None


CREATED_ID = 4242
FETCHED = object()
PAGINATOR = object()
SENT = WireAnswer(200, {"raw": True})


class RecordingRuntime:
    """Implements the `Runtime` methods; records every call."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    async def fetch(
        self,
        op: Operation,
        model: Any,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> Any:
        self.calls.append(Call("fetch", op, model, dict(path), dict(query), body, options))
        return FETCHED

    async def create(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> int:
        self.calls.append(Call("create", op, None, dict(path), dict(query), body, options))
        return CREATED_ID

    async def execute(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> None:
        self.calls.append(Call("execute", op, None, dict(path), dict(query), body, options))

    def paginate(
        self,
        op: Operation,
        item: Any,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        page_size: int = 1000,
        max_items: int | None = None,
        options: RequestOptions | None = None,
    ) -> Any:
        self.calls.append(
            Call("paginate", op, item, dict(path), dict(query), body, options, page_size, max_items)
        )
        return PAGINATOR

    async def send(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> WireAnswer:
        self.calls.append(Call("send", op, None, dict(path), dict(query), body, options))
        return SENT


def test_recorder_implements_the_runtime_protocol() -> None:
    for name in ("fetch", "create", "execute", "paginate", "send"):
        ours = inspect.signature(getattr(RecordingRuntime, name))
        theirs = inspect.signature(getattr(Runtime, name))
        assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
            (p.name, p.kind, p.default) for p in theirs.parameters.values()
        ], name
        assert inspect.iscoroutinefunction(getattr(RecordingRuntime, name)) == inspect.iscoroutinefunction(
            getattr(Runtime, name)
        )


@pytest.fixture
def bound() -> tuple[Resources, RecordingRuntime]:
    recorder = RecordingRuntime()
    resources = Resources()
    resources._bind_resources(recorder)
    return resources, recorder


async def test_agents_read(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    assert await r.agents.read(5) is FETCHED
    assert recorder.calls == [
        Call("fetch", gen_operations.AGENTS_READ, gen_models.Agent, {"id": 5}, {}, None, None)
    ]


async def test_agents_add_service(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    added: Awaitable[object] = r.agents.add_service(1, 2)  # annotated None; check what it really returns
    assert await added is None
    assert recorder.calls == [
        Call("execute", gen_operations.AGENTS_ADD_SERVICE, None, {"id": 1, "serviceId": 2}, {}, None, None)
    ]


def test_services_list(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    assert r.services.list(call_center=7) is PAGINATOR
    assert recorder.calls == [
        Call(
            "paginate",
            gen_operations.SERVICES_LIST,
            gen_models.ServiceSummary,
            {},
            {"callCenter": 7, "client": None},
            None,
            None,
            1000,
            None,
        )
    ]


async def test_create_passes_the_body_model(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    body = gen_models.TermCodeCreate(
        name="Deceased",
        service_id=20575,
        term_category_id=17296,
        lv_result_id=725,
        action=gen_models.TermCodeAction.DISCONNECT_CALL,
        report_order=20,
    )
    options = RequestOptions(timeout=5)
    assert await r.term_codes.create(body, options=options) == CREATED_ID
    (call,) = recorder.calls
    assert call == Call("create", gen_operations.TERM_CODES_CREATE, None, {}, {}, body, options)
    assert call.body is body
    assert call.options is options


async def test_service_create_by_copy(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    assert await r.services.create(service=20575, name="Copy") == CREATED_ID
    assert recorder.calls == [
        Call(
            "create", gen_operations.SERVICES_CREATE, None, {}, {"service": 20575, "name": "Copy"}, None, None
        )
    ]


def test_search_passes_criteria_and_paging(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    criteria = gen_models.AgentSearch(login_id="JSMITH")
    assert r.agents.search(criteria, page_size=50, max_items=7) is PAGINATOR
    assert recorder.calls == [
        Call("paginate", gen_operations.AGENTS_SEARCH, gen_models.AgentSummary, {}, {}, criteria, None, 50, 7)
    ]


def test_resources_are_bound_to_the_runtime(bound: tuple[Resources, RecordingRuntime]) -> None:
    r, recorder = bound
    for family, cls in family_classes().items():
        resource = getattr(r, family)
        assert type(resource) is cls
        assert resource._runtime is recorder
        assert repr(resource) == f"<{cls.__name__} resource>"


@pytest.mark.parametrize("op", NON_SESSION, ids=lambda op: op.id)
async def test_every_method_hands_its_operation_to_the_runtime(
    bound: tuple[Resources, RecordingRuntime], op: Operation
) -> None:
    r, recorder = bound
    method = getattr(getattr(r, op.family), op.name)
    path_values = {p.wire: 100 + i for i, p in enumerate(op.path_params())}
    args: list[Any] = list(path_values.values())
    body = object() if op.body is not None else None
    if body is not None:
        args.append(body)
    query = [p for p in op.query_params() if p.wire not in {"count", "offset"}]
    query_values = {p.wire: (7 if p.type is int else "x") for p in query if p.required}
    kwargs: dict[str, Any] = {p.name: query_values[p.wire] for p in query if p.required}
    options = RequestOptions(timeout=3)

    result = method(*args, **kwargs, options=options)
    if not op.is_list:
        assert isinstance(result, types.CoroutineType)
        result = await result

    (call,) = recorder.calls
    assert call.op is op
    assert call.path == path_values
    assert call.query == {p.wire: query_values.get(p.wire) for p in query}
    assert call.body is body
    assert call.options is options
    if op.is_list:
        assert (call.kind, call.model, result) == ("paginate", op.result, PAGINATOR)
        assert (call.page_size, call.max_items) == (1000, None)
    elif op.status == 201:
        assert (call.kind, call.model, result) == ("create", None, CREATED_ID)
    elif op.status == 204:
        assert (call.kind, call.model, result) == ("execute", None, None)
    else:
        assert (call.kind, call.model, result) == ("fetch", op.result, FETCHED)
        assert op.result is not None


@pytest.mark.parametrize("op", NON_SESSION, ids=lambda op: op.id)
async def test_every_raw_method_sends_its_operation_with_the_same_arguments(
    bound: tuple[Resources, RecordingRuntime], op: Operation
) -> None:
    r, recorder = bound
    method = getattr(getattr(r.raw, op.family), op.name)
    path_values = {p.wire: 100 + i for i, p in enumerate(op.path_params())}
    args: list[Any] = list(path_values.values())
    body = {"any": "mapping"} if op.body is not None else None
    if body is not None:
        args.append(body)
    query = [p for p in op.query_params() if p.wire not in {"count", "offset"}]
    kwargs: dict[str, Any] = {p.name: (7 if p.type is int else "x") for p in query if p.required}
    paging = {"count": 5, "offset": 10} if op.is_list else {}
    options = RequestOptions(timeout=3)

    assert await method(*args, **kwargs, **paging, options=options) == SENT.data

    (call,) = recorder.calls
    assert (call.kind, call.op, call.path, call.body, call.options) == (
        "send",
        op,
        path_values,
        body,
        options,
    )
    assert call.query == {p.wire: kwargs.get(p.name) for p in query} | paging
