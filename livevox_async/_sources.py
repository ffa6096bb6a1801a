"""Where the schema's facts come from: the source table, by the keys the schema cites.

Every operation names its sources (`Operation.source`, and the keys in it as
`Operation.source_keys`); `SOURCES` resolves each key to a public page or repository.
The table is data (`schema/sources.yaml`), generated into `_generated/sources.py`.

    >>> from livevox_async import OPERATIONS, SOURCES
    >>> OPERATIONS["agents.read"].source_keys
    ('G-CM', 'G-JD-DIALER', 'G-JD-METRICS')
    >>> SOURCES["G-CM"].url
    'https://github.com/juanchanaga/is-call-multiplier/tree/ajustes/prueba7'
"""

from __future__ import annotations

from typing import Literal

import attrs


@attrs.frozen
class Source:
    """One entry of the source table."""

    key: str
    """As the schema cites it: `D-…` for LiveVox's docs, `G-…` for public code."""
    kind: Literal["doc", "code"]
    title: str
    url: str | None
    """The public page or repository; None when it is not known (then `note` says why)."""
    note: str | None = None
