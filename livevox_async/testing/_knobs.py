"""The options of `livevox-sim` (and of `livevox sim`, which forwards to it), declared once.

A `Knob` is one option: its flag, how its text is read, the config field it sets and its
help. The field is the single source of what the option accepts and of its default: the
field's `Bound` validator (`_bounds`) is the option's allowed range, so a bad value is
refused in the option's own terms, never with the field's name.

    >>> rate = knob("--fault-rate")
    >>> rate.value("0.25"), rate.value(None)
    (0.25, 0.0)
    >>> rate.value("2")
    Traceback (most recent call last):
    ...
    livevox_async.testing._knobs.UsageError: --fault-rate must be between 0 and 1, got 2
    >>> knob("--agents").value("many")
    Traceback (most recent call last):
    ...
    livevox_async.testing._knobs.UsageError: --agents must be an integer >= 0, got many
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ._bounds import Bound
from ._config import Latency, SimulatorConfig, TenantSize, check_latency
from ._faults import FaultPlan
from ._quirks import ListQuirks


class UsageError(Exception):
    """A command line the simulator cannot run with; the message says why, in its terms."""


def _latency(text: str) -> Latency:
    low, _, high = text.partition(",")
    return check_latency((float(low), float(high)) if high else float(low))


@attrs.frozen
class Reader:
    """How an option's text becomes a value (ValueError if it cannot), and what it must be, in words."""

    parse: Callable[[str], Any]
    words: str


INTEGER = Reader(int, "an integer")
NUMBER = Reader(float, "a number")
TEXT = Reader(str, "text")
PATH = Reader(Path, "a path")
LATENCY = Reader(_latency, "SECONDS or LOW,HIGH with 0 <= LOW <= HIGH")


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@attrs.frozen
class Knob:
    """One option: `reader` None for a switch (no value); `field` the config field it sets."""

    flag: str
    help: str
    reader: Reader | None = INTEGER
    field: attrs.Attribute[Any] | None = None
    default: Any = None
    """When the option is not given and there is no `field` (else the field's default)."""
    metavar: str | None = None
    group: str | None = None
    unset: str | None = None
    """What the option not given means, for the help (`no limit`), when its value is None."""

    @property
    def dest(self) -> str:
        """The option's name as an attribute of the parsed arguments (`fault_rate`)."""
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def bound(self) -> Bound | None:
        """The allowed values: the field's validator, if it is a `Bound`."""
        validator = self.field.validator if self.field is not None else None
        return validator if isinstance(validator, Bound) else None

    @property
    def initial(self) -> Any:
        """The value when the option is not given: the field's default (plain values only)."""
        default = self.field.default if self.field is not None else attrs.NOTHING
        if self.default is not None or default is attrs.NOTHING:
            return self.default
        return default

    @property
    def help_text(self) -> str:
        """The help, with the allowed values and the default."""
        notes = [self.bound.describe(none=False)] if self.bound is not None and self.reader else []
        if self.initial not in (None, False):
            notes.append(f"default: {_shown(self.initial)}")
        elif self.unset is not None:
            notes.append(f"default: {self.unset}")
        return f"{self.help} ({'; '.join(notes)})" if notes else self.help

    def value(self, text: str | None) -> Any:
        """The option's value from what the user typed (None: not given); a switch's is its flag."""
        if text is None:
            return self.initial
        assert self.reader is not None, "a switch has no text to read"
        bound = self.bound
        words = bound.describe(none=False) if bound is not None else self.reader.words
        try:
            value = self.reader.parse(text)
        except ValueError:
            raise UsageError(f"{self.flag} must be {words}, got {text}") from None
        if bound is not None and not bound.allows(value):
            raise UsageError(f"{self.flag} must be {words}, got {text}")
        return value


_SIM = attrs.fields_dict(SimulatorConfig)
_SIZE = attrs.fields_dict(TenantSize)
_FAULTS = attrs.fields_dict(FaultPlan)
_QUIRKS = attrs.fields_dict(ListQuirks)
QUIRKS = "list quirks (every family's lists, searches and /info)"

_QUIRK_NUMBERS = {
    "page_cap": "at most N items a page, whatever count asked",
    "info_size": "every /info answers this size",
    "overlap": "a page after the first starts N items early",
    "flood": "a non-empty page holds N times the items asked",
    "vanish_per_page": "delete the first N records of every page once answered",
    "appear_per_page": "create N copies of every page's first record once answered",
}
_QUIRK_SWITCHES = {
    "ignore_offset": "every page starts at the first item (next advances as usual)",
    "backwards_next": "a page past the first points next COUNT items back",
    "endless_next": "every page has a next, past the end too",
    "empty_404": "an empty list or search page answers 404",
}
QUIRK_FIELDS = (*_QUIRK_NUMBERS, *_QUIRK_SWITCHES)
"""The `ListQuirks` fields the command line sets (each an option of the same name)."""


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


KNOBS: tuple[Knob, ...] = (
    Knob("--host", "address to listen on", TEXT, _SIM["host"]),
    Knob("--port", "port to listen on; 0 picks a free one", INTEGER, _SIM["port"], default=8089),
    Knob("--seed", "seed of the generated data", INTEGER, _SIM["seed"]),
    Knob("--agents", "number of agents", INTEGER, _SIZE["agents"]),
    Knob("--services", "number of services", INTEGER, _SIZE["services"]),
    Knob("--call-centers", "number of call centers", INTEGER, _SIZE["call_centers"]),
    Knob("--idle-timeout", "session idle expiry, seconds", NUMBER, _SIM["idle_timeout"]),
    Knob("--rate-limit", "requests/second per access token", NUMBER, _SIM["rate_limit"], unset="no limit"),
    Knob("--burst", "token bucket size of the rate limit", NUMBER, _SIM["rate_burst"]),
    Knob("--hidden-limit", "answer 429 without Retry-After", None, _SIM["hidden_rate_limit"]),
    Knob("--latency", "delay per request: SECONDS or LOW,HIGH", LATENCY, _SIM["latency"]),
    Knob("--fault-rate", "probability of a transient fault per request", NUMBER, _FAULTS["rate"]),
    Knob("--fault-seed", "seed of the fault draws", INTEGER, _FAULTS["seed"], unset="random"),
    Knob("--ready-file", "write the base URL here once listening", PATH),
    Knob(
        "--max-failed-logins",
        "lock an account after N wrong passwords in a row",
        INTEGER,
        _SIM["max_failed_logins"],
        metavar="N",
    ),
    *(
        Knob(_flag(n), text, INTEGER, _QUIRKS[n], metavar="N", group=QUIRKS)
        for n, text in _QUIRK_NUMBERS.items()
    ),
    *(Knob(_flag(n), text, None, _QUIRKS[n], group=QUIRKS) for n, text in _QUIRK_SWITCHES.items()),
)
"""Every option of `livevox-sim`, in the order `--help` lists them."""


def knob(flag: str) -> Knob:
    """The option declared with `flag`."""
    return next(k for k in KNOBS if k.flag == flag)
