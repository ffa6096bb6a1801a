"""`RequestOptions`: per-call settings that override the client's defaults.

>>> from livevox_async import RequestOptions
>>> agent = await lv.agents.read(1234, options=RequestOptions(timeout=5, retry=False))  # doctest: +SKIP
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Settings for one call; `None` means "use the client's setting"."""

    timeout: float | None = None
    """Seconds for one attempt (connect, send and read the answer)."""
    deadline: float | None = None
    """Seconds for the whole call, every retry and wait for a rate-limit token included."""
    retry: bool = True
    """False: send once, never retry (a 401 re-login still happens)."""
