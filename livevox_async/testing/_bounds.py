"""The allowed numbers of a simulator knob, declared once as data.

A `Bound` is the attrs validator of a config field (`SimulatorConfig`, `TenantSize`,
`FaultPlan`, `ListQuirks`), so Python code gets a `ValueError` naming the field; and
`livevox-sim` reads the same `Bound` off the field to check an option and to say, in the
option's own name, what it accepts.

    >>> rate = Bound(low=0, high=1)
    >>> rate.allows(0.5), rate.allows(2), rate.allows(float("nan"))
    (True, False, False)
    >>> rate.message("rate", 2.0)
    'rate: must be between 0 and 1, got 2.0'
    >>> cap = Bound(low=1, integer=True, optional=True)
    >>> cap.describe(), cap.describe(none=False)
    ('an integer >= 1 or None', 'an integer >= 1')
"""

from __future__ import annotations

from typing import Any

import attrs


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


@attrs.frozen
class Bound:
    """Numbers from `low` (excluded when `above`) to `high`, whole ones only if `integer`;
    None too if `optional`. A bool is never a number here."""

    low: float | None = None
    high: float | None = None
    above: bool = False
    integer: bool = False
    optional: bool = False

    def allows(self, value: Any) -> bool:
        if value is None:
            return self.optional
        if isinstance(value, bool) or not isinstance(value, int if self.integer else int | float):
            return False
        if self.low is not None and not (value > self.low if self.above else value >= self.low):
            return False
        return self.high is None or value <= self.high

    def describe(self, *, none: bool = True) -> str:
        """What the bound allows, in words (`none=False`: leave out that None is allowed)."""
        kind = "an integer" if self.integer else "a number"
        if self.low is not None and self.high is not None:
            words = f"between {_number(self.low)} and {_number(self.high)}"
            words = f"{kind} {words}" if self.integer else words
        elif self.low is not None:
            words = f"{kind} {'>' if self.above else '>='} {_number(self.low)}"
        elif self.high is not None:
            words = f"{kind} <= {_number(self.high)}"
        else:
            words = kind
        return f"{words} or None" if self.optional and none else words

    def message(self, name: str, value: Any) -> str:
        return f"{name}: must be {self.describe()}, got {value!r}"

    def __call__(self, instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        """The attrs validator: ValueError naming the field."""
        if not self.allows(value):
            raise ValueError(self.message(attribute.name, value))
