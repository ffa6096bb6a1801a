"""`UNSET`: the value of a model field that was not given.

LiveVox treats an absent key and a `null` differently (a `null` in an update may clear
data), so every optional model field defaults to `UNSET` and is left out of the JSON
that is sent. On decoding, an absent key (or a `null`) becomes `UNSET`.

    >>> from livevox_async import UNSET
    >>> from livevox_async.models import AgentUpdate
    >>> update = AgentUpdate(phone="5551234")
    >>> update.active is UNSET
    True
"""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias


class UnsetType(enum.Enum):
    """The type of `UNSET`; a one-member enum so that `x is UNSET` narrows types."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = UnsetType.UNSET
Unset: TypeAlias = Literal[UnsetType.UNSET]
