"""Compare a JSON answer with the model the schema gives it, recursively, keeping no value.

A `Deviation` says what differs and where (a JSON path with list indices folded to
`[]`), in the schema's words and JSON type names only: never a value from the answer,
except an enum value the schema does not list (which is vocabulary, and shown only when
it looks like an enum token).

    >>> from livevox_async.models import IdRef
    >>> [str(d) for d in deviations({"id": "7", "name": "x"}, IdRef)]
    ['type $.id: expected integer, found string', 'unknown key $.name (string)']
"""

from __future__ import annotations

import re
import types
import typing
from datetime import datetime
from typing import Any, Literal

import attrs

from .._enum import LiveVoxEnum
from .._unset import UnsetType

DeviationKind = Literal["unknown_key", "missing_key", "type", "enum", "list_key", "status", "not_json"]
SHOWN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
"""A key name shown as it is; any other (digits, spaces, …: perhaps data) is masked."""
SHOWN_ENUM = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
"""An unknown enum value shown as it is: an upper-case token like LiveVox's enums."""
HIDDEN = "<not shown>"


@attrs.frozen(order=True)
class Deviation:
    """One way an answer differs from the schema."""

    kind: DeviationKind
    path: str
    """Where, as a JSON path (`$.agent[].loginId`)."""
    expected: str | None = None
    """What the schema says (a JSON type, a status, a list key)."""
    found: str | None = None
    """What came (a JSON type, a status, a key; an unknown enum value)."""

    def __str__(self) -> str:
        kind = self.kind.replace("_", " ")
        if self.kind == "unknown_key":
            return f"{kind} {self.path} ({self.found})"
        if self.kind == "missing_key":
            return f"{kind} {self.path}"
        return f"{kind} {self.path}: expected {self.expected}, found {self.found}"

    def as_json(self) -> dict[str, str]:
        shown = {"kind": self.kind, "path": self.path, "expected": self.expected, "found": self.found}
        return {k: v for k, v in shown.items() if v is not None}


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value."""
    if value is None:
        return "null"
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if type(value) is kind:
            return name
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "unknown"


def key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if SHOWN_KEY.fullmatch(key) else f"{path}.{HIDDEN}"


_FIELDS: dict[type[Any], list[tuple[str, Any, bool]]] = {}


def fields_of(model: type[Any]) -> list[tuple[str, Any, bool]]:
    """(wire name, type without UnsetType, required) of each field of a generated model."""
    if model not in _FIELDS:
        hints = typing.get_type_hints(model)
        found = []
        for field in attrs.fields(model):
            hint = hints[field.name]
            args = typing.get_args(hint) if isinstance(hint, types.UnionType) else ()
            rest = [a for a in args if a is not UnsetType]
            inner = hint if UnsetType not in args else (rest[0] if len(rest) == 1 else hint)
            found.append((field.metadata["wire"], inner, field.default is attrs.NOTHING))
        _FIELDS[model] = found
    return _FIELDS[model]


def _expected(hint: Any) -> str:
    if attrs.has(hint):
        return "object"
    if typing.get_origin(hint) is list:
        return "array"
    if isinstance(hint, type) and issubclass(hint, LiveVoxEnum):
        return "string"
    return {int: "integer", datetime: "integer", float: "number", str: "string", bool: "boolean"}.get(
        hint, "any"
    )


def _scalar_fits(value: Any, hint: Any) -> bool:
    if hint is float:
        return type(value) in (int, float)
    if hint is datetime:
        return type(value) is int
    if isinstance(hint, type) and issubclass(hint, LiveVoxEnum):
        return type(value) is str
    return type(value) is hint


def compare(value: Any, hint: Any, path: str) -> list[Deviation]:
    """Deviations of one parsed value from the type the model gives it."""
    expected = _expected(hint)
    if expected == "any":
        return []
    if attrs.has(hint):
        if not isinstance(value, dict):
            return [Deviation("type", path, "object", json_type(value))]
        return deviations(value, hint, path)
    if expected == "array":
        if not isinstance(value, list):
            return [Deviation("type", path, "array", json_type(value))]
        (item,) = typing.get_args(hint)
        return [d for entry in value for d in compare(entry, item, f"{path}[]")]
    if not _scalar_fits(value, hint):
        return [Deviation("type", path, expected, json_type(value))]
    if isinstance(hint, type) and issubclass(hint, LiveVoxEnum) and not hint(value).is_known:
        shown = value if SHOWN_ENUM.fullmatch(value) else HIDDEN
        return [Deviation("enum", path, f"one of {hint.__name__}", shown)]
    return []


def deviations(data: dict[str, Any], model: type[Any], path: str = "$") -> list[Deviation]:
    """Deviations of a JSON object from a model: unknown and missing keys, types, enums, nested."""
    found: list[Deviation] = []
    known = set()
    for wire, hint, required in fields_of(model):
        known.add(wire)
        if wire not in data:
            if required:
                found.append(Deviation("missing_key", f"{path}.{wire}"))
            continue
        value = data[wire]
        if value is None:
            if required:
                found.append(Deviation("type", f"{path}.{wire}", _expected(hint), "null"))
            continue
        found += compare(value, hint, f"{path}.{wire}")
    found += [
        Deviation("unknown_key", key_path(path, k), found=json_type(v))
        for k, v in data.items()
        if k not in known
    ]
    return found


def distinct(found: list[Deviation]) -> tuple[Deviation, ...]:
    """Each deviation once (list items fold onto one path), in a stable order."""
    return tuple(sorted(set(found)))
