"""The export directory on disk: one export at a time, no symlink followed, typed errors.

    with lock_directory(out_dir, resume=True):  # ExportError: another export is running there
        prepare(out_dir, resume=True)            # ExportError: nothing to resume there
        with open_append(out_dir / ".checkpoint" / "agents.jsonl.part") as f:
            f.write(b'{"id":7}\\n')
        replace_file(out_dir / "manifest.json", b"{}\\n")

Layout: `<family>.jsonl` files, `manifest.json` (written last) and, while the export
is unfinished, `.checkpoint/`. Every export (or resume) of the directory holds an
`flock` on `.export.lock` for as long as it runs and removes the file when it stops,
however it stops; only a killed process leaves it behind: empty, not export data, and
ignored by `prepare`. (A process that locked a removed lock file sees it and retries.)

No symlink is ever followed: the directory, an entry in it or in `.checkpoint/` being a
symlink (or a FIFO, socket or device) makes the export refuse the directory, and every
file is opened with `O_NOFOLLOW` (new ones with `O_EXCL`). Every `OSError` of the file
layer becomes an `ExportError` naming the path; a full disk says so and that the
checkpoint is kept, so `resume=True` carries on once there is space again.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, Self

from .. import _json
from .._exceptions import ExportError

MANIFEST = "manifest.json"
CHECKPOINT = ".checkpoint"
STATE = "state.json"
LOCK = ".export.lock"

BUFFER = 1 << 20
"""Bytes an `AppendFile` holds before it writes them."""
LOCK_ATTEMPTS = 10
"""Times to retry a lock whose file a finishing export removed meanwhile."""
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
_FULL = (errno.ENOSPC, errno.EDQUOT)

Doing = Literal["read", "write"]


RESUME = "the checkpoint is kept: run the export again with resume=True (--resume)"


def file_error(path: Path, exc: OSError, doing: Doing = "write") -> ExportError:
    """The `ExportError` for an `OSError` on `path`: what happened and, for a write, how to go on."""
    if exc.errno == errno.ELOOP:
        return symlink_error(path)
    if doing == "read":
        return ExportError(f"cannot read {path} ({exc.strerror})")
    if exc.errno in _FULL:
        return ExportError(
            f"cannot write {path}: the disk is full ({exc.strerror}); {RESUME} once there is free space"
        )
    return ExportError(f"cannot write {path} ({exc.strerror}); {RESUME} once it is fixed")


def symlink_error(path: Path) -> ExportError:
    return ExportError(
        f"{path} is a symbolic link; an export never follows one: remove it or choose another directory"
    )


def _open(path: Path, flags: int) -> int:
    """`path` opened to write, never through a symlink."""
    try:
        return os.open(path, flags | _NOFOLLOW, 0o644)
    except OSError as exc:
        raise file_error(path, exc) from None


# -- the lock --------------------------------------------------------------------------


def _unusable(out_dir: Path, path: Path, exc: OSError) -> ExportError:
    if exc.errno == errno.ELOOP:
        return symlink_error(path)
    return ExportError(f"cannot write to the output directory {out_dir} ({exc.strerror})")


def holds_checkpoint(out_dir: Path) -> bool:
    """Whether `out_dir` holds an interrupted export, the one `resume=True` (`--resume`)
    continues — as `prepare` sees it: a `.checkpoint` entry.

    >>> import tempfile
    >>> holds_checkpoint(Path(tempfile.mkdtemp()))
    False
    """
    return os.path.lexists(out_dir / CHECKPOINT)


def nothing_to_resume(out_dir: Path) -> ExportError:
    return ExportError(
        f"nothing to resume in {out_dir}: it holds no interrupted export; "
        "start a new one without resume=True (--resume)"
    )


def _open_directory(out_dir: Path, *, create: bool) -> int:
    """A descriptor of `out_dir` (made if missing when `create`); refused if it is a symlink."""
    if out_dir.is_symlink():
        raise symlink_error(out_dir)
    try:
        if create:
            out_dir.mkdir(parents=True, exist_ok=True)
        return os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
    except FileNotFoundError:
        raise nothing_to_resume(out_dir) from None
    except OSError as exc:
        raise _unusable(out_dir, out_dir, exc) from None


def _busy(out_dir: Path) -> ExportError:
    return ExportError(f"another export is running in {out_dir}; wait for it to end or use another directory")


def _same_file(fd: int, name: str, dir_fd: int) -> bool:
    try:
        named = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _take_lock(out_dir: Path, dir_fd: int) -> int | None:
    """The locked lock file's descriptor; None if a finishing export removed the file meanwhile."""
    try:
        fd = os.open(LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644, dir_fd=dir_fd)
    except OSError as exc:
        raise _unusable(out_dir, out_dir / LOCK, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise _busy(out_dir) from None
    if _same_file(fd, LOCK, dir_fd):
        return fd
    os.close(fd)
    return None


class ExportLock:
    """The `flock` on `<out_dir>/.export.lock`, held by one export (in any process) at a time.

    Use it as a context manager (`with lock_directory(out_dir): ...`): leaving the block
    removes the lock file and releases the lock, whatever the exit.
    """

    def __init__(self, dir_fd: int, fd: int) -> None:
        self._dir_fd = dir_fd
        self._fd = fd

    def release(self) -> None:
        """Remove the lock file (while still holding it), then unlock."""
        if self._fd < 0:
            return
        try:
            os.unlink(LOCK, dir_fd=self._dir_fd)
        except FileNotFoundError:
            pass
        finally:
            os.close(self._fd)
            os.close(self._dir_fd)
            self._fd = self._dir_fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def lock_directory(out_dir: Path, *, resume: bool = False) -> ExportLock:
    """Make `out_dir` if needed (not to `resume`: it must exist) and lock it; `ExportError`
    if another export holds it."""
    dir_fd = _open_directory(out_dir, create=not resume)
    try:
        for _ in range(LOCK_ATTEMPTS):
            fd = _take_lock(out_dir, dir_fd)
            if fd is not None:
                return ExportLock(dir_fd, fd)
    except BaseException:
        os.close(dir_fd)
        raise
    os.close(dir_fd)
    raise _busy(out_dir)


# -- what the directory holds ----------------------------------------------------------


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise file_error(directory, exc, "read") from None


def refuse_links(out_dir: Path) -> None:
    """`ExportError` if anything in `out_dir` or its checkpoint is a symlink or a special file."""
    for directory in (out_dir, out_dir / CHECKPOINT):  # a symlinked checkpoint: refused as an entry
        for entry in _entries(directory):
            path = Path(entry.path)
            if entry.is_symlink():
                raise symlink_error(path)
            mode = entry.stat(follow_symlinks=False).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise ExportError(f"{path} is not a regular file; remove it or choose another directory")


def prepare(out_dir: Path, *, resume: bool) -> None:
    """Check a locked directory: empty for a new export, holding a checkpoint to `resume`."""
    refuse_links(out_dir)
    names = {entry.name for entry in _entries(out_dir)} - {LOCK}
    if MANIFEST in names:
        raise ExportError(f"{out_dir} already holds a complete export; choose a new directory")
    if CHECKPOINT in names:
        if not resume:
            raise ExportError(f"{out_dir} holds an interrupted export; resume it (resume=True / --resume)")
        return
    if resume:
        raise nothing_to_resume(out_dir)
    if names:
        raise ExportError(f"{out_dir} is not empty and holds no export; choose an empty directory")


# -- files -----------------------------------------------------------------------------


class AppendFile:
    """A file opened to write at its end, never through a symlink; `write` buffers, `flush` writes.

        with open_append(path) as f:
            f.write(b'{"id":7}\\n')
            f.flush()

    Every failure is an `ExportError` naming the file (`file_error`).
    """

    def __init__(self, path: Path, *, new: bool = False) -> None:
        self.path = path
        self._fd = _open(path, os.O_WRONLY | os.O_CREAT | (os.O_EXCL if new else os.O_APPEND))
        self._buffer = bytearray()

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= BUFFER:
            self.flush()

    def flush(self) -> None:
        pending, self._buffer = memoryview(self._buffer), bytearray()
        try:
            while pending:
                pending = pending[os.write(self._fd, pending) :]
        except OSError as exc:
            raise file_error(self.path, exc) from None

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            self.flush()
        finally:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_append(path: Path) -> AppendFile:
    """`path` opened to append to (created if missing)."""
    return AppendFile(path)


def remove(path: Path) -> None:
    """Delete `path` if it exists (a symlink itself, never its target)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise file_error(path, exc) from None


def _open_fresh(path: Path) -> AppendFile:
    """`path` emptied and opened to write: whatever was there (a symlink too) is removed first."""
    remove(path)
    return AppendFile(path, new=True)


def touch(path: Path) -> None:
    """Create `path` empty if it does not exist."""
    open_append(path).close()


def rename(src: Path, dst: Path) -> None:
    """Move `src` over `dst` (a symlink at `dst` is replaced, never followed)."""
    try:
        os.replace(src, dst)
    except OSError as exc:
        raise file_error(dst, exc) from None


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` atomically: a new temporary file, then a rename over `path`."""
    tmp = path.with_name(path.name + ".tmp")
    with _open_fresh(tmp) as f:
        f.write(data)
    rename(tmp, path)


def _reader(path: Path, flags: int = os.O_RDONLY) -> BinaryIO | None:
    """`path` opened to read (`O_RDWR` in `flags`: and write); None if it does not exist."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO cannot hang us
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise file_error(path, exc, "read") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ExportError(f"{path} is not a regular file")
    return os.fdopen(fd, "r+b" if flags & os.O_RDWR else "rb")


def _existing(path: Path) -> BinaryIO:
    f = _reader(path)
    if f is None:
        raise ExportError(f"cannot read {path}: it is missing")
    return f


def read_file(path: Path) -> bytes | None:
    """The bytes of `path`; None if it does not exist."""
    f = _reader(path)
    if f is None:
        return None
    with f:
        return f.read()


def _damage_hint(path: Path) -> str:
    if path.parent.name == CHECKPOINT:
        return f"; the checkpoint is damaged: delete {path.parent} to start over"
    return ""


def parse_line(path: Path, number: int, line: bytes) -> dict[str, Any]:
    """One JSON-lines record; `ExportError` naming the file and line when it is not an object."""
    try:
        value = _json.loads(line)
    except _json.JSONDecodeError as exc:
        raise ExportError(f"{path}, line {number}: not JSON ({exc}){_damage_hint(path)}") from None
    if not isinstance(value, dict):
        raise ExportError(f"{path}, line {number}: not a JSON object{_damage_hint(path)}")
    return value


def valid_lines(path: Path) -> int:
    """Complete lines in `path` (0 if it is missing), each checked to be a JSON object.

    A partial last line, left by a crash, is cut off.
    """
    f = _reader(path, os.O_RDWR)
    if f is None:
        return 0
    with f:
        count = end = 0
        for line in f:
            if not line.endswith(b"\n"):
                f.truncate(end)
                break
            count += 1
            parse_line(path, count, line)
            end += len(line)
    return count


def read_lines(path: Path, skip: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(line number, object)` for each line of a JSON-lines file after the first `skip`."""
    for number, _, value in read_records(path, skip):
        yield number, value


def read_records(path: Path, skip: int = 0) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
    """`(line number, the line as written, its object)` for each line after the first `skip`."""
    with _existing(path) as f:
        for number, line in enumerate(f, 1):
            if number > skip:
                yield number, line, parse_line(path, number, line)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with _existing(path) as f:
        for block in iter(lambda: f.read(BUFFER), b""):
            digest.update(block)
    return digest.hexdigest()


def _id_index(path: Path) -> list[tuple[Any, int, int]]:
    """`(id, offset, length)` of each line."""
    index: list[tuple[Any, int, int]] = []
    offset = 0
    with _existing(path) as f:
        for number, line in enumerate(f, 1):
            record = parse_line(path, number, line)
            if "id" not in record:
                raise ExportError(f"{path}, line {number}: the record has no id{_damage_hint(path)}")
            index.append((record["id"], offset, len(line)))
            offset += len(line)
    return index


def sort_by_id(path: Path) -> None:
    """Rewrite a JSON-lines file sorted by `id`, holding only ids and offsets in memory."""
    index = sorted(_id_index(path), key=lambda entry: entry[0])
    tmp = path.with_name(path.name + ".sorting")
    with _existing(path) as src, _open_fresh(tmp) as dst:
        for _, start, length in index:
            src.seek(start)
            dst.write(src.read(length))
    rename(tmp, path)
