"""Hostile answers through the decoders (Hypothesis): a model, or a `DecodeError` whose problems
each name the JSON path at fault — never another exception, never the body itself."""

from __future__ import annotations

import json
import re
import types
import typing
from datetime import datetime
from typing import Any

import attrs
import orjson
import pytest
from faults_support import rendered
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from livevox_async import OPERATIONS, DecodeError, LiveVoxEnum, Page, UnsetType
from livevox_async._converter import from_json, structure, unstructure
from livevox_async._response import decode_page
from livevox_async._transport import HttpResponse, RequestContext
from livevox_async.models import (
    Agent,
    ListInfo,
    LoginResponse,
    ScreenPop,
    Service,
    ServiceSettings,
    TermCodeCreate,
)

MODELS: list[type[Any]] = [
    Agent,
    Service,
    ServiceSettings,
    ScreenPop,
    TermCodeCreate,
    ListInfo,
    LoginResponse,
]
PAGED = [OPERATIONS[op] for op in ("agents.list", "services.list", "screen_pops.list", "term_codes.list")]
BOUNDED = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BODY_CANARY = "BODY-CANARY-5e0d"
"""A value hidden in answers: an error must describe a body, never quote it."""
PROBLEM = re.compile(r"^\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*): (.+)$")
STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")


# -- strategies ------------------------------------------------------------------------------

huge_ints = st.integers(min_value=2**64, max_value=2**256) | st.integers(
    min_value=-(2**256), max_value=-(2**64)
)
odd_strings = st.sampled_from(
    [
        "NaN",
        "-Infinity",
        "Infinity",
        "1e999",
        "0x1F",
        "12",
        "-0",
        "true",
        "null",
        "",
        " ",
        "\x00",
        BODY_CANARY,
    ]
)
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_ints
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | odd_strings
)


def nest(depth: int, inner: Any, *, as_list: bool) -> Any:
    for _ in range(depth):
        inner = [inner] if as_list else {"a": inner}
    return inner


junk = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
deep = st.builds(nest, st.integers(50, 800), leaves, as_list=st.booleans())
"""Deep, but not so deep that `repr` (Hypothesis reporting a failure) would overflow; bodies go deeper."""
hostile = junk | deep


def _unwrap(tp: Any) -> Any:
    if isinstance(tp, types.UnionType) and UnsetType in typing.get_args(tp):
        rest = [a for a in typing.get_args(tp) if a is not UnsetType]
        return rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    return tp


def plausible(tp: Any) -> st.SearchStrategy[Any]:
    """Values of the wire type a field expects (edges included: huge ints, odd enum values)."""
    tp = _unwrap(tp)
    if attrs.has(tp):
        return model_dicts(tp)
    if typing.get_origin(tp) is list:
        return st.lists(plausible(typing.get_args(tp)[0]), max_size=4)
    if isinstance(tp, type) and issubclass(tp, LiveVoxEnum):
        return st.sampled_from([m.value for m in tp]) | st.text(max_size=12) | odd_strings
    if tp is datetime:
        return st.integers(min_value=-(2**53), max_value=2**53) | huge_ints
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers() | huge_ints
    if tp is float:
        return st.floats() | st.integers()
    if tp is str:
        return st.text(max_size=20) | odd_strings
    raise AssertionError(f"no strategy for {tp!r}")


def model_dicts(cls: type[Any], bad: st.SearchStrategy[Any] = hostile) -> st.SearchStrategy[dict[str, Any]]:
    """Objects shaped like `cls`: any field may be missing, null, of a wrong type, or `bad`;
    unknown keys may be added."""
    fields = attrs.fields(attrs.resolve_types(cls))
    optional = {f.metadata.get("wire", f.name): plausible(f.type) | st.none() | bad for f in fields}
    extra = st.dictionaries(st.text(max_size=10), bad, max_size=3)
    return st.builds(
        lambda known, more: {**more, **known}, st.fixed_dictionaries({}, optional=optional), extra
    )


def answers(cls: type[Any], bad: st.SearchStrategy[Any] = hostile) -> st.SearchStrategy[Any]:
    """What may arrive where a `cls` object is expected: the object, or anything at all."""
    return model_dicts(cls, bad) | bad


# -- what a decoder may do ----------------------------------------------------------------------


def _resolve(data: Any, path: str, message: str) -> None:
    """Assert that `path` points into `data` (or, for a missing field, at a key its object lacks)."""
    steps = [(key, index) for key, index in STEP.findall(path)]
    for number, (key, index) in enumerate(steps):
        last = number == len(steps) - 1
        if key:
            assert type(data) is dict, (path, "not an object")
            if last and message == "required field missing":
                assert key not in data, (path, "present")
                return
            assert key in data, (path, "no such key")
            data = data[key]
        else:
            assert type(data) is list, (path, "not an array")
            assert int(index) < len(data), (path, "no such index")
            data = data[int(index)]
    assert message != "required field missing", path


def check_problems(error: DecodeError, data: Any = None, *, base: str = "$") -> None:
    """Every problem names a JSON path (resolving into `data` when given); the body never shows."""
    assert BODY_CANARY not in rendered(error)
    for problem in error.problems:
        match = PROBLEM.match(problem)
        assert match, problem
        assert problem.startswith(base), problem
        if data is not None:
            _resolve(data, match.group(1), match.group(2))


def wire_of(data: Any, tp: Any) -> Any:
    """The wire JSON a faithful decode of `data` as `tp` encodes back to (nulls and unknown keys dropped)."""
    tp = _unwrap(tp)
    if attrs.has(tp):
        out = {}
        for f in attrs.fields(attrs.resolve_types(tp)):
            wire = f.metadata.get("wire", f.name)
            if data.get(wire) is not None:
                out[wire] = wire_of(data[wire], f.type)
        return out
    if typing.get_origin(tp) is list:
        return [wire_of(item, typing.get_args(tp)[0]) for item in data]
    return data


def decoded(decode: Any, *args: Any, **kwargs: Any) -> Any:
    """What `decode(*args)` gave: its result, or the `DecodeError` it raised."""
    try:
        return decode(*args, **kwargs)
    except DecodeError as error:
        return error


# -- the properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_structure_gives_a_model_or_a_decode_error_naming_the_path(
    cls: type[Any], data: st.DataObject
) -> None:
    value = data.draw(answers(cls))
    result = decoded(structure, value, cls)
    if isinstance(result, DecodeError):
        assert result.problems
        check_problems(result, value)
    else:
        assert type(result) is cls
        assert unstructure(result) == wire_of(value, cls)  # decoded faithfully, not coerced


def as_bytes(value: Any) -> bytes:
    """JSON text the way a sloppy server could write it: NaN, Infinity and 300-digit ints included."""
    return json.dumps(value, allow_nan=True).encode()


def bodies(cls: type[Any]) -> st.SearchStrategy[bytes]:
    """Bodies: documents (sloppy JSON included), cut anywhere, nested past any parser's limit, or noise."""
    documents = answers(cls, junk).map(as_bytes)
    truncated = st.builds(lambda doc, cut: doc[: int(len(doc) * cut)], documents, st.floats(0, 1))
    nested = st.builds(_nested, st.integers(1, 5000), st.booleans())
    return documents | truncated | nested | st.binary(max_size=300)


def _nested(depth: int, as_list: bool) -> bytes:
    opener, closer = (b"[", b"]") if as_list else (b'{"a":', b"}")
    return b'{"id": 1, "x": ' + opener * depth + b"1" + closer * depth + b"}"


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@BOUNDED
@given(data=st.data())
def test_from_json_gives_a_model_or_a_decode_error(cls: type[Any], data: st.DataObject) -> None:
    body = data.draw(bodies(cls))
    result = decoded(from_json, body, cls)
    if isinstance(result, DecodeError):
        check_problems(result, orjson.loads(body) if result.problems else None)
    else:
        assert type(result) is cls
        assert unstructure(result) == wire_of(orjson.loads(body), cls)


def page_bodies(op: Any) -> st.SearchStrategy[bytes]:
    """List answers: items of any shape, `next` of any type, or any body at all."""
    page = st.fixed_dictionaries(
        {},
        optional={
            op.list_key: st.lists(answers(op.result, junk), max_size=4) | junk,
            "next": st.none() | st.text(max_size=30) | junk,
        },
    )
    return page.map(as_bytes) | bodies(op.result)


@pytest.mark.parametrize("op", PAGED, ids=lambda op: op.id)
@BOUNDED
@given(data=st.data())
def test_decode_page_gives_a_page_or_a_decode_error_with_context(op: Any, data: st.DataObject) -> None:
    body = data.draw(page_bodies(op))
    content_type = data.draw(st.sampled_from(["application/json", "application/json; charset=utf-8", ""]))
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": content_type} if content_type else {}))
    context = RequestContext(op.id, op.method, op.path, "req-0123")
    result = decoded(decode_page, op, HttpResponse(200, headers, body), context, op.result, 40, 1000)
    if isinstance(result, DecodeError):
        check_problems(result, None if result.problems == () else orjson.loads(body))
        where = (result.status, result.length, result.request_id, result.operation, result.path)
        assert where == (200, len(body), "req-0123", op.id, op.path)
    else:
        assert isinstance(result, Page)
        assert result.offset == 40
        assert all(type(item) is op.result for item in result.items)
        assert len(result.raw) == len(result.items)


def test_a_page_whose_list_is_not_an_array_is_a_decode_error() -> None:
    # Only an absent key or null means "no items". A value of another type must be refused like
    # any wrong wire type, falsy or not: a page read as empty silently loses its items (an
    # export fetching pages by offset would write a family short by a page and not notice).
    op = OPERATIONS["agents.list"]
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))
    context = RequestContext(op.id, op.method, op.path, "req-0123")
    wrong: list[Any] = [{"id": 1}, "x", 7, True, {}, "", 0, 0.0, False]
    accepted = {}
    for value in wrong:
        body = orjson.dumps({"agent": value})
        result = decoded(decode_page, op, HttpResponse(200, headers, body), context, op.result, 0, 1000)
        if isinstance(result, DecodeError):
            assert result.problems == (f"$.agent: expected a JSON array, got {type(value).__name__}",)
        else:
            accepted[repr(value)] = result
    assert not accepted, f"pages whose item list is not an array, read as empty: {accepted}"


def test_a_page_longer_than_asked_is_refused_before_its_items_are_decoded() -> None:
    # 3 items for count=2: refused whatever the items are (these would not decode either), so
    # a page of millions of items costs no decoding at all.
    op = OPERATIONS["agents.list"]
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))
    context = RequestContext(op.id, op.method, op.path, "req-0123")
    body = orjson.dumps({"agent": ["not", "an", "agent"]})
    result = decoded(decode_page, op, HttpResponse(200, headers, body), context, op.result, 0, 2)
    assert isinstance(result, DecodeError)
    assert result.problems == ("$.agent: 3 items for count=2",)
    assert (result.operation, result.request_id, result.length) == ("agents.list", "req-0123", len(body))
    exact = decoded(
        decode_page, op, HttpResponse(200, headers, orjson.dumps({"agent": []})), context, op.result, 0, 2
    )
    assert isinstance(exact, Page)
