"""Models ⇄ wire JSON: the one cattrs converter every request and answer goes through.

- field names: each model field keeps its camelCase wire name in `metadata["wire"]`;
- `UNSET` fields are left out of what is sent; an absent key (or `null`) decodes as `UNSET`;
- dates are epoch milliseconds on the wire, aware UTC `datetime`s in Python;
- enums accept values this SDK does not know yet (`LiveVoxEnum`);
- wire types are checked, not coerced: `"12"` is not an `int`, `1` is not a `bool`;
- unknown keys in answers are ignored.

    >>> from livevox_async.models import AgentUpdate, ListInfo
    >>> to_json(AgentUpdate(phone="5551234", wrap_up_time=-1))
    b'{"phone":"5551234","wrapUpTime":-1}'
    >>> from_json(b'{"size": 3, "lastModified": 1337586262000}', ListInfo).last_modified.year
    2012

Decoding failures raise `DecodeError` whose `problems` name the JSON path of each
mismatch (`$.agent[3].id: expected int, got str`).
"""

from __future__ import annotations

import gc
import itertools
import linecache
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import attrs
import orjson
from attrs import AttrsInstance
from cattrs import ClassValidationError, Converter, IterableValidationError
from cattrs.cols import is_sequence, list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.orjson import make_converter

from ._enum import LiveVoxEnum
from ._exceptions import DecodeError
from ._unset import UNSET, UnsetType

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


def _strict(expected: type[Any], *also: type[Any]) -> Callable[[Any, Any], Any]:
    allowed = (expected, *also)

    def structure(value: Any, _: Any) -> Any:
        if type(value) in allowed:
            return value
        raise TypeError(f"expected {expected.__name__}, got {type(value).__name__}")

    return structure


PRIMITIVES: dict[type[Any], tuple[type[Any], ...]] = {
    int: (int,),
    str: (str,),
    bool: (bool,),
    float: (float, int),
}
"""JSON-native types, passed through after an exact type check (no coercion)."""


def _structure_datetime(value: Any, _: Any) -> datetime:
    if type(value) is not int:
        raise TypeError(f"expected epoch milliseconds (int), got {type(value).__name__}")
    return EPOCH + value * ONE_MS


def _unstructure_datetime(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("naive datetime: give LiveVox dates a timezone (e.g. tzinfo=UTC)")
    return (value - EPOCH) // ONE_MS


def _structure_enum(value: Any, cls: type[LiveVoxEnum]) -> LiveVoxEnum:
    if type(value) is not str:
        raise TypeError(f"expected a {cls.__name__} string, got {type(value).__name__}")
    return cls(value)


def _is_list(t: Any) -> bool:
    return is_sequence(t) and typing.get_origin(t) is list


def _fast_list(t: Any, conv: Any) -> Callable[[Any, Any], Any]:
    """A JSON array of one type: a compiled loop for models, else each item through its hook."""
    item: Any = typing.get_args(t)[0] if typing.get_args(t) else Any
    if _compiles(item):
        return _compile_list(attrs.resolve_types(item), conv)
    hook = conv.get_structure_hook(item)

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not list:
            raise TypeError(f"expected a JSON array, got {type(value).__name__}")
        return [hook(e, item) for e in value]

    return structure


def json_typed(
    kind: type[Any], name: str, make: Callable[[Any, Any], Callable[[Any, Any], Any]]
) -> Callable[[Any, Any], Callable[[Any, Any], Any]]:
    """A hook factory: cattrs' own structuring (`make`), once the value is a JSON `name`."""

    def factory(target: Any, conv: Any) -> Callable[[Any, Any], Any]:
        inner = make(target, conv)

        def structure(value: Any, t: Any) -> Any:
            if type(value) is not kind:
                raise TypeError(f"expected a JSON {name}, got {type(value).__name__}")
            return inner(value, t)

        return structure

    return factory


_strict_list = json_typed(list, "array", list_structure_factory)


def _is_unset_union(t: Any) -> bool:
    return isinstance(t, types.UnionType) and UnsetType in typing.get_args(t)


def _structure_unset_union(t: Any, conv: Any) -> Callable[[Any, Any], Any]:
    rest = [a for a in typing.get_args(t) if a is not UnsetType]
    inner: Any = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    accepts_none = type(None) in rest
    if inner in PRIMITIVES:
        # The hot path of every optional field: inline the check, no second call.
        allowed = PRIMITIVES[inner]

        def structure_primitive(value: Any, _: Any) -> Any:
            if type(value) in allowed:
                return value
            if value is None:
                return UNSET
            raise TypeError(f"expected {inner.__name__}, got {type(value).__name__}")

        return structure_primitive
    inner_hook = conv.get_structure_hook(inner)

    def structure(value: Any, _: Any) -> Any:
        if value is None and not accepts_none:
            return UNSET
        return inner_hook(value, inner)

    return structure


def _wire_names(cls: type[Any]) -> dict[str, Any]:
    return {a.name: override(rename=a.metadata.get("wire", a.name)) for a in attrs.fields(cls)}


_ABSENT = object()
_SOURCES = itertools.count(1)
"""Numbers the compiled sources, so two classes of one name get two file names."""


def init_hooks(cls: type[Any]) -> list[str]:
    """What `cls.__init__` (or setting an attribute) does beyond storing the values.

    The compiled decoder makes instances without `__init__`, which is sound only when this
    is empty: no validator, converter or `on_setattr` hook, no `__attrs_pre_init__` or
    `__attrs_post_init__`, no `__setattr__` of its own (a frozen class has one). A class
    with any of them is decoded through `__init__` instead.

        >>> from livevox_async.models import Agent
        >>> init_hooks(Agent)
        []
        >>> @attrs.frozen
        ... class Checked:
        ...     n: int = attrs.field(validator=attrs.validators.gt(0))
        >>> init_hooks(Checked)
        ['n: validator', '__setattr__ (frozen, or on_setattr hooks)']
    """
    found = []
    for field in attrs.fields(cls):
        if field.validator is not None:
            found.append(f"{field.name}: validator")
        if field.converter is not None:
            found.append(f"{field.name}: converter")
        if field.on_setattr not in (None, attrs.setters.NO_OP):
            found.append(f"{field.name}: on_setattr")
    found += [hook for hook in ("__attrs_pre_init__", "__attrs_post_init__") if hasattr(cls, hook)]
    if "__setattr__" in {name for klass in cls.__mro__[:-1] for name in vars(klass)}:
        found.append("__setattr__ (frozen, or on_setattr hooks)")
    return found


def _compiles(cls: Any) -> bool:
    """Is `cls` decoded by compiled code (an attrs class without `init_hooks`)?"""
    return attrs.has(cls) and not init_hooks(attrs.resolve_types(cls))


def _compile(params: str, body: list[str], name: str, namespace: dict[str, Any]) -> Any:
    """Compile `def structure(params): body`, registered in `linecache` so tracebacks show its lines.

    Every name of `namespace` is bound as a keyword-only default: a local in the body, not a
    global looked up at each use.
    """
    binds = ", ".join(f"{key}={key}" for key in namespace)
    source = "\n".join([f"def structure({params}, *, {binds}):", *_indent(body, "    ")]) + "\n"
    filename = f"<livevox structure {name} #{next(_SOURCES)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace["structure"]


def _compile_model(cls: type[Any], conv: Any) -> Callable[[Any, Any], Any]:
    """A structure function for one model, compiled from source like cattrs does, but leaner.

    Every field is read, type-checked and set inline on an instance made without
    `__init__` (only for models whose `init_hooks` are none; any other goes through
    `__init__`): primitives, dates, enums and lists of flat models (`IdRef`) with no call
    per field or item, no kwargs dict. It fails with a bare exception on the first
    mismatch; the caller re-runs the detailed converter to say where and why.
    """
    cls = attrs.resolve_types(cls)
    if init_hooks(cls):
        return _structure_model(cls, conv)
    namespace: dict[str, Any] = {}
    body = [*_model_lines(cls, namespace, conv), "return inst"]
    structure: Callable[[Any, Any], Any] = _compile("o, _", body, cls.__qualname__, namespace)
    return structure


def _compile_list(cls: type[Any], conv: Any) -> Callable[[Any, Any], Any]:
    """A structure function for a JSON array of `cls`: one loop building each model inline,
    as `_compile_model` does one (no call per item)."""
    namespace: dict[str, Any] = {}
    loop = ["if data.__class__ is not list:", "    raise TypeError", "out = []", "append = out.append"]
    loop += ["for o in data:", *_indent(_model_lines(cls, namespace, conv), "    "), "    append(inst)"]
    structure: Callable[[Any, Any], Any] = _compile(
        "data, _", [*loop, "return out"], f"list[{cls.__qualname__}]", namespace
    )
    return structure


def _model_lines(cls: type[Any], namespace: dict[str, Any], conv: Any) -> list[str]:
    """Code that checks the JSON object `o` and builds `inst`, a `cls`, from it."""
    namespace.update(new=object.__new__, cls=cls, UNSET=UNSET, ABSENT=_ABSENT, EPOCH=EPOCH, ONE_MS=ONE_MS)
    namespace.update(dict=dict, list=list, int=int)  # builtins the code tests against, as locals too
    lines = ["if o.__class__ is not dict:", "    raise TypeError", "inst = new(cls)"]
    for index, field in enumerate(attrs.fields(cls)):
        lines += _field_lines(field, f"{index}", namespace, conv, _TOP)
    return lines


@attrs.frozen
class _Names:
    """The variables compiled code reads from and sets: the JSON object, the instance, a value."""

    obj: str
    inst: str
    value: str


_TOP = _Names("o", "inst", "v")
_ITEM = _Names("e", "x", "w")
"""The names inside the loop over a list of flat models."""


def _field_lines(field: Any, key: str, namespace: dict[str, Any], conv: Any, names: _Names) -> list[str]:
    """Code that reads one field's wire key and sets the instance's field from it.

    A value with a type test (`guard`) is tested first, the likeliest case: set it if it
    passes, else UNSET for an absent key or a null, else fail.
    """
    wire, attr, v = field.metadata.get("wire", field.name), f"{names.inst}.{field.name}", names.value
    if not _is_unset_union(field.type):
        guard, body = _value_code(field.type, attr, key, namespace, conv, v)
        check = [] if guard is None else [f"if not ({guard}):", "    raise TypeError"]
        return [f"{v} = {names.obj}[{wire!r}]", *check, *body]
    rest = [a for a in typing.get_args(field.type) if a is not UnsetType]
    target: Any = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    guard, body = _value_code(target, attr, key, namespace, conv, v)
    if type(None) in rest:  # null is a value of its own here: only an absent key is UNSET
        lines = [f"{v} = {names.obj}.get({wire!r}, ABSENT)", f"if {v} is ABSENT:", f"    {attr} = UNSET"]
        lines += [f"elif {v} is None:", f"    {attr} = None"]
        if guard is not None:
            lines += [f"elif not ({guard}):", "    raise TypeError"]
        return [*lines, "else:", *_indent(body, "    ")]
    if guard is None:
        lines = [f"{v} = {names.obj}.get({wire!r})", f"if {v} is None:", f"    {attr} = UNSET", "else:"]
        return [*lines, *_indent(body, "    ")]
    lines = [f"{v} = {names.obj}.get({wire!r})", f"if {guard}:", *_indent(body, "    ")]
    return [*lines, f"elif {v} is None:", f"    {attr} = UNSET", "else:", "    raise TypeError"]


def _indent(lines: list[str], pad: str) -> list[str]:
    return [pad + line for line in lines]


def _value_code(
    target: Any, attr: str, key: str, namespace: dict[str, Any], conv: Any, v: str
) -> tuple[str | None, list[str]]:
    """How a present value `v` is checked as a `target`: a type test (None: the code checks
    it itself), and the code that sets `attr` to what it means once it passed."""
    if target in PRIMITIVES:
        kinds = PRIMITIVES[target]
        namespace.update({f"t{key}_{i}": kind for i, kind in enumerate(kinds)})
        guard = " or ".join(f"{v}.__class__ is t{key}_{i}" for i in range(len(kinds)))
        return guard, [f"{attr} = {v}"]
    if target is datetime:
        return f"{v}.__class__ is int", [f"{attr} = EPOCH + {v} * ONE_MS"]
    namespace[f"hook{key}"] = conv.get_structure_hook(target)
    namespace[f"type{key}"] = target
    if _is_enum(target):
        namespace[f"members{key}"] = {member.value: member for member in target}
        found = [f"m = members{key}.get({v})", f"{attr} = m if m is not None else hook{key}({v}, type{key})"]
        return f"{v}.__class__ is str", found  # `hook` makes a member of a value new to the SDK
    if _is_list(target) and typing.get_args(target) and v == _TOP.value:
        return "v.__class__ is list", _list_code(typing.get_args(target)[0], attr, key, namespace, conv)
    return None, [f"{attr} = hook{key}({v}, type{key})"]


def _is_enum(target: Any) -> bool:
    return isinstance(target, type) and issubclass(target, LiveVoxEnum)


def _list_code(item: Any, attr: str, key: str, namespace: dict[str, Any], conv: Any) -> list[str]:
    """Code for a JSON array `v` of `item`s: primitives checked in a loop, flat models built
    in the loop itself, others by their hook."""
    namespace[f"item{key}"] = item
    if item in PRIMITIVES and len(PRIMITIVES[item]) == 1:
        loop = ["for e in v:", f"    if e.__class__ is not item{key}:", "        raise TypeError"]
        return [*loop, f"{attr} = list(v)"]
    if not _is_flat(item):
        namespace[f"item_hook{key}"] = conv.get_structure_hook(item)
        return [f"{attr} = [item_hook{key}(e, item{key}) for e in v]"]
    lines = ["items = []", "for e in v:", "    if e.__class__ is not dict:", "        raise TypeError"]
    lines.append(f"    x = new(item{key})")
    for index, field in enumerate(attrs.fields(item)):
        lines += _indent(_field_lines(field, f"{key}_{index}", namespace, conv, _ITEM), "    ")
    return [*lines, "    items.append(x)", f"{attr} = items"]


def _is_flat(cls: Any) -> bool:
    """A model built inline in a loop: attrs, no `init_hooks`, only scalar fields."""
    if not _compiles(cls):
        return False
    for field in attrs.fields(attrs.resolve_types(cls)):
        kinds = (
            [a for a in typing.get_args(field.type) if a is not UnsetType]
            if _is_unset_union(field.type)
            else [field.type]
        )
        if not all(k in PRIMITIVES or k is datetime or k is type(None) or _is_enum(k) for k in kinds):
            return False
    return True


def _structure_model(cls: type[Any], conv: Any) -> Callable[[Any, Any], Any]:
    structure_fields = make_dict_structure_fn(cls, conv, **_wire_names(cls))

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise TypeError(f"expected a JSON object, got {type(value).__name__}")
        return structure_fields(value, cls)

    return structure


def _make_converter(*, detailed: bool) -> Converter:
    conv = make_converter(detailed_validation=detailed, forbid_extra_keys=False)
    for kind, allowed in PRIMITIVES.items():
        conv.register_structure_hook(kind, _strict(kind, *allowed[1:]))
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    # Registered on the base class: dispatch is by MRO, so this wins over the `str` hook.
    conv.register_structure_hook(LiveVoxEnum, _structure_enum)
    conv.register_unstructure_hook(LiveVoxEnum, lambda v: v._value_)
    conv.register_structure_hook_factory(_is_list, _strict_list if detailed else _fast_list)
    conv.register_structure_hook_factory(_is_unset_union, _structure_unset_union)
    conv.register_structure_hook_factory(attrs.has, _structure_model if detailed else _compile_model)
    conv.register_unstructure_hook_factory(
        attrs.has,
        lambda cls, c: make_dict_unstructure_fn(cls, c, _cattrs_omit_if_default=True, **_wire_names(cls)),
    )
    return conv


converter = _make_converter(detailed=False)
"""The converter used for every model: plain generated code, no per-field bookkeeping."""
_explaining = _make_converter(detailed=True)
"""The same rules with cattrs' detailed validation: run only to say *where* decoding failed."""


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
    """Decode already-parsed JSON into `cls`; raise `DecodeError` naming each bad path.

    The cyclic garbage collector is paused while the models are built (and resumed as it
    was, also on an error): every object made here is new and reachable from the result,
    so a collection could only walk them and find nothing, and a 1000-item page makes
    some 5000 of them, enough to start several (on a page of agents, half of the decode's
    time went to collections). Garbage made elsewhere meanwhile waits for the next one.
    The switch is the interpreter's own (`gc.disable`): a thread that turns the collector
    off while a decode runs in another finds it on again when that decode ends.

    The error is raised outside the `except` that caught cattrs' failure: it carries the
    problems, never cattrs' exceptions (nor, through them, the data) as its context.
    """
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        return converter.structure(data, cls)
    except Exception:  # any failure of the fast path is re-run to be explained
        pass
    finally:
        if collecting:
            gc.enable()
    raise DecodeError("answer does not match the schema", problems=_explain(data, cls, path))


def _explain(data: Any, cls: Any, path: str) -> list[str]:
    """What the detailed converter finds wrong with `data` as a `cls`."""
    try:
        _explaining.structure(data, cls)
    except (ClassValidationError, IterableValidationError, TypeError, ValueError, KeyError) as exc:
        return _problems(exc, path)
    return [f"{path}: could not be decoded"]


def unstructure(obj: Any) -> Any:
    """A model (or list of models) as wire JSON values, `UNSET` fields left out."""
    return converter.unstructure(obj)


def from_json(body: bytes, cls: type[T]) -> T:
    """Parse and decode a JSON body into a model."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        message = f"answer is not valid JSON ({exc.msg} at byte {exc.pos})"
    else:
        result: T = structure(data, cls)
        return result
    raise DecodeError(message)  # outside the except: orjson's error holds the whole body


def to_json(obj: Any) -> bytes:
    """A model (or any JSON value holding models) as a JSON body."""
    return orjson.dumps(unstructure(obj))


def to_dict(model: AttrsInstance) -> dict[str, Any]:
    """A model as the plain JSON object LiveVox would get: wire names, dates as epoch
    milliseconds, enums as their strings, `UNSET` fields left out. JSON-safe (`json.dumps`
    takes it), and the decoder turns it back into an equal model.

        >>> from datetime import UTC, datetime
        >>> from livevox_async.models import Agent, IdRef
        >>> agent = Agent(id=17, login_id="JSMITH", assigned_service=[IdRef(id=3)],
        ...               password_last_modified=datetime(2024, 5, 1, tzinfo=UTC))
        >>> to_dict(agent)
        {'id': 17, 'loginId': 'JSMITH', 'passwordLastModified': 1714521600000, 'assignedService': [{'id': 3}]}
        >>> structure(to_dict(agent), Agent) == agent
        True

    Raises:
        TypeError: `model` is not a model instance.
        ValueError: a `datetime` without a timezone (LiveVox's dates are absolute).
    """
    _check_model(model, "to_dict")
    data: dict[str, Any] = unstructure(model)
    return data


def to_wire(model: AttrsInstance) -> bytes:
    """A model as the JSON body LiveVox would get (compact UTF-8): `to_dict`, serialised.

    >>> from livevox_async.models import AgentUpdate
    >>> to_wire(AgentUpdate(phone="5551234", home_agent=False))
    b'{"phone":"5551234","homeAgent":false}'
    """
    _check_model(model, "to_wire")
    return to_json(model)


def _check_model(model: object, what: str) -> None:
    if not attrs.has(type(model)):
        raise TypeError(f"{what}() takes a model instance (e.g. an Agent), got {type(model).__name__}")


__all__ = [
    "converter",
    "from_json",
    "init_hooks",
    "structure",
    "to_dict",
    "to_json",
    "to_wire",
    "unstructure",
]
