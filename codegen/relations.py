"""The relation tables (`_generated/relations.py`) from the schema's relation keys.

Operation keys: `x-livevox-natural-key` (on a family's list), `x-livevox-membership`
(on an add method), `x-livevox-copy` (on a create that copies), `x-livevox-unplanned`
(on a write method plan/apply do not use, with the reason). Property keys:
`x-livevox-ref: <family>`, `x-livevox-ordered: true`, `x-livevox-compare: false`.
See schema/README.md. Every problem found raises `SchemaError`, listing them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from .bundle import SchemaError, list_wrapper, operations, resolve

TEMPLATES = Path(__file__).resolve().parent / "templates"

EACH = "[]"
WRITES = ("create", "update", "delete")


def _ref_target(doc: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    return resolve(doc, prop) if "$ref" in prop else prop


def _leaf_path(doc: dict[str, Any], name: str, prop: dict[str, Any]) -> tuple[str, ...] | None:
    """Where the id sits in a property marked `x-livevox-ref`, or None for a shape we cannot read."""
    if prop.get("type") == "integer":
        return (name,)
    if prop.get("type") == "array":
        items = _ref_target(doc, prop.get("items", {}))
        if items.get("type") == "integer":
            return (name, EACH)
        if "id" in items.get("properties", {}):
            return (name, EACH, "id")
        return None
    target = _ref_target(doc, prop)
    return (name, "id") if "id" in target.get("properties", {}) else None


def _nested(doc: dict[str, Any], prop: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """(path prefix, component name) of an object property or of an array's object items."""
    if prop.get("type") == "array":
        items = prop.get("items", {})
        return ((EACH,), items["$ref"].rsplit("/", 1)[1]) if "$ref" in items else None
    return ((), prop["$ref"].rsplit("/", 1)[1]) if "$ref" in prop else None


class _Walker:
    """Reference and ordered-list paths of each component, nested components included."""

    def __init__(self, doc: dict[str, Any], problems: list[str]) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = doc["components"]["schemas"]
        self.problems = problems
        self._refs: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._ordered: dict[str, list[tuple[str, ...]]] = {}

    def refs(self, name: str) -> list[tuple[tuple[str, ...], str]]:
        if name not in self._refs:
            self._refs[name] = list(self._walk_refs(name))
        return self._refs[name]

    def ordered(self, name: str) -> list[tuple[str, ...]]:
        if name not in self._ordered:
            self._ordered[name] = list(self._walk_ordered(name))
        return self._ordered[name]

    def _walk_refs(self, name: str) -> Iterator[tuple[tuple[str, ...], str]]:
        for prop_name, prop in self.schemas[name].get("properties", {}).items():
            family = prop.get("x-livevox-ref")
            if family is not None:
                path = _leaf_path(self.doc, prop_name, prop)
                if path is None:
                    self.problems.append(f"{name}.{prop_name}: x-livevox-ref on a shape without an id")
                    continue
                yield path, family
                continue
            nested = _nested(self.doc, prop)
            if nested is not None:
                prefix, inner = nested
                for path, target in self.refs(inner):
                    yield (prop_name, *prefix, *path), target

    def _walk_ordered(self, name: str) -> Iterator[tuple[str, ...]]:
        for prop_name, prop in self.schemas[name].get("properties", {}).items():
            if prop.get("x-livevox-ordered"):
                if prop.get("type") != "array":
                    self.problems.append(f"{name}.{prop_name}: x-livevox-ordered on a non-array")
                yield (prop_name,)
            nested = _nested(self.doc, prop)
            if nested is not None:
                prefix, inner = nested
                for path in self.ordered(inner):
                    yield (prop_name, *prefix, *path)


def _ops(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for path, method, op, path_params in operations(doc):
        params = [resolve(doc, p) for p in [*path_params, *op.get("parameters", [])]]
        found[op["operationId"]] = {"op": op, "method": method, "path": path, "params": params}
    return found


def _model(doc: dict[str, Any], entry: dict[str, Any]) -> str | None:
    """The component a read or list operation answers with."""
    wrapper = list_wrapper(doc, entry["op"])
    if wrapper is not None:
        return str(wrapper[1]["$ref"]).rsplit("/", 1)[1]
    ok = entry["op"].get("responses", {}).get("200")
    schema = resolve(doc, ok).get("content", {}).get("application/json", {}).get("schema") if ok else None
    return str(schema["$ref"]).rsplit("/", 1)[1] if schema and "$ref" in schema else None


def _param_names(entry: dict[str, Any], location: str) -> set[str]:
    return {p["name"] for p in entry["params"] if p.get("in") == location}


def _natural_keys(doc: dict[str, Any], ops: dict[str, dict[str, Any]], problems: list[str]) -> dict[str, Any]:
    keys: dict[str, tuple[str, ...]] = {}
    schemas = doc["components"]["schemas"]
    for op_id, entry in ops.items():
        fields = entry["op"].get("x-livevox-natural-key")
        if fields is None:
            continue
        family = op_id.split(".", 1)[0]
        item = _model(doc, entry)
        main = _model(doc, ops[f"{family}.read"]) if f"{family}.read" in ops else item
        for model in {item, main}:
            missing = [f for f in fields if f not in schemas.get(str(model), {}).get("properties", {})]
            if missing:
                problems.append(f"{op_id}: natural key fields {missing} are not in {model}")
        keys[family] = tuple(fields)
    for op_id in ops:
        family, name = op_id.split(".", 1)
        if name in WRITES and family not in keys:
            problems.append(f"{op_id}: family {family} has a {name} method but no x-livevox-natural-key")
        if name in ("update", "delete") and f"{family}.read" not in ops:
            problems.append(f"{op_id}: family {family} has a {name} method but no read to check it first")
    return keys


def _memberships(
    doc: dict[str, Any], ops: dict[str, dict[str, Any]], walker: _Walker, problems: list[str]
) -> list[dict[str, Any]]:
    found = []
    for op_id, entry in ops.items():
        spec = entry["op"].get("x-livevox-membership")
        if spec is None:
            continue
        read = ops.get(spec["read"])
        model = _model(doc, read) if read else None
        refs = dict(((path[0], family) for path, family in walker.refs(model))) if model else {}
        if spec["field"] not in refs:
            problems.append(
                f"{op_id}: x-livevox-membership field {spec['field']} has no x-livevox-ref in {model}"
            )
            continue
        path_params = _param_names(entry, "path")
        if {spec["owner-param"], spec["member-param"]} != path_params:
            problems.append(
                f"{op_id}: owner-param and member-param must be its path parameters {path_params}"
            )
        remove = spec.get("remove")
        if remove is not None and (remove not in ops or _param_names(ops[remove], "path") != path_params):
            problems.append(f"{op_id}: remove {remove} is not an operation with the same path parameters")
        attributes = spec.get("attributes", {})
        if not set(attributes.values()) <= _param_names(entry, "query"):
            problems.append(f"{op_id}: attributes {attributes} are not all query parameters")
        found.append(
            {
                "add": op_id,
                "read": spec["read"],
                "field": spec["field"],
                "member": refs[spec["field"]],
                "owner_param": spec["owner-param"],
                "member_param": spec["member-param"],
                "attributes": tuple(sorted(attributes.items())),
                "remove": remove,
                "exclusive": bool(spec.get("exclusive", False)),
            }
        )
    return found


def _copies(ops: dict[str, dict[str, Any]], problems: list[str]) -> dict[str, dict[str, Any]]:
    found = {}
    for op_id, entry in ops.items():
        spec = entry["op"].get("x-livevox-copy")
        if spec is None:
            continue
        query = _param_names(entry, "query")
        if not {spec["template"], *spec["fields"]} <= query:
            problems.append(f"{op_id}: x-livevox-copy names parameters that are not its query parameters")
        found[op_id] = {
            "template": spec["template"],
            "fields": tuple(sorted(spec["fields"].items())),
            "match": tuple(spec["match"]),
        }
    return found


def _secrets(doc: dict[str, Any], ops: dict[str, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Required secret fields of each create body: apply generates them."""
    found = {}
    for op_id, entry in ops.items():
        body = entry["op"].get("requestBody")
        if not op_id.endswith(".create") or body is None:
            continue
        schema = resolve(doc, resolve(doc, body)["content"]["application/json"]["schema"])
        required = set(schema.get("required", []))
        secret = tuple(
            name
            for name, prop in schema.get("properties", {}).items()
            if prop.get("x-livevox-secret") and name in required
        )
        if secret:
            found[op_id] = secret
    return found


def relations_context(doc: dict[str, Any]) -> dict[str, Any]:
    """Everything `relations.py.jinja2` renders; SchemaError listing every problem."""
    problems: list[str] = []
    ops = _ops(doc)
    walker = _Walker(doc, problems)
    names = list(doc["components"]["schemas"])
    keys = _natural_keys(doc, ops, problems)
    references = {n: walker.refs(n) for n in names if walker.refs(n)}
    for model, refs in references.items():
        for path, family in refs:
            if family not in keys:
                problems.append(
                    f"{model}.{path[0]}: x-livevox-ref {family!r} is not a family with a natural key"
                )
    context: dict[str, Any] = {
        "natural_keys": keys,
        "references": references,
        "ordered": {n: tuple(walker.ordered(n)) for n in names if walker.ordered(n)},
        "not_compared": {
            n: sorted(
                p for p, s in schema.get("properties", {}).items() if s.get("x-livevox-compare") is False
            )
            for n, schema in doc["components"]["schemas"].items()
        },
        "memberships": _memberships(doc, ops, walker, problems),
        "copies": _copies(ops, problems),
        "secrets": _secrets(doc, ops),
        "unplanned": {
            op_id: " ".join(str(e["op"]["x-livevox-unplanned"]).split())
            for op_id, e in ops.items()
            if "x-livevox-unplanned" in e["op"]
        },
    }
    context["not_compared"] = {n: fields for n, fields in context["not_compared"].items() if fields}
    if problems:
        raise SchemaError("\n".join(problems))
    return context


def render_relations(doc: dict[str, Any], header: str) -> str:
    """The source of `_generated/relations.py` (values written as Python literals)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["py"] = repr
    return env.get_template("relations.py.jinja2").render(header=header, **relations_context(doc))
