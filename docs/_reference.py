"""The API reference pages, written from the operation table and the generated models.

One page per operation (`reference/operations/<family>/<method>.md`), an index of them
all (`reference/operations/index.md`) and one page of models (`reference/models.md`).
`docs/_hooks.py` hands them to MkDocs while the site builds; nothing is written to disk,
so the pages always match the table the package ships.

    >>> pages = operation_pages()
    >>> page_path(OPERATIONS["agents.read"]) in pages
    True
    >>> len(pages) == len(OPERATIONS) + 1     # every operation, plus the index
    True
"""

from __future__ import annotations

import html
import inspect
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from livevox_async import OPERATIONS, Operation
from livevox_async._enum import LiveVoxEnum
from livevox_async._generated import models as model_module
from livevox_async._generated.resources import Resources

OPERATIONS_DIR = "reference/operations"
LEGEND = "../../evidence.md"
"""The evidence legend (`docs/_legend.py`), as an operation page links to it."""
MODELS_PAGE = "reference/models.md"
SIGNATURE_WIDTH = 100
EVIDENCE = {
    "doc": "documented by LiveVox",
    "code": "seen in client code that calls LiveVox",
    "inferred": "inferred from the documented pattern of neighbouring methods",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def escape(text: str) -> str:
    r"""Text as Markdown shows it literally.

    >>> escape("a_b* and <id> | x")
    'a\\_b\\* and \\<id\\> \\| x'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def breakable(text: str) -> str:
    """Inline code that a narrow table cell may wrap only after `/`, `.` or `_`.

    >>> breakable("GET /a_b/{id}")
    '<code>GET /<wbr>a&#95;<wbr>b/<wbr>&#123;id&#125;</code>'
    """
    safe = html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
    return "<code>" + re.sub(r"([/._])", r"\1<wbr>", safe).replace("_", "&#95;") + "</code>"


def agents_may_call(op: Operation) -> str:
    """`yes` for the methods agent sessions may call (the Session API included), else `no`."""
    return "yes" if op.agent_allowed or not op.roles else "no"


def page_path(op: Operation) -> str:
    """Where an operation's page lives in the site (`reference/operations/agents/read.md`)."""
    return f"{OPERATIONS_DIR}/{op.family}/{op.name}.md"


def resource_classes() -> dict[str, type[Any]]:
    """The resource class of each family on the client (`agents` -> `Agents`)."""
    return typing.get_type_hints(Resources)


def family_title(family: str) -> str:
    """`Agents`, `Term Code Categories`, … from the resource class; `Session` for the Session API."""
    cls = resource_classes().get(family)
    if cls is None or not cls.__doc__:
        return family.replace("_", " ").title()
    return cls.__doc__.split(":", 1)[0]


def resource_method(op: Operation) -> Callable[..., Any] | None:
    """The method of `lv.<family>` that calls the operation (None for the Session API)."""
    cls = resource_classes().get(op.family)
    return getattr(cls, op.name, None) if cls is not None else None


def python_signature(op: Operation) -> str | None:
    """The resource method as it is declared, one parameter a line when long.

    >>> print(python_signature(OPERATIONS["agents.read"]))
    async def lv.agents.read(id: int, /, *, options: RequestOptions | None = None) -> models.Agent
    """
    method = resource_method(op)
    if method is None:
        return None
    signature = inspect.signature(method)
    params = [str(p).replace("'", "") for p in list(signature.parameters.values())[1:]]
    params = _with_markers(params, list(signature.parameters.values())[1:])
    keyword = "async def" if inspect.iscoroutinefunction(method) else "def"
    returns = str(signature.return_annotation).strip("'")
    head = f"{keyword} lv.{op.family}.{op.name}"
    one_line = f"{head}({', '.join(params)}) -> {returns}"
    if len(one_line) <= SIGNATURE_WIDTH:
        return one_line
    body = "".join(f"    {p},\n" for p in params)
    return f"{head}(\n{body}) -> {returns}"


def _with_markers(rendered: list[str], params: list[inspect.Parameter]) -> list[str]:
    """Insert the `/` and `*` separators `inspect` prints only for a whole signature."""
    out: list[str] = []
    for index, (text, param) in enumerate(zip(rendered, params, strict=True)):
        previous = params[index - 1].kind if index else None
        if previous is inspect.Parameter.POSITIONAL_ONLY and param.kind is not previous:
            out.append("/")
        if param.kind is inspect.Parameter.KEYWORD_ONLY and previous is not param.kind:
            out.append("*")
        out.append(text)
    if params and params[-1].kind is inspect.Parameter.POSITIONAL_ONLY:
        out.append("/")
    return out


def description(op: Operation) -> str:
    """The prose of the resource method's docstring, between its first line and the facts."""
    method = resource_method(op)
    doc = inspect.getdoc(method) if method is not None else None
    if not doc:
        return ""
    lines = doc.splitlines()[1:]
    prose = [line for line in lines if not line.startswith(("Agent sessions:", "Evidence:", "Sources:"))]
    return "\n".join(prose).strip()


def model_link(model: type[Any] | None) -> str:
    """A link to a model's entry on the models page, or a dash."""
    if model is None:
        return "—"
    return f"[`{model.__name__}`](../../models.md#{model.__name__.lower()})"


def facts(op: Operation) -> list[tuple[str, str]]:
    """The rows of an operation's fact table."""
    roles = "any: the Session API" if not op.roles else ", ".join(sorted(op.roles))
    agents = "allowed" if agents_may_call(op) == "yes" else "refused (before sending, when the SDK knows)"
    return [
        ("HTTP", f"`{op.method} {op.path}`"),
        (
            "Success",
            f"`{op.status}`" + (f", list key `{op.list_key}`" if op.list_key else ""),
        ),
        ("Request body", model_link(op.body)),
        ("Result", model_link(op.result)),
        ("Roles", escape(roles)),
        (
            "Manager power",
            escape(op.manager_power) if op.manager_power else "none needed",
        ),
        ("Agent sessions", agents),
        (
            "Idempotent",
            "yes: retried after a lost answer" if op.idempotent else "no: never sent twice",
        ),
        (
            "Needs a session",
            "yes (`LV-Session`)" if op.session_required else "no",
        ),
        (
            "Evidence",
            f"**{op.evidence}**: {EVIDENCE[op.evidence]} ({op.evidence_parts}; [levels]({LEGEND}#levels))",
        ),
    ]


def linked_sources(op: Operation) -> str:
    """`op.source` as Markdown, each key it cites a link to its entry in the evidence legend.

    >>> linked_sources(OPERATIONS["agents.read"]).split(" ")[0]
    '[G-CM](../../evidence.md#G-CM)'
    """
    text = escape(op.source)
    if not op.source_keys:
        return text
    keys = "|".join(re.escape(k) for k in sorted(op.source_keys, key=len, reverse=True))
    return re.sub(rf"\b({keys})\b(?!-)", rf"[\1]({LEGEND}#\1)", text)


def operation_page(op: Operation) -> str:
    """The Markdown of one operation's page."""
    signature = python_signature(op)
    call = (
        f"```python\n{signature}\n```"
        if signature
        else "The client calls this method itself (logging in and out happens in the session pool)."
    )
    rows = "\n".join(f"| {name} | {value} |" for name, value in facts(op))
    parts = [
        f"# {op.id}",
        f"LiveVox calls it *{escape(op.summary)}*." + (f" {description(op)}" if description(op) else ""),
        call,
        f"| Property | Value |\n|---|---|\n{rows}",
        f"## Sources\n\n{linked_sources(op)}",
        "Source keys starting with `D-` are pages of LiveVox's documentation; keys starting "
        f"with `G-` are client code that calls LiveVox. Each is in the [evidence legend]({LEGEND}).",
    ]
    return "\n\n".join(parts) + "\n"


def index_page() -> str:
    """The table of every operation, linking to its page."""
    rows = [
        f"| [{breakable(op.id)}]({op.family}/{op.name}.md) | {breakable(f'{op.method} {op.path}')} | "
        f"{agents_may_call(op)} | {'yes' if op.idempotent else 'no'} | {op.evidence} |"
        for op in OPERATIONS.values()
    ]
    legend = "\n".join(f"- **{level}**: {meaning}." for level, meaning in EVIDENCE.items())
    return (
        "# Operations\n\n"
        f"Every LiveVox method the SDK knows: {len(OPERATIONS)} operations, generated from the "
        "operation table (`livevox_async.OPERATIONS`) that the client and the simulator share. "
        "Each page gives the Python method, the HTTP call, who may call it and how sure the SDK "
        "is of it.\n\n"
        "## Evidence\n\n"
        f"{legend}\n\n"
        "Each part of an operation (path, body, response) has its own level, and every source "
        "key an operation cites is in the [evidence legend](../evidence.md).\n\n"
        "## All operations\n\n"
        "| Operation | HTTP | Agents | Idempotent | Evidence |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def operation_pages() -> dict[str, str]:
    """Every operation page and the index, by their path in the site."""
    pages = {f"{OPERATIONS_DIR}/index.md": index_page()}
    pages.update({page_path(op): operation_page(op) for op in OPERATIONS.values()})
    return pages


def operation_nav() -> list[Any]:
    """The navigation of the operation pages: the index, then one section per family."""
    families: dict[str, list[dict[str, str]]] = {}
    for op in OPERATIONS.values():
        families.setdefault(op.family, []).append({op.name: page_path(op)})
    return [{"All operations": f"{OPERATIONS_DIR}/index.md"}] + [
        {family_title(family): entries} for family, entries in families.items()
    ]


def _models() -> Iterator[type[Any]]:
    for name in model_module.__all__:
        candidate = getattr(model_module, name)
        if isinstance(candidate, type):
            yield candidate


def _field_type(annotation: Any) -> tuple[str, bool]:
    text = str(annotation)
    optional = "UnsetType" in text
    return text.replace(" | UnsetType", "").replace("UnsetType | ", ""), optional


def model_section(model: type[Any]) -> str:
    """One model's entry: its docstring and its fields (or an enum's members)."""
    head = f"## {model.__name__}\n\n{escape(inspect.getdoc(model) or '')}"
    if issubclass(model, LiveVoxEnum):
        members = ", ".join(f"`{member.value}`" for member in model)
        return f"{head}\n\nValues: {members}. Unknown values from the server still decode.\n"
    if not attrs.has(model):
        return head + "\n"
    rows = []
    for field in attrs.fields(model):
        kind, optional = _field_type(field.type)
        wire = field.metadata.get("wire", field.name)
        rows.append(f"| `{field.name}` | `{wire}` | `{kind}` | {'optional' if optional else 'required'} |")
    table = "| Field | Wire name | Type | Presence |\n|---|---|---|---|\n" + "\n".join(rows)
    return f"{head}\n\n{table}\n"


def models_page() -> str:
    """Every request and response model, as `livevox_async.models` exports them."""
    intro = (
        "# Models\n\n"
        "Every request and response model, importable from `livevox_async.models`. "
        "Python names are snake_case; the wire name is what LiveVox sends. An optional "
        "field that LiveVox did not send is `UNSET` (never `None`), and an `UNSET` field "
        "of a request body is left out of the JSON, so an update changes only what you set.\n"
    )
    return intro + "\n" + "\n".join(model_section(model) for model in _models())


def _tree(cls: type[BaseException], prefix: str = "") -> Iterator[str]:
    children = cls.__subclasses__()
    for index, child in enumerate(children):
        last = index == len(children) - 1
        yield f"{prefix}{'└── ' if last else '├── '}{child.__name__}"
        yield from _tree(child, prefix + ("    " if last else "│   "))


def _summary(cls: type[BaseException]) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ")


def exception_tree(root: type[BaseException]) -> str:
    """The exception classes under `root`, drawn as a tree, then each with its meaning.

    >>> from livevox_async import LiveVoxError
    >>> print(exception_tree(LiveVoxError).splitlines()[1:4])
    ['LiveVoxError', '├── ConfigurationError', '├── TransportError']
    """
    classes = [root, *(c for c in _descendants(root))]
    rows = "\n".join(f"| `{cls.__name__}` | {escape(_summary(cls))} |" for cls in classes)
    drawing = "\n".join([root.__name__, *_tree(root)])
    return f"```text\n{drawing}\n```\n\n| Exception | Means |\n|---|---|\n{rows}\n"


def _descendants(cls: type[BaseException]) -> Iterator[type[BaseException]]:
    for child in cls.__subclasses__():
        yield child
        yield from _descendants(child)
