"""`LiveVoxEnum`: string enums that accept values LiveVox adds later.

An export must not break because LiveVox started sending a new enum value, so a value
that is not a member becomes a *pseudo-member* of the same enum: it compares equal to
its string, round-trips unchanged, and `is_known` tells it apart.

    >>> from livevox_async.models import TermCodeAction
    >>> TermCodeAction("DISCONNECT_CALL") is TermCodeAction.DISCONNECT_CALL
    True
    >>> new = TermCodeAction("TRANSFER_TO_QUEUE")
    >>> new == "TRANSFER_TO_QUEUE", new.is_known
    (True, False)
"""

from __future__ import annotations

import enum
from typing import Any, Self


class LiveVoxEnum(enum.StrEnum):
    """Base of every generated enum; tolerant of unknown string values."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo

    @property
    def is_known(self) -> bool:
        """False for a value this SDK's schema does not list."""
        return type(self)._value2member_map_.get(self._value_) is self

    def __reduce_ex__(self, protocol: Any) -> Any:
        return type(self), (self._value_,)
