"""Where an action runs (its step) and what it is called (its id)."""

from __future__ import annotations

from typing import Any

from ._keys import Key, token
from ._plan import ActionKind
from ._relations import level, levels


def step_of(kind: ActionKind, family: str) -> int:
    """Creates and updates by dependency level, then memberships, then deletes in reverse."""
    top = max(levels().values())
    if kind in ("create", "update"):
        return level(family)
    if kind in ("add", "remove"):
        return top + 1
    return top + 2 + (top - level(family))


def action_id(op: str, key: Key | None, member: Key | None = None, where: Any = None) -> str:
    """`<op> <key JSON>[ <member key JSON>]`; `#<id>` for an object without a key or one of several."""
    parts = [op, token(key) if key is not None else f"#{where}"]
    if member is not None:
        parts.append(token(member))
    elif key is not None and where is not None:
        parts.append(f"#{where}")
    return " ".join(parts)
