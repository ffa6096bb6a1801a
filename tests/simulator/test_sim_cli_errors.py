"""`livevox-sim` / `livevox sim` refuse a bad command line in one line, in the options' own
terms, with exit status 2 — a value out of range for every option with a validator, an
unknown option, a port in use — never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from test_sim_cli import LIVEVOX, LIVEVOX_SIM, run

from livevox_async.testing._knobs import KNOBS, Knob
from livevox_async.testing._main import EXIT_USAGE

COMMANDS = {"livevox-sim": LIVEVOX_SIM, "livevox sim": (*LIVEVOX, "sim")}
SMALL = ("--agents", "5", "--services", "2")
"""A tenant seeded in no time: a command that fails at listening fails fast."""


async def one_line(command: tuple[str, ...], *args: str) -> str:
    code, out, err = await run(*command, *args)
    assert (code, out) == (EXIT_USAGE, ""), err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def out_of_range(knob: Knob) -> str:
    """A value the knob's bound refuses, as the user would type it."""
    bound = knob.bound
    assert bound is not None
    if bound.low is not None:
        low = int(bound.low) if bound.integer else bound.low
        return str(low if bound.above else low - 1)
    if bound.high is not None:
        return str(int(bound.high) + 1)
    return "1.5"  # an integer required, nothing else


def bounded() -> Iterator[Knob]:
    return (knob for knob in KNOBS if knob.bound is not None)


def test_every_checked_option_is_checked_in_its_own_terms() -> None:
    """A field validated otherwise than by a `Bound` would fail with its own (internal) name."""
    flags = {knob.flag for knob in bounded()}
    assert {"--fault-rate", "--port", "--agents", "--max-failed-logins", "--page-cap"} <= flags
    for knob in KNOBS:
        if knob.field is not None and knob.field.validator is not None:
            assert knob.flag in flags, knob.flag
    converted = {knob.flag for knob in KNOBS if knob.field is not None and knob.field.converter is not None}
    assert converted == {"--latency"}  # its reader runs the converter (test_bad_values_exact_lines)


@pytest.mark.parametrize("knob", list(bounded()), ids=lambda knob: knob.flag)
async def test_a_value_out_of_range_is_refused_in_the_options_terms(knob: Knob) -> None:
    assert knob.bound is not None
    assert knob.field is not None
    text = out_of_range(knob)
    line = await one_line(LIVEVOX_SIM, knob.flag, text)
    assert line == f"livevox-sim: {knob.flag} must be {knob.bound.describe(none=False)}, got {text}"
    assert f"{knob.field.name}:" not in line
    assert "None" not in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fault-rate", "2"), "--fault-rate must be between 0 and 1, got 2"),
        (("--fault-rate", "nan"), "--fault-rate must be between 0 and 1, got nan"),
        (("--port", "70000"), "--port must be an integer between 0 and 65535, got 70000"),
        (("--agents", "many"), "--agents must be an integer >= 0, got many"),
        (("--rate-limit", "0"), "--rate-limit must be a number > 0, got 0"),
        (("--max-failed-logins", "0"), "--max-failed-logins must be an integer >= 1, got 0"),
        (("--page-cap", "0"), "--page-cap must be an integer >= 1, got 0"),
        (("--latency", "-1"), "--latency must be SECONDS or LOW,HIGH with 0 <= LOW <= HIGH, got -1"),
        (("--seed", "x"), "--seed must be an integer, got x"),
    ],
)
@pytest.mark.parametrize("name", list(COMMANDS))
async def test_bad_values_exact_lines(name: str, args: tuple[str, ...], message: str) -> None:
    assert await one_line(COMMANDS[name], *args) == f"{name}: {message}"


@pytest.mark.parametrize("name", list(COMMANDS))
async def test_an_unknown_option_is_one_line(name: str) -> None:
    assert await one_line(COMMANDS[name], "--fault-rat", "1") == (
        f"{name}: unrecognized arguments: --fault-rat 1 (see {name} --help)"
    )


@pytest.mark.parametrize("name", list(COMMANDS))
async def test_a_busy_port_is_one_line_naming_it_and_what_to_do(name: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = await one_line(COMMANDS[name], "--port", str(port), *SMALL)
    assert line == (
        f"{name}: 127.0.0.1:{port} is already in use: stop what listens there, "
        "or pick another --port (0 picks a free one)"
    )


async def test_an_unwritable_ready_file_is_one_line() -> None:
    line = await one_line(LIVEVOX_SIM, "--port", "0", *SMALL, "--ready-file", "/nonexistent/url")
    assert line == "livevox-sim: cannot write --ready-file /nonexistent/url: No such file or directory"
