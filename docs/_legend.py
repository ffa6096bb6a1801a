"""The evidence legend: how sure the SDK is of each operation, and where each fact comes from.

`legend_page()` is the Markdown of `reference/evidence.md`: the evidence levels, then one
entry per key of the source table (`livevox_async.SOURCES`, from `schema/sources.yaml`),
anchored by the key itself (`evidence.md#D-AGT`), with what it is, its link and the
operations citing it. The operation pages link each key they cite to its entry
(`_reference.linked_sources`).

    >>> "### D-AGT {#D-AGT}" in legend_page()
    True
"""

from __future__ import annotations

from docs._reference import EVIDENCE, escape
from livevox_async import OPERATIONS, SOURCES, Operation

LEGEND_PAGE = "reference/evidence.md"
KINDS = {
    "doc": ("docs", "LiveVox's documentation (D-…)"),
    "code": ("code", "Client code that calls LiveVox (G-…)"),
}


def citing(key: str) -> list[Operation]:
    """The operations whose sources cite `key`, in table order."""
    return [op for op in OPERATIONS.values() if key in op.source_keys]


def _entry(key: str) -> str:
    source = SOURCES[key]
    where = f"<{source.url}>" if source.url else "No public address is known."
    note = f" {escape(source.note)}." if source.note else ""
    ops = citing(key)
    cited = ", ".join(f"[{op.id}](operations/{op.family}/{op.name}.md)" for op in ops)
    by = f"Cited by {len(ops)} operations: {cited}." if ops else "Cited by no operation's source text."
    return f"### {key} {{#{key}}}\n\n**{escape(source.title)}**. {where}{note}\n\n{by}\n"


def _levels() -> str:
    rows = []
    for level, meaning in EVIDENCE.items():
        parts = sum(
            1
            for op in OPERATIONS.values()
            for part in (op.evidence_parts.path, op.evidence_parts.body, op.evidence_parts.response)
            if part == level
        )
        whole = sum(1 for op in OPERATIONS.values() if op.evidence == level)
        rows.append(f"| **{level}** | {meaning} | {parts} | {whole} |")
    return (
        "| Level | Means | Parts | Operations (weakest part) |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def legend_page() -> str:
    """The Markdown of the evidence legend page."""
    sections = [
        "# Evidence legend\n\n"
        "No LiveVox tenant was reachable while this SDK was written, so every operation says "
        "how its shape is known, part by part: the **path** (verb and path), the request "
        "**body** (when it has one) and the **response** (the success status and the answer's "
        "shape). An operation's evidence is its weakest part. Each "
        "[operation page](operations/index.md) names its sources by the keys below.",
        "## Levels {#levels}\n\n" + _levels(),
        "What a guess means for you: `livevox probe` checks the reads of a real tenant "
        "against the schema; `livevox apply` sends a write whose path is `inferred` only "
        "with `--allow-inferred`, and `livevox plan` warns of the body fields it would send "
        "whose shape is inferred. The same facts are data: `Operation.evidence_parts` and "
        "`Operation.source_keys`, resolved in `livevox_async.SOURCES` (the table below, "
        "from `schema/sources.yaml`).",
    ]
    for kind, (anchor, title) in KINDS.items():
        keys = [key for key, source in SOURCES.items() if source.kind == kind]
        sections.append(f"## {title} {{#{anchor}}}\n\n" + "\n".join(_entry(key) for key in keys))
    return "\n\n".join(sections) + "\n"
