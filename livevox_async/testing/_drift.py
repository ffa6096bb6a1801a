"""Drift: answers that deviate from the schema on purpose, the way a real tenant might.

The simulator is generated from the same schema as the SDK, so it can never show a
wrong guess; `Drift` plants one. Each change names an operation and a path in its
answer (`loginId`, `callCenter.id`, `agent[].loginId`: `[]` means every item of a list)
and is applied to every successful answer of that operation:

    >>> drift = Drift([KeyRenamed("agents.read", "loginId", "loginName")])
    >>> drift.apply("agents.read", b'{"id":1,"loginId":"JSMITH"}')
    b'{"id":1,"loginName":"JSMITH"}'
    >>> Drift([StringForInteger("agents.read", "wrapUpTime")]).apply("agents.read", b'{"wrapUpTime":30}')
    b'{"wrapUpTime":"30"}'

`Drift.sample()` is the set `livevox probe` is tested against: a renamed key, a string
where the schema says integer, a new enum value, a different list key, and a renamed key
inside a nested object of a family other than agents. Change it while the simulator runs
through `sim.drift` (`sim.drift.add(...)`, `sim.drift.clear()`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import attrs
import orjson

from .._operation import Operation
from ._problem import Problem


@attrs.frozen
class KeyRenamed:
    """The key at `path` is sent as `to` (same value)."""

    operation: str
    path: str
    to: str


@attrs.frozen
class StringForInteger:
    """The integer at `path` is sent as a string (`30` -> `"30"`)."""

    operation: str
    path: str


@attrs.frozen
class EnumValueAdded:
    """The enum at `path` is sent as `value`, a value the schema does not list."""

    operation: str
    path: str
    value: str


@attrs.frozen
class ListKeyChanged:
    """The list answer wraps its items under `to` instead of the schema's list key."""

    operation: str
    to: str


@attrs.frozen
class StatusChanged:
    """The operation answers `status` with LiveVox's `{code, message}` error body instead."""

    operation: str
    status: int


DriftChange: TypeAlias = KeyRenamed | StringForInteger | EnumValueAdded | ListKeyChanged | StatusChanged


def _parents(data: Any, path: str) -> tuple[list[Any], str]:
    """The objects holding the last key of `path`, and that key."""
    *steps, last = path.split(".")
    holders = [data]
    for step in steps:
        name, each = (step[:-2], True) if step.endswith("[]") else (step, False)
        found = [h[name] for h in holders if isinstance(h, dict) and name in h]
        holders = [item for f in found for item in f] if each else found
    return holders, last


def _edit(data: Any, path: str, change: Callable[[dict[str, Any], str], None]) -> None:
    holders, last = _parents(data, path)
    for holder in holders:
        if isinstance(holder, dict) and last in holder:
            change(holder, last)


def _rename(to: str) -> Callable[[dict[str, Any], str], None]:
    def change(holder: dict[str, Any], key: str) -> None:
        holder[to] = holder.pop(key)

    return change


def _stringify(holder: dict[str, Any], key: str) -> None:
    if type(holder[key]) is int:
        holder[key] = str(holder[key])


def _set_to(value: str) -> Callable[[dict[str, Any], str], None]:
    def change(holder: dict[str, Any], key: str) -> None:
        holder[key] = value

    return change


def _apply(change: DriftChange, data: Any) -> None:
    if isinstance(change, KeyRenamed):
        _edit(data, change.path, _rename(change.to))
    elif isinstance(change, StringForInteger):
        _edit(data, change.path, _stringify)
    elif isinstance(change, EnumValueAdded):
        _edit(data, change.path, _set_to(change.value))


def _copied(changes: Iterable[DriftChange]) -> list[DriftChange]:
    return list(changes)


@attrs.define
class Drift:
    """The planted deviations of a simulator; empty by default (answers follow the schema)."""

    changes: list[DriftChange] = attrs.field(factory=list, converter=_copied)
    """Applied in order; a copy of what was given (a config's drift is never shared)."""

    @classmethod
    def sample(cls) -> Drift:
        """The five deviations of the probe's tests (see the module docstring)."""
        return cls(
            [
                KeyRenamed("agents.read", "loginId", "loginName"),
                StringForInteger("term_codes.read", "reportOrder"),
                EnumValueAdded("resource_groups.read", "type", "ROUND_ROBIN"),
                ListKeyChanged("call_centers.list", "callCenters"),
                KeyRenamed("services.related", "callCenter.id", "callCenterId"),
            ]
        )

    def add(self, *changes: DriftChange) -> None:
        self.changes.extend(changes)

    def clear(self) -> None:
        self.changes.clear()

    def for_operation(self, operation: str) -> list[DriftChange]:
        return [c for c in self.changes if c.operation == operation]

    def answer(self, op: Operation, status: int, body: bytes | None) -> tuple[int, bytes | None]:
        """A success answer of `op` as drifted; a `StatusChanged` raises its error answer."""
        if not self.changes or not 200 <= status < 300:
            return status, body
        changed = [c.status for c in self.for_operation(op.id) if isinstance(c, StatusChanged)]
        if changed:
            raise Problem(changed[-1], f"{op.summary} answered {changed[-1]} (simulator drift)")
        return status, self.apply(op.id, body, list_key=op.list_key)

    def apply(self, operation: str, body: bytes | None, *, list_key: str | None = None) -> bytes | None:
        """`body` with this operation's changes applied (untouched when it has none)."""
        changes = [c for c in self.for_operation(operation) if not isinstance(c, StatusChanged)]
        if not changes or body is None:
            return body
        data = orjson.loads(body)
        for change in changes:
            if isinstance(change, ListKeyChanged):
                if list_key is not None and isinstance(data, dict) and list_key in data:
                    data[change.to] = data.pop(list_key)
            else:
                _apply(change, data)
        return orjson.dumps(data)
