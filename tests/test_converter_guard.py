"""The compiled decoder: it skips `__init__` only where that is sound, and shows its code.

`_converter._compile_model` makes model instances with `object.__new__` and sets each
field, which skips whatever `__init__` would run. These tests fail when a generated
model gains a validator, converter, `on_setattr` hook, `__attrs_post_init__` (or becomes
frozen), and check that a class with one is decoded through its `__init__` instead.
"""

from __future__ import annotations

import inspect
import traceback
from typing import Any

import attrs
import pytest

from livevox_async import DecodeError, models
from livevox_async._converter import converter, init_hooks, structure
from livevox_async.models import Agent, ListInfo

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


def test_a_failing_hook_called_from_compiled_code_shows_the_calling_line() -> None:
    with pytest.raises(TypeError, match="expected epoch milliseconds") as caught:
        converter.structure({"id": 1, "passwordLastModified": "yesterday"}, Agent)
    text = "".join(traceback.format_exception(caught.value))
    assert 'File "<livevox structure Agent #' in text
    assert "inst.password_last_modified = hook" in text


def test_two_classes_of_one_name_get_two_sources() -> None:
    def make() -> type[Any]:
        @attrs.define
        class Twin:
            n: int

        return Twin

    first, second = make(), make()
    assert compiled_filename(first) != compiled_filename(second)
