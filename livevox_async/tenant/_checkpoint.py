"""An export's checkpoint: `.checkpoint/state.json`, typed, plus each family's work files.

    ck = Checkpoint(out_dir)
    ck.start(CheckpointState(client_id=7, settings=settings, started="2026-11-28T10:00:00+00:00"))
    ck.family("agents").requests += 1
    ck.save()
    ...
    state = Checkpoint(out_dir).load()        # resuming: ExportError if state.json is damaged

`state.json` is read back strictly (exact JSON types, no unknown keys, every required
key present, a family marked done names its file, count and sha256); anything else is
an `ExportError` saying what is wrong and to delete the checkpoint to start over.
"""

from __future__ import annotations

import shutil
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from cattrs import BaseValidationError, Converter, transform_error
from cattrs.cols import is_mapping, list_structure_factory, mapping_structure_factory
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn

from .. import _json
from .._converter import json_typed
from .._exceptions import ExportError
from .._pagination import ListReport
from ._export_dir import CHECKPOINT, STATE, file_error, read_file, remove, replace_file

STATE_FORMAT = 1
"""The `format` of the `state.json` this version writes and reads."""
MAX_PROBLEMS = 5


def _not_negative(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _known_format(_: Any, __: Any, value: int) -> None:
    if value != STATE_FORMAT:
        raise ValueError(f"format {value} is not {STATE_FORMAT}, the one this livevox-async writes")


@attrs.define
class ExportSettings:
    """What an export was started with; resuming it must ask for the same."""

    families: list[str]
    api_version: str | None
    audit_log: list[str] | None
    """`[start, end]` as ISO dates, or None when the audit log is not exported."""


@attrs.define
class FamilyState:
    """How far one family got.

    Listing: `listed` once its list is complete in `<family>.items.jsonl`, holding
    `items` items. Reading: records go to `<family>.jsonl.part` (`unsorted` when they
    did not arrive in id order). Done: `done`, with the output `file`, its `count` of
    lines and `sha256`. Or `skipped`, with the reason. `details_skipped` are per-item
    reads the session may not call (operation id → reason); `requests` counts the
    calls made; `vanished` are ids gone between the list and their reads; `missing_reads`
    counts, per read, objects that answered 404 to it alone; `listing` is what the walk
    over the list verified.
    """

    listed: bool = False
    requests: int = attrs.field(default=0, validator=_not_negative)
    done: bool = False
    skipped: str | None = None
    details_skipped: dict[str, str] = attrs.Factory(dict)
    items: int | None = attrs.field(default=None, validator=_not_negative)
    unsorted: bool = False
    file: str | None = None
    count: int | None = attrs.field(default=None, validator=_not_negative)
    sha256: str | None = None
    vanished: list[int] = attrs.Factory(list)
    missing_reads: dict[str, int] = attrs.Factory(dict)
    listing: ListReport | None = None

    def __attrs_post_init__(self) -> None:
        if self.done and None in (self.file, self.count, self.sha256):
            raise ValueError("a family marked done lacks its file, count or sha256")


@attrs.define
class CheckpointState:
    """The whole of `state.json`: which client and settings, and each family's `FamilyState`."""

    client_id: int
    settings: ExportSettings
    started: str
    """When the export began (ISO 8601, UTC)."""
    families: dict[str, FamilyState] = attrs.Factory(dict)
    format: int = attrs.field(default=STATE_FORMAT, validator=_known_format)

    def family(self, name: str) -> FamilyState:
        """The state of family `name`, made fresh on first use."""
        return self.families.setdefault(name, FamilyState())


def _exact(kind: type[Any]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


def _number(value: Any, _: Any) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _is_list(target: Any) -> bool:
    return typing.get_origin(target) is list


def strict_converter(*, forbid_extra_keys: bool) -> Converter:
    """cattrs for JSON read back from disk: types checked, never coerced (`"3"` is no int,
    `true` no int or float, a string no list); `forbid_extra_keys`: unknown keys are errors too."""
    conv = Converter(forbid_extra_keys=forbid_extra_keys)
    for kind in (int, str, bool):
        conv.register_structure_hook(kind, _exact(kind))
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook_factory(attrs.has, json_typed(dict, "object", make_dict_structure_fn))
    conv.register_structure_hook_factory(is_mapping, json_typed(dict, "object", mapping_structure_factory))
    conv.register_structure_hook_factory(_is_list, json_typed(list, "array", list_structure_factory))
    return conv


_converter = strict_converter(forbid_extra_keys=True)


def _describe(exc: BaseException, _: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field {', '.join(sorted(exc.extra_fields))}"
    return str(exc) or type(exc).__name__


def structure_problems(exc: BaseException, path: str) -> str:
    """What a `strict_converter` found wrong, each at its path under `path`: `"expected int,
    got str @ state.json.families['agents'].requests"` (the first few, `; `-joined)."""
    return "; ".join(transform_error(exc, path=path, format_exception=_describe)[:MAX_PROBLEMS])


STRUCTURE_ERRORS = (BaseValidationError, ValueError, TypeError)
"""What `strict_converter().structure` raises for data that does not fit."""


class Checkpoint:
    """`.checkpoint/` of an export: `state.json` (a `CheckpointState`) and the families' work files."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir / CHECKPOINT
        self.path = self.dir / STATE
        self._state: CheckpointState | None = None

    @property
    def state(self) -> CheckpointState:
        if self._state is None:
            raise RuntimeError("the checkpoint is neither started nor loaded")
        return self._state

    def start(self, state: CheckpointState) -> None:
        """Make the checkpoint of a new export."""
        try:
            self.dir.mkdir()
        except OSError as exc:
            raise file_error(self.dir, exc) from None
        self._state = state
        self.save()

    def load(self) -> CheckpointState:
        """Read `state.json` back; `ExportError` saying what is wrong when it is damaged."""
        data = read_file(self.path)
        if data is None:
            raise self._damaged(f"{STATE} is missing")
        try:
            raw = _json.loads(data)
        except _json.JSONDecodeError as exc:
            raise self._damaged(f"{STATE} is not valid JSON ({exc})") from None
        if not isinstance(raw, dict):
            raise self._damaged(f"{STATE} is not a JSON object")
        try:
            self._state = _converter.structure(raw, CheckpointState)
        except STRUCTURE_ERRORS as exc:
            raise self._damaged(structure_problems(exc, STATE)) from None
        return self._state

    def _damaged(self, what: str) -> ExportError:
        return ExportError(f"the checkpoint {self.dir} is damaged: {what}; delete {self.dir} to start over")

    def save(self) -> None:
        replace_file(self.path, _json.dumps_sorted(_converter.unstructure(self.state)) + b"\n")

    def family(self, name: str) -> FamilyState:
        return self.state.family(name)

    def discard(self, name: str) -> None:
        """Forget what family `name` did: its work files and its state."""
        remove(self.items_file(name))
        remove(self.part_file(name))
        self.state.families[name] = FamilyState()

    def remove(self) -> None:
        """Delete the checkpoint (the export is complete)."""
        try:
            shutil.rmtree(self.dir)
        except OSError as exc:
            raise file_error(self.dir, exc) from None

    def items_file(self, name: str) -> Path:
        return self.dir / f"{name}.items.jsonl"

    def part_file(self, name: str) -> Path:
        return self.dir / f"{name}.jsonl.part"
