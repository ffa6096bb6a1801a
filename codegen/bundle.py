"""Bundle schema/ into one OpenAPI 3.1 document and validate it.

    python -m codegen.bundle --check      # validate only (part of `make check`)
    python -m codegen.bundle --out x.json # write the bundled document

The root file `schema/openapi.yaml` lists the family files under `x-livevox-families`;
their `paths` and `components` are merged into the root, and the source table it names
under `x-livevox-sources` (`sources.yaml`) replaces that name. Validation is two layers:
the OpenAPI 3.1 meta-schema (openapi-spec-validator), then our own rules for the
`x-livevox-*` extensions (see schema/README.md).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate as validate_openapi
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
EVIDENCE = {"doc", "code", "inferred"}
EVIDENCE_RANK = {"inferred": 0, "code": 1, "doc": 2}
"""Weakest first: an operation is only as sure as its least sure part."""
OPERATION_ID = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
SOURCE_KEY = re.compile(r"\b[DG]-[A-Z]+(?:-[A-Z]+)*\b")
"""A source key as `x-livevox-source` cites it (`D-AGT`, `G-JD-DIALER`)."""
SOURCE_KINDS = {"doc", "code"}
REQUIRED_EXTENSIONS = (
    "x-livevox-agent-allowed",
    "x-livevox-roles",
    "x-livevox-idempotent",
    "x-livevox-evidence",
    "x-livevox-evidence-parts",
    "x-livevox-source",
)


class SchemaError(Exception):
    """The schema is malformed; the message lists every problem found."""


def load(schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """Read the root and every family file into one document (no validation)."""
    root: dict[str, Any] = yaml.safe_load((schema_dir / "openapi.yaml").read_text())
    problems: list[str] = []
    root.setdefault("paths", {})
    for family_file in root.get("x-livevox-families", []):
        family_path = schema_dir / family_file
        if not family_path.is_file():
            problems.append(f"{family_file}: listed in x-livevox-families but missing")
            continue
        part = yaml.safe_load(family_path.read_text()) or {}
        for key in part:
            if key not in ("paths", "components"):
                problems.append(f"{family_file}: unexpected top-level key {key!r}")
        for path, item in (part.get("paths") or {}).items():
            if path in root["paths"]:
                problems.append(f"{family_file}: path {path} is defined twice")
            root["paths"][path] = item
        for kind, entries in (part.get("components") or {}).items():
            target = root.setdefault("components", {}).setdefault(kind, {})
            for name, value in (entries or {}).items():
                if name in target:
                    problems.append(f"{family_file}: components.{kind}.{name} is defined twice")
                target[name] = value
    sources_file = root.get("x-livevox-sources")
    if isinstance(sources_file, str):
        if (schema_dir / sources_file).is_file():
            root["x-livevox-sources"] = yaml.safe_load((schema_dir / sources_file).read_text()) or {}
        else:
            problems.append(f"{sources_file}: named by x-livevox-sources but missing")
    if problems:
        raise SchemaError("\n".join(problems))
    return root


def cited_sources(text: str) -> list[str]:
    """The source keys a `x-livevox-source` text cites, in order, each once.

    >>> cited_sources("G-CM readAgent; G-JD-DIALER; G-CM again (§4.1)")
    ['G-CM', 'G-JD-DIALER']
    """
    return list(dict.fromkeys(SOURCE_KEY.findall(text)))


def _check_sources(doc: dict[str, Any]) -> list[str]:
    """Every entry of the source table is well formed and every cited key is in it."""
    table = doc.get("x-livevox-sources")
    if not isinstance(table, dict):
        return ["x-livevox-sources: the source table is missing (schema/sources.yaml)"]
    problems = []
    for key, entry in table.items():
        where = f"x-livevox-sources {key}"
        if not SOURCE_KEY.fullmatch(str(key)):
            problems.append(f"{where}: a key is D-… (docs) or G-… (code)")
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with kind, title, url")
            continue
        if entry.get("kind") not in SOURCE_KINDS:
            problems.append(f"{where}: kind must be one of {sorted(SOURCE_KINDS)}")
        if not isinstance(entry.get("title"), str) or not entry["title"].strip():
            problems.append(f"{where}: no title")
        url = entry.get("url")
        if url is None and not entry.get("note"):
            problems.append(f"{where}: without a url, a note must say why")
        if url is not None and not str(url).startswith("https://"):
            problems.append(f"{where}: url must be an https:// link")
    for entry in doc.get("x-livevox-omitted", []):
        unknown = [k for k in cited_sources(str(entry.get("source", ""))) if k not in table]
        if unknown or not str(entry.get("why", "")).strip():
            problems.append(f"x-livevox-omitted {entry.get('method')}: needs a why and sources in the table")
    for path, method, op, _ in operations(doc):
        unknown = [k for k in cited_sources(str(op.get("x-livevox-source", ""))) if k not in table]
        if unknown:
            where = f"{op.get('operationId')} ({method.upper()} {path})"
            problems.append(f"{where}: x-livevox-source cites {', '.join(unknown)}, not in the source table")
    return problems


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(path, http method, operation, path-level parameters) for every operation, in order."""
    found = []
    for path, item in doc["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                found.append((path, method, item[method], item.get("parameters", [])))
    return found


def resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (one level at a time until a non-ref node)."""
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _check_extensions(doc: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    roles_known = set(doc.get("x-livevox-roles", []))
    seen_ids: dict[str, str] = {}
    for path, method, op, path_params in operations(doc):
        where = f"{method.upper()} {path}"
        op_id = op.get("operationId")
        if not op_id:
            problems.append(f"{where}: no operationId")
            continue
        where = f"{op_id} ({where})"
        if not OPERATION_ID.match(op_id):
            problems.append(f"{where}: operationId must be 'family.method' in snake_case")
        if op_id in seen_ids:
            problems.append(f"{where}: duplicate operationId (also {seen_ids[op_id]})")
        seen_ids[op_id] = f"{method.upper()} {path}"
        for key in REQUIRED_EXTENSIONS:
            if key not in op:
                problems.append(f"{where}: missing {key}")
        evidence = op.get("x-livevox-evidence")
        if evidence is not None and evidence not in EVIDENCE:
            problems.append(f"{where}: x-livevox-evidence must be one of {sorted(EVIDENCE)}")
        problems += [f"{where}: {p}" for p in _evidence_problems(op)]
        if "x-livevox-source" in op and not str(op["x-livevox-source"]).strip():
            problems.append(f"{where}: empty x-livevox-source")
        for flag in ("x-livevox-agent-allowed", "x-livevox-idempotent", "x-livevox-session-required"):
            if flag in op and not isinstance(op[flag], bool):
                problems.append(f"{where}: {flag} must be a boolean")
        unknown_roles = set(op.get("x-livevox-roles") or []) - roles_known
        if unknown_roles:
            problems.append(f"{where}: unknown roles {sorted(unknown_roles)}")

        params = [resolve(doc, p) for p in [*path_params, *op.get("parameters", [])]]
        declared = {p["name"] for p in params if p.get("in") == "path"}
        used = set(re.findall(r"{(\w+)}", path))
        for name in sorted(used - declared):
            problems.append(f"{where}: path parameter {{{name}}} has no definition")
        for name in sorted(declared - used):
            problems.append(f"{where}: path parameter {name} is not in the path")

        wrapper = list_wrapper(doc, op)
        list_key = op.get("x-livevox-list-key")
        if wrapper is not None and not list_key:
            problems.append(f"{where}: list operation without x-livevox-list-key")
        if list_key:
            if wrapper is None or wrapper[0] != list_key:
                problems.append(
                    f"{where}: x-livevox-list-key {list_key!r} does not match the 200 response wrapper"
                )
            query = {p["name"] for p in params if p.get("in") == "query"}
            if not {"count", "offset"} <= query:
                problems.append(f"{where}: list operation without count and offset parameters")
    return problems


def _evidence_problems(op: dict[str, Any]) -> list[str]:
    """`x-livevox-evidence-parts` names path, body (iff there is one) and response, and the
    overall `x-livevox-evidence` is its weakest part (so it never overstates)."""
    parts = op.get("x-livevox-evidence-parts")
    if parts is None:
        return []
    if not isinstance(parts, dict):
        return ["x-livevox-evidence-parts must map path, body, response to an evidence level"]
    expected = {"path", "response"} | ({"body"} if "requestBody" in op else set())
    if set(parts) != expected:
        return [f"x-livevox-evidence-parts must name exactly {sorted(expected)}, got {sorted(parts)}"]
    bad = sorted(k for k, v in parts.items() if v not in EVIDENCE)
    if bad:
        return [f"x-livevox-evidence-parts {', '.join(bad)}: must be one of {sorted(EVIDENCE)}"]
    weakest = min(parts.values(), key=EVIDENCE_RANK.__getitem__)
    if op.get("x-livevox-evidence") in EVIDENCE and op["x-livevox-evidence"] != weakest:
        return [f"x-livevox-evidence {op['x-livevox-evidence']} must be its weakest part, {weakest}"]
    return []


def list_wrapper(doc: dict[str, Any], op: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(list key, item schema) when the 200 answer is a `{key: [...], next}` wrapper."""
    ok = op.get("responses", {}).get("200")
    if ok is None:
        return None
    schema = resolve(doc, resolve(doc, ok).get("content", {}).get("application/json", {}).get("schema", {}))
    props = schema.get("properties", {})
    if schema.get("type") != "object" or "next" not in props:
        return None
    arrays = [(k, v) for k, v in props.items() if v.get("type") == "array"]
    if len(arrays) != 1:
        return None
    return arrays[0][0], arrays[0][1]["items"]


def bundle(schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """Load and validate; raise SchemaError listing every problem."""
    doc = load(schema_dir)
    try:
        problems = _check_extensions(doc) + _check_sources(doc)
    except (AttributeError, TypeError, KeyError):
        problems = []  # not even shaped like OpenAPI: the meta-schema check below says why
    try:
        validate_openapi(doc)
    except OpenAPIValidationError as exc:
        where = "/".join(map(str, exc.absolute_path)) or "the document root"
        problems.append(f"not valid OpenAPI 3.1: {exc.message} (at {where})")
    if problems:
        raise SchemaError("\n".join(problems))
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate only")
    parser.add_argument("--out", type=Path, help="write the bundled document as JSON")
    parser.add_argument("--schema-dir", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    try:
        doc = bundle(args.schema_dir)
    except SchemaError as exc:
        print(f"schema is malformed:\n{exc}", file=sys.stderr)
        return 1
    if args.out:
        args.out.write_text(json.dumps(doc, indent=1, sort_keys=True))
    count = len(operations(doc))
    print(f"schema ok: {count} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
