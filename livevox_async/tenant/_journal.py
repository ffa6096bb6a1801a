"""Apply's state on disk: the journal that makes it resumable, and the passwords file.

    state/
      state.json       which plan this state belongs to (its sha256)
      journal.jsonl    one line per event: {"action": id, "event": "sent"|"done"|..., ...}
      backup/          the export of the touched families taken before the first write

A create is journaled `sent` before it goes out and `done` with its id after; a
re-run of the same plan skips what is `done` and, for a create `sent` but never
`done`, looks the object up by natural key before sending anything. Lines are flushed
to the OS as they are written (a killed process loses none).

The passwords file gets one JSON line per created agent or user,
`{"family": ..., "key": [...], "password": ...}`, written and fsynced **before** the
create is sent; it is created with mode 0600 and refused if others may read it. If an
object appears twice (a create re-sent after it was found missing), the last line is
the password in effect.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import stat
import string
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from .._json import dumps_sorted, loads
from ._errors import PlanError
from ._keys import Key

STATE = "state.json"
JOURNAL = "journal.jsonl"
BACKUP = "backup"
PASSWORD_LENGTH = 20
_ALPHABET = string.ascii_letters + string.digits


@attrs.frozen
class Entry:
    """One journal line."""

    action: str
    event: str
    """`sent` (a create went out), `done`, `stale`, `failed`, `refused`, `skipped`."""
    id: Any = None
    """The object's id in the target, once known."""
    detail: str | None = None


class Journal:
    """`journal.jsonl`: what earlier runs of this plan did, and what this one does."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list[Entry]] = {}
        if path.exists():
            for line in _complete_lines(path):
                entry = Entry(**loads(line))
                self.entries.setdefault(entry.action, []).append(entry)
        self._file: IO[bytes] = path.open("ab")

    def close(self) -> None:
        self._file.close()

    def record(self, entry: Entry) -> None:
        self.entries.setdefault(entry.action, []).append(entry)
        self._file.write(dumps_sorted(attrs.asdict(entry)) + b"\n")
        self._file.flush()

    def done(self, action: str) -> Entry | None:
        """The `done` entry of an action, if an earlier run finished it."""
        return next((e for e in self.entries.get(action, ()) if e.event == "done"), None)

    def was_sent(self, action: str) -> bool:
        """A create went out at least once (its answer may have been lost)."""
        return any(e.event == "sent" for e in self.entries.get(action, ()))

    def created(self) -> dict[str, Any]:
        """action id -> target id of every create done."""
        return {a: e.id for a, entries in self.entries.items() for e in entries if e.event == "done"}


def _complete_lines(path: Path) -> Iterator[bytes]:
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end != len(data):
        with path.open("r+b") as f:
            f.truncate(end)  # a line cut by a crash
    yield from data[:end].splitlines()


class StateDir:
    """The state directory of one plan; PlanError when it belongs to another plan."""

    def __init__(self, path: Path, plan_sha256: str) -> None:
        self.path = path
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlanError(f"cannot create the state directory {path} ({exc.strerror})") from None
        state = path / STATE
        if state.exists():
            recorded = loads(state.read_bytes()).get("plan_sha256")
            if recorded != plan_sha256:
                raise PlanError(f"{path} holds the state of another plan; give another --state-dir")
        else:
            state.write_bytes(dumps_sorted({"plan_sha256": plan_sha256}) + b"\n")
        self.journal = Journal(path / JOURNAL)

    @property
    def backup(self) -> Path:
        return self.path / BACKUP


def new_password() -> str:
    """A random initial password meeting LiveVox's rule (>= 8 characters, a digit) with room."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isupper() for c in password):
            return password


class PasswordFile:
    """The `--passwords` file: mode 0600, appended to and fsynced before each create."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise PlanError(f"cannot open the passwords file {path} ({exc.strerror})") from None
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & 0o077:
            os.close(fd)
            raise PlanError(f"the passwords file {path} may be read by others (mode {mode:o}); chmod 600 it")
        self._fd = fd

    async def append(self, family: str, key: Key, password: str) -> None:
        """Append one password and wait until it is on disk (fsync, in a thread: the loop runs on)."""
        line = dumps_sorted({"family": family, "key": key, "password": password}) + b"\n"
        os.write(self._fd, line)
        await asyncio.to_thread(os.fsync, self._fd)

    def close(self) -> None:
        os.close(self._fd)

    def __repr__(self) -> str:
        return f"<PasswordFile {self.path}>"
