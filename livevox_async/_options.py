"""`RequestOptions`: per-call settings that override the client's defaults.

>>> from livevox_async import RequestOptions
>>> agent = await lv.agents.read(1234, options=RequestOptions(timeout=5, retry=False))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from ._exceptions import ConfigurationError


def positive_seconds(name: str, value: float | None) -> None:
    """Refuse a number of seconds that is not finite and > 0 (None means "not set").

    >>> positive_seconds("timeout", 0)
    Traceback (most recent call last):
    ...
    livevox_async._exceptions.ConfigurationError: timeout must be a finite number of seconds > 0, got 0
    """
    if value is None:
        return
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not (number and math.isfinite(value) and value > 0):
        raise ConfigurationError(f"{name} must be a finite number of seconds > 0, got {value!r}")


def _seconds(instance: Any, attribute: Any, value: float | None) -> None:
    positive_seconds(attribute.name, value)


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Settings for one call; `None` means "use the client's setting"."""

    timeout: float | None = attrs.field(default=None, validator=_seconds)
    """Seconds for one attempt (connect, send and read the answer)."""
    deadline: float | None = attrs.field(default=None, validator=_seconds)
    """Seconds for the whole call, every retry and wait for a rate-limit token included."""
    retry: bool = True
    """False: send once, never retry (a 401 re-login still happens)."""
