"""The compiled decoder: it skips `__init__` only where that is sound, and shows its code.

`_converter._compile_model` makes model instances with `object.__new__` and sets each
field, which skips whatever `__init__` would run. These tests fail when a generated
model gains a validator, converter, `on_setattr` hook, `__attrs_post_init__` (or becomes
frozen), and check that a class with one is decoded through its `__init__` instead.
"""

from __future__ import annotations

import gc
import inspect
import linecache
import traceback
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

from livevox_async import UNSET, DecodeError, UnsetType, models
from livevox_async._converter import EPOCH, converter, init_hooks, structure
from livevox_async.models import Agent, ListInfo, TermCodeAction

MODELS = [cls for name in models.__all__ if attrs.has(cls := getattr(models, name))]


def compiled_filename(cls: type[Any]) -> str:
    return inspect.getsourcefile(converter.get_structure_hook(cls)) or ""


def test_the_generated_models_are_many() -> None:
    assert len(MODELS) > 50  # the list below is not empty by mistake


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_no_generated_model_has_what_skipping_init_would_lose(cls: type[Any]) -> None:
    assert init_hooks(cls) == []
    assert compiled_filename(cls).startswith("<livevox structure ")  # decoded by compiled code


@attrs.define
class Checked:
    count: int = attrs.field(validator=attrs.validators.ge(0))


def _stripped(value: str) -> str:
    return value.strip()


@attrs.define
class Normalised:
    name: str = attrs.field(converter=_stripped)


@attrs.define
class Counted:
    size: int
    made: list[int] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        self.made.append(self.size)


@attrs.frozen
class Frozen:
    size: int


@pytest.mark.parametrize(
    ("cls", "hooks"),
    [
        (Checked, ["count: validator"]),
        (Normalised, ["name: converter", "__setattr__ (frozen, or on_setattr hooks)"]),
        (Counted, ["__attrs_post_init__"]),
        (Frozen, ["__setattr__ (frozen, or on_setattr hooks)"]),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_a_class_with_init_hooks_is_named_and_decoded_through_init(cls: type[Any], hooks: list[str]) -> None:
    assert init_hooks(cls)[: len(hooks)] == hooks
    assert not compiled_filename(cls).startswith("<livevox structure ")


def test_a_validator_runs_when_its_class_is_decoded() -> None:
    assert structure({"count": 3}, Checked) == Checked(3)
    with pytest.raises(DecodeError) as caught:
        structure({"count": -1}, Checked)
    assert caught.value.problems == ("$: 'count' must be >= 0: -1",)


def test_a_converter_and_a_post_init_run_when_their_classes_are_decoded() -> None:
    assert structure({"name": "  x "}, Normalised).name == "x"
    assert structure({"size": 2}, Counted).made == [2]
    assert structure({"size": 2}, Frozen) == Frozen(2)


def test_a_mismatch_inside_compiled_code_shows_its_source_line() -> None:
    with pytest.raises(TypeError) as caught:
        converter.structure({"size": "3"}, ListInfo)
    frames = traceback.extract_tb(caught.value.__traceback__)
    compiled = [f for f in frames if f.filename.startswith("<livevox structure ListInfo")]
    assert [f.line for f in compiled] == ["raise TypeError"]


@attrs.define
class Tagged:
    tags: list[str]


@attrs.define
class Outer:
    inner: list[Tagged]


def test_a_failure_in_a_nested_model_shows_both_compiled_lines() -> None:
    with pytest.raises(TypeError) as caught:
        converter.structure({"inner": [{"tags": ["a", 1]}]}, Outer)
    text = "".join(traceback.format_exception(caught.value))
    assert 'File "<livevox structure Outer #' in text
    assert "inst.inner = [item_hook0(e, item0) for e in v]" in text
    assert 'File "<livevox structure Tagged #' in text
    assert "line 10, in structure\n    raise TypeError" in text  # the check of each tag


def test_a_date_of_the_wrong_type_fails_in_compiled_code() -> None:
    with pytest.raises(TypeError) as caught:
        converter.structure({"id": 1, "passwordLastModified": "yesterday"}, Agent)
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert [f.line for f in frames if f.filename.startswith("<livevox structure Agent")] == [
        "raise TypeError"
    ]
    with pytest.raises(DecodeError) as explained:
        structure({"id": 1, "passwordLastModified": "yesterday"}, Agent)
    assert explained.value.problems == ("$.passwordLastModified: expected epoch milliseconds (int), got str",)


def test_two_classes_of_one_name_get_two_sources() -> None:
    def make() -> type[Any]:
        @attrs.define
        class Twin:
            n: int

        return Twin

    first, second = make(), make()
    assert compiled_filename(first) != compiled_filename(second)


@attrs.define
class Point:
    """Flat: built inline in the loop over a list of them."""

    at: datetime
    kind: TermCodeAction | UnsetType = UNSET
    weight: float | UnsetType = UNSET
    note: str | UnsetType | None = UNSET


@attrs.define
class Track:
    points: list[Point]


def test_every_kind_of_field_in_a_list_of_flat_models() -> None:
    data = {
        "points": [
            {"at": 0, "kind": "DISCONNECT_CALL", "weight": 1, "note": None},
            {"at": 1000, "kind": "SOMETHING_NEW", "weight": 0.5, "note": "x"},
            {"at": -1},
        ]
    }
    points = structure(data, Track).points
    assert [p.at for p in points] == [EPOCH, EPOCH + timedelta(seconds=1), EPOCH - timedelta(milliseconds=1)]
    assert points[0].kind is TermCodeAction.DISCONNECT_CALL
    assert (points[1].kind, points[1].kind.is_known) == ("SOMETHING_NEW", False)
    assert [p.weight for p in points] == [1, 0.5, UNSET]
    assert [p.note for p in points] == [None, "x", UNSET]  # null is a value here; absent is UNSET


@pytest.mark.parametrize(
    ("point", "problem"),
    [
        ({"at": True}, "$.points[0].at: expected epoch milliseconds (int), got bool"),
        ({"at": 0, "kind": 3}, "$.points[0].kind: expected a TermCodeAction string, got int"),
        ({"at": 0, "weight": "1"}, "$.points[0].weight: expected float, got str"),
        ({"at": 0, "weight": False}, "$.points[0].weight: expected float, got bool"),
        ({"at": 0, "note": 7}, "$.points[0].note: expected str, got int"),
        ({"kind": "DISCONNECT_CALL"}, "$.points[0].at: required field missing"),
        ("point", "$.points[0]: expected a JSON object, got str"),
    ],
)
def test_a_wrong_value_in_a_flat_model_is_named_by_its_path(point: Any, problem: str) -> None:
    with pytest.raises(DecodeError) as caught:
        structure({"points": [point]}, Track)
    assert caught.value.problems == (problem,)


def test_a_list_of_flat_models_is_built_inside_the_loop() -> None:
    source = "".join(linecache.getlines(compiled_filename(Track)))
    assert "    x = new(item0)" in source
    assert "item_hook" not in source  # no call per item


def test_a_list_of_models_is_one_compiled_loop() -> None:
    source = "".join(linecache.getlines(compiled_filename(list[Agent])))
    assert compiled_filename(list[Agent]).startswith("<livevox structure list[Agent] #")
    assert "    for o in data:\n        if o.__class__ is not dict:\n" in source
    assert "        append(inst)\n" in source  # each Agent built in the loop, no call per item
    assert not compiled_filename(list[Checked]).startswith("<livevox structure ")  # through __init__
    assert structure([{"count": 2}], list[Checked]) == [Checked(2)]
    with pytest.raises(DecodeError) as caught:
        structure([{"id": 1}, {"id": "2"}, 3], list[Agent])
    assert caught.value.problems == (
        "$[1].id: expected int, got str",
        "$[2]: expected a JSON object, got int",
    )


collecting_seen: list[bool] = []


@attrs.define
class Recorder:
    """Decoded through `__init__`: its post-init sees whether the collector runs."""

    n: int

    def __attrs_post_init__(self) -> None:
        collecting_seen.append(gc.isenabled())


def test_the_collector_is_paused_while_models_are_built_and_resumed_as_it_was() -> None:
    collecting_seen.clear()
    was = gc.isenabled()
    try:
        gc.enable()
        assert [r.n for r in structure([{"n": 1}, {"n": 2}], list[Recorder])] == [1, 2]
        assert collecting_seen == [False, False]
        assert gc.isenabled()
        with pytest.raises(DecodeError):
            structure([{"n": 1}, {"n": "2"}], list[Recorder])
        assert gc.isenabled()  # resumed after a failure too
        gc.disable()
        structure([{"n": 3}], list[Recorder])
        assert not gc.isenabled()  # paused by someone else: left paused
        assert collecting_seen[-1] is False
    finally:
        (gc.enable if was else gc.disable)()
