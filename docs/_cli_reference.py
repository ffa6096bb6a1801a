"""The CLI reference page, written from the commands' own help while the site builds.

>>> page = cli_page()
>>> "livevox export" in page and "LIVEVOX_PASSWORD" in page and "livevox-sim" in page
True
"""

from __future__ import annotations

import os
import subprocess
import sys

import click

from livevox_async import ENVIRONMENT, cli

HELP_WIDTH = 80


def command_help(path: tuple[str, ...]) -> str:
    """`livevox … --help` as click prints it, for the group (`()`) or a command (`("export",)`)."""
    command: click.Command = cli.main
    context = click.Context(
        command,
        info_name="livevox",
        terminal_width=HELP_WIDTH,
        **command.context_settings,
    )
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
        settings = {"terminal_width": HELP_WIDTH, **command.context_settings}
        context = click.Context(command, info_name=name, parent=context, **settings)
    return command.get_help(context)


def simulator_help() -> str:
    """`livevox-sim --help`, run as the user would (`python -m livevox_async.testing`)."""
    env = {**os.environ, "COLUMNS": str(HELP_WIDTH)}
    command = [sys.executable, "-m", "livevox_async.testing", "--help"]
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


def exit_codes() -> list[str]:
    """The exit codes the `livevox` command documents, one per entry (`0 done (diff: no drift)`)."""
    doc = cli.__doc__ or ""
    block = doc.split("Exit codes:\n", 1)[1].split("\nEvery failure", 1)[0]
    entries: list[str] = []
    for line in block.splitlines():
        if line[4:5].isdigit():
            entries.append(line.strip())
        elif entries:
            entries[-1] += " " + line.strip()
    return [" ".join(entry.split()) for entry in entries]


def _block(text: str) -> str:
    return f"```text\n{text.rstrip()}\n```"


def cli_page() -> str:
    """The Markdown of the CLI reference."""
    group: click.Group = cli.main  # type: ignore[assignment]
    commands = "\n\n".join(
        f"## `livevox {name}`\n\n{_block(command_help((name,)))}" for name in sorted(group.commands)
    )
    codes = [entry.partition(" ") for entry in exit_codes()]
    variables = "\n".join(f"| `{name}` | {meaning} |" for name, meaning in ENVIRONMENT.items())
    return (
        "# Command line\n\n"
        "`pip install 'livevox-async[cli]'` installs `livevox`; `livevox-sim` (the simulator) "
        "comes with every install. The help below is the commands' own, printed while these "
        "pages were built.\n\n"
        f"{_block(command_help(()))}\n\n"
        "## Environment\n\n"
        "Credentials never go on the command line; the commands read them from the environment "
        "(the same variables as `Credentials.from_env()`):\n\n"
        f"| Variable | Holds |\n|---|---|\n{variables}\n\n"
        "## Exit codes\n\n" + "".join(f"- `{code}` {meaning}\n" for code, _, meaning in codes) + "\n"
        f"{commands}\n\n"
        f"## `livevox-sim`\n\n{_block(simulator_help())}\n"
    )
