"""Models ⇄ wire JSON: the one cattrs converter every request and answer goes through.

- field names: each model field keeps its camelCase wire name in `metadata["wire"]`;
- `UNSET` fields are left out of what is sent; an absent key (or `null`) decodes as `UNSET`;
- dates are epoch milliseconds on the wire, aware UTC `datetime`s in Python;
- enums accept values this SDK does not know yet (`LiveVoxEnum`);
- wire types are checked, not coerced: `"12"` is not an `int`, `1` is not a `bool`;
- unknown keys in answers are ignored.

    >>> from livevox_async.models import AgentUpdate
    >>> to_json(AgentUpdate(phone="5551234", wrap_up_time=-1))
    b'{"phone":"5551234","wrapUpTime":-1}'
    >>> from_json(b'{"size": 3, "lastModified": 1337586262000}', ListInfo).last_modified.year
    2012

Decoding failures raise `DecodeError` whose `problems` name the JSON path of each
mismatch (`$.agent[3].id: expected int, got str`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import attrs
import orjson
from cattrs import ClassValidationError, IterableValidationError
from cattrs.cols import is_sequence, list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.orjson import make_converter

from ._enum import LiveVoxEnum
from ._exceptions import DecodeError
from ._unset import UNSET, UnsetType

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)

converter = make_converter(detailed_validation=True, forbid_extra_keys=False)


def _strict(expected: type[Any], *also: type[Any]) -> Callable[[Any, Any], Any]:
    allowed = (expected, *also)

    def structure(value: Any, _: Any) -> Any:
        if type(value) in allowed:
            return value
        raise TypeError(f"expected {expected.__name__}, got {type(value).__name__}")

    return structure


for _type, _also in ((int, ()), (str, ()), (bool, ()), (float, (int,))):
    converter.register_structure_hook(_type, _strict(_type, *_also))


def _structure_datetime(value: Any, _: Any) -> datetime:
    if type(value) is not int:
        raise TypeError(f"expected epoch milliseconds (int), got {type(value).__name__}")
    return EPOCH + value * ONE_MS


def _unstructure_datetime(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("naive datetime: give LiveVox dates a timezone (e.g. tzinfo=UTC)")
    return (value - EPOCH) // ONE_MS


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, _unstructure_datetime)


def _structure_enum(value: Any, cls: type[LiveVoxEnum]) -> LiveVoxEnum:
    if type(value) is not str:
        raise TypeError(f"expected a {cls.__name__} string, got {type(value).__name__}")
    return cls(value)


# Registered on the base class: dispatch is by MRO, so this wins over the `str` hook.
converter.register_structure_hook(LiveVoxEnum, _structure_enum)
converter.register_unstructure_hook(LiveVoxEnum, lambda v: v._value_)


def _is_list(t: Any) -> bool:
    return is_sequence(t) and typing.get_origin(t) is list


def _strict_list(t: Any, conv: Any) -> Callable[[Any, Any], Any]:
    structure_items = list_structure_factory(t, conv)

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not list:
            raise TypeError(f"expected a JSON array, got {type(value).__name__}")
        return structure_items(value, t)

    return structure


converter.register_structure_hook_factory(_is_list, _strict_list)


def _is_unset_union(t: Any) -> bool:
    return isinstance(t, types.UnionType) and UnsetType in typing.get_args(t)


def _structure_unset_union(t: Any, conv: Any) -> Callable[[Any, Any], Any]:
    rest = [a for a in typing.get_args(t) if a is not UnsetType]
    inner: Any = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    inner_hook = conv.get_structure_hook(inner)
    accepts_none = type(None) in rest

    def structure(value: Any, _: Any) -> Any:
        if value is None and not accepts_none:
            return UNSET
        return inner_hook(value, inner)

    return structure


converter.register_structure_hook_factory(_is_unset_union, _structure_unset_union)


def _wire_names(cls: type[Any]) -> dict[str, Any]:
    return {a.name: override(rename=a.metadata.get("wire", a.name)) for a in attrs.fields(cls)}


def _structure_model(cls: type[Any], conv: Any) -> Callable[[Any, Any], Any]:
    structure_fields = make_dict_structure_fn(cls, conv, **_wire_names(cls))

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise TypeError(f"expected a JSON object, got {type(value).__name__}")
        return structure_fields(value, cls)

    return structure


converter.register_structure_hook_factory(attrs.has, _structure_model)
converter.register_unstructure_hook_factory(
    attrs.has,
    lambda cls, conv: make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **_wire_names(cls)),
)


def _problems(exc: BaseException, path: str) -> list[str]:
    """Each leaf error of a cattrs exception group, at its JSON path (wire names)."""
    if isinstance(exc, ClassValidationError):
        wire = {a.name: a.metadata.get("wire", a.name) for a in attrs.fields(exc.cl)}
        with_notes, without = exc.group_exceptions()
        found = [p for inner, note in with_notes for p in _problems(inner, f"{path}.{wire[note.name]}")]
        return found + [p for inner in without for p in _problems(inner, path)]
    if isinstance(exc, IterableValidationError):
        with_indices, others = exc.group_exceptions()
        found = [p for inner, note in with_indices for p in _problems(inner, f"{path}[{note.index}]")]
        return found + [p for inner in others for p in _problems(inner, path)]
    if isinstance(exc, KeyError):
        return [f"{path}: required field missing"]
    if isinstance(exc, BaseExceptionGroup):
        return [p for inner in exc.exceptions for p in _problems(inner, path)]
    return [f"{path}: {exc}"]


def structure(data: Any, cls: Any, *, path: str = "$") -> Any:
    """Decode already-parsed JSON into `cls`; raise `DecodeError` naming each bad path."""
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, TypeError, ValueError, KeyError) as exc:
        raise DecodeError("answer does not match the schema", problems=_problems(exc, path)) from None


def unstructure(obj: Any) -> Any:
    """A model (or list of models) as wire JSON values, `UNSET` fields left out."""
    return converter.unstructure(obj)


def from_json(body: bytes, cls: type[T]) -> T:
    """Parse and decode a JSON body into a model."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"answer is not valid JSON ({exc.msg} at byte {exc.pos})") from None
    result: T = structure(data, cls)
    return result


def to_json(obj: Any) -> bytes:
    """A model as a JSON body."""
    return orjson.dumps(unstructure(obj))


__all__ = ["converter", "from_json", "structure", "to_json", "unstructure"]
