"""`export_configuration`: a whole tenant's configuration to files, fast and resumable.

    >>> import asyncio, tempfile
    >>> from livevox_async import LiveVox
    >>> from livevox_async.testing import Simulator, SimulatorConfig, TenantSize
    >>> async def export_to(out):  # against LiveVox: LiveVox(creds, region="NA6", rate=20)
    ...     async with Simulator(SimulatorConfig(size=TenantSize(agents=30, services=4))) as sim:
    ...         async with LiveVox(sim.credentials("Sysadmin"), base_url=sim.base_url) as lv:
    ...             return await export_configuration(lv, out, ["agents", "voices"], concurrency=16)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = asyncio.run(export_to(f"{tmp}/export"))
    >>> result.manifest.totals.objects, result.manifest.totals.requests
    (40, 74)
    >>> agents = result.manifest.families["agents"]
    >>> agents.file, agents.count, agents.vanished, agents.listing.info_size
    ('agents.jsonl', 30, [], 30)
    >>> result.skipped, result.read_nothing
    ({}, False)

`result.manifest` is a `Manifest` (`_manifest.py`), what `manifest.json` holds.

For each family (`_export_plan.py`): the list's pages, fetched concurrently by offset
after one `/info`; then each item's reads (`read`, `related`, …) with up to
`concurrency` calls in flight, written in list order. Every call goes through the
client, so its rate limiter, retries and re-login apply.

Output: `<family>.jsonl`, one object per line sorted by id —
`{"id": 7, "agents.read": {...}, "agents.related": {...}}`, each value the wire JSON
LiveVox sent (keys sorted) — and `manifest.json`, written last: a directory without it
is not a complete export. Two exports of an unchanged tenant are byte-identical apart
from the manifest's times.

Interrupted (cancelled, killed, an error after retries)? The `.checkpoint/` directory
keeps what is done: the list items and the records already written, family by family.
`resume=True` carries on without fetching any of it again.

The directory (`_export_dir.py`): one export or resume at a time, across processes (it
holds `.export.lock` while it runs); a symlink in it is refused, never followed; a full
disk, a damaged checkpoint or a garbage line in one is an `ExportError` saying what is
wrong and how to go on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import attrs

from .._client import ClientStats, LiveVox
from .._exceptions import ExportError, LiveVoxError, NotFoundError, PermissionDeniedError
from .._generated import models
from .._generated.operations import OPERATIONS
from .._json import dumps_sorted
from .._logging import log
from .._operation import Operation
from .._pagination import ListReport, Page
from ._checkpoint import Checkpoint, CheckpointState, ExportSettings, FamilyState
from ._export_dir import (
    MANIFEST,
    AppendFile,
    lock_directory,
    open_append,
    prepare,
    read_lines,
    read_records,
    remove,
    rename,
    replace_file,
    sort_by_id,
    touch,
    valid_lines,
)
from ._export_plan import AUDIT_LOG, FamilyPlan, export_plan
from ._manifest import FORMAT, FamilyManifest, Manifest, ManifestListing, ManifestTotals

REORDER = 8

Phase = Literal["listing", "reading", "done", "skipped"]


@attrs.frozen
class Progress:
    """A progress report: `family` has `done` of `total` items in `phase`."""

    family: str
    phase: Phase
    done: int
    total: int | None


ProgressFn = Callable[[Progress], None]


@attrs.frozen
class ExportResult:
    """What an export wrote: the directory and its manifest (`Manifest`, as written)."""

    out_dir: Path
    manifest: Manifest
    resumed: bool = False
    """True when this call finished an interrupted export (`manifest.totals` says what this
    run cost; each family's `requests` counts every run)."""

    @property
    def skipped(self) -> dict[str, str]:
        """Families not exported, with the reason."""
        return dict(self.manifest.skipped)

    @property
    def read_nothing(self) -> bool:
        """True when the session could read none of the families asked for: each was
        refused (by the role check or by LiveVox), so the export holds no family."""
        return not self.manifest.families


VANISHED = "vanished"
"""Key of a work-file line for an object that was listed but gone when read."""


@attrs.frozen
class _Published:
    """What `_publish` wrote: the family file's verified count, digest and what was absent."""

    count: int
    sha256: str
    vanished: list[Any]
    missing_reads: dict[str, int]


def _publish(part: Path, target: Path, *, unsorted: bool) -> _Published:
    """Move a finished work file to `target`: sorted by id, vanished markers left out.

    Runs in a thread (it reads the whole file once or twice).
    """
    if unsorted:
        sort_by_id(part)
    digest = hashlib.sha256()
    vanished: list[Any] = []
    missing: dict[str, int] = {}
    count = 0
    tmp = part.with_name(part.name + ".publishing")
    remove(tmp)
    with AppendFile(tmp, new=True) as out:
        for _, line, record in read_records(part):
            if VANISHED in record:
                vanished.append(record["id"])
                continue
            for key, value in record.items():
                if value is None:
                    missing[key] = missing.get(key, 0) + 1
            out.write(line)
            digest.update(line)
            count += 1
    rename(tmp, target)
    remove(part)
    return _Published(count, digest.hexdigest(), vanished, dict(sorted(missing.items())))


class _Exporter:
    def __init__(
        self,
        lv: LiveVox,
        out_dir: Path,
        plans: Sequence[FamilyPlan],
        *,
        concurrency: int,
        progress: ProgressFn | None,
    ) -> None:
        self.lv = lv
        self.out_dir = out_dir
        self.plans = plans
        self.concurrency = concurrency
        self.progress = progress or (lambda _: None)
        self.checkpoint = Checkpoint(out_dir)
        self.client_id = 0

    def _report(self, family: str, phase: Phase, done: int, total: int | None) -> None:
        self.progress(Progress(family, phase, done, total))

    def _refused(self, ops: Sequence[Operation]) -> dict[str, str]:
        """Operations no session of the client may call, with the reason."""
        reasons = {op.id: self.lv.preflight(op) for op in ops}
        return {op_id: reason for op_id, reason in reasons.items() if reason is not None}

    async def run_family(self, plan: FamilyPlan) -> None:
        ck = self.checkpoint.family(plan.name)
        if ck.done or ck.skipped is not None:
            return
        refused = self._refused(plan.operations)
        listing_refused = plan.list_op is not None and plan.list_op.id in refused
        if listing_refused or len(refused) == len(plan.operations):
            self._skip(plan.name, f"{next(iter(refused.values()))} ({', '.join(refused)})")
            return
        details = [op for op in plan.details if op.id not in refused]
        ck.details_skipped = refused
        try:
            if plan.list_op is not None:
                await self._list(plan, ck)
            await self._read_items(plan, ck, details)
        except PermissionDeniedError as exc:
            # LiveVox refused what the SDK could not know (a role it was not told).
            self.checkpoint.discard(plan.name)
            self._skip(plan.name, f"LiveVox refused {exc.operation}: {exc.lv_message or 'forbidden'}")
            return
        await self._finish(plan, ck)

    def _skip(self, name: str, reason: str) -> None:
        self.checkpoint.family(name).skipped = reason
        self.checkpoint.save()
        self._report(name, "skipped", 0, None)
        log(logging.INFO, "export skips %s: %s", name, reason)

    async def _list(self, plan: FamilyPlan, ck: FamilyState) -> None:
        """Write the family's list items, each id once, to the checkpoint; see `_listing_pass`.

        With an `/info`, its `lastModified` is read before and after: a family that changed
        while it was listed (a deletion can shift the offsets) is walked once more, keeping
        what the first pass found; if it changed again, the manifest says so.
        """
        if ck.listed:
            return
        assert plan.list_op is not None
        info = plan.info_op if plan.info_op is not None and not self._refused([plan.info_op]) else None
        items_file = self.checkpoint.items_file(plan.name)
        resumed_at = valid_lines(items_file)
        before = await self._info(info, ck)
        report = await self._listing_pass(plan, ck, before, start=resumed_at, written=resumed_at)
        if info is not None and not resumed_at:
            after = await self._info(info, ck)
            if after is not None and before is not None and after.last_modified != before.last_modified:
                log(logging.INFO, "export lists %s again: it changed while listed", plan.name)
                report = await self._listing_pass(plan, ck, None, start=0, written=ck.items or 0)
                again = await self._info(info, ck)
                if again is not None and again.last_modified != after.last_modified:
                    report.note("the family changed while it was listed; objects may be missing")
        ck.listed = True
        ck.listing = report
        self.checkpoint.save()

    async def _info(self, info: Operation | None, ck: FamilyState) -> models.ListInfo | None:
        if info is None:
            return None
        ck.requests += 1
        listed: models.ListInfo = await self.lv.runtime.fetch(info, models.ListInfo)
        return listed

    async def _listing_pass(
        self, plan: FamilyPlan, ck: FamilyState, info: models.ListInfo | None, *, start: int, written: int
    ) -> ListReport:
        """Walk the list from offset `start`, appending the ids not yet in the items file.

        `written` is the number of ids the file holds (checked by the caller); `start` is that
        number when resuming (never past where the walk stopped, since repeats are not
        written), or 0 for a pass over the whole list.
        """
        assert plan.list_op is not None
        items_file = self.checkpoint.items_file(plan.name)
        seen = [item.get(plan.id_key) for _, item in read_lines(items_file)] if written else []
        paginator = self.lv.runtime.paginate(plan.list_op, dict)
        pages: AsyncIterator[Page[Any]]
        if not written and info is not None:
            pages = paginator.concurrent_pages(concurrency=self.concurrency, total=info.size)
        else:
            pages = paginator.pages(start=start, seen=seen)
        done = written
        with open_append(items_file) as f:
            async for page in pages:
                self._check_ids(plan, page, paginator.report)
                f.write(b"".join(dumps_sorted(item) + b"\n" for item in page.raw))
                f.flush()
                ck.requests += 1
                done += len(page.raw)
                self._report(plan.name, "listing", done, None)
        ck.items = done
        return paginator.report

    @staticmethod
    def _check_ids(plan: FamilyPlan, page: Page[Any], report: ListReport) -> None:
        """ExportError once the paginator met an item without a usable id (it cannot be keyed).

        The paginator reads and checks every id of a page (`ListReport.unidentified`); the
        first page holding such an item stops the export before it is written.
        """
        if report.unidentified:
            raise ExportError(
                f"{plan.name}: a list item near offset {page.offset} has no usable {plan.id_key!r}; "
                "the export cannot read or key it"
            )

    def _items(self, plan: FamilyPlan, skip: int) -> Iterator[tuple[Any, dict[str, Any] | None]]:
        if plan.list_op is None:
            yield self.client_id, None
            return
        items_file = self.checkpoint.items_file(plan.name)
        for line, item in read_lines(items_file, skip):
            if plan.id_key not in item:
                raise ExportError(
                    f"{plan.name}: the item on line {line} of {items_file} has no {plan.id_key!r}"
                )
            yield item[plan.id_key], item

    async def _record(
        self,
        plan: FamilyPlan,
        details: Sequence[Operation],
        item_id: Any,
        item: dict[str, Any] | None,
        fetching: asyncio.Semaphore,
    ) -> bytes:
        """One line of the family file; a `vanished` marker when every read answered 404."""
        record: dict[str, Any] = {"id": item_id}
        if item is not None and not any(op.name == "read" for op in details):
            assert plan.list_op is not None
            record[plan.list_op.id] = item
        async with fetching:
            values = await asyncio.gather(
                *(self.lv.runtime.fetch_json(op, path={"id": item_id}) for op in details),
                return_exceptions=True,
            )
        missing = [
            op.id for op, value in zip(details, values, strict=True) if isinstance(value, NotFoundError)
        ]
        for value in values:
            if isinstance(value, BaseException) and not isinstance(value, NotFoundError):
                raise value
        if details and len(missing) == len(details):
            return dumps_sorted({"id": item_id, VANISHED: missing}) + b"\n"
        # The object is there but one read of it is not: null, counted in the manifest.
        for op, value in zip(details, values, strict=True):
            record[op.id] = None if op.id in missing else value
        try:
            return dumps_sorted(record) + b"\n"
        except ValueError:
            raise ExportError(
                f"{plan.name} {item_id}: LiveVox's answer is nested too deeply to write"
            ) from None

    async def _read_items(self, plan: FamilyPlan, ck: FamilyState, details: Sequence[Operation]) -> None:
        part = self.checkpoint.part_file(plan.name)
        written = valid_lines(part)
        total = ck.items if ck.items is not None else 1
        window: deque[asyncio.Task[bytes]] = deque()
        per_item = max(1, len(details))
        limit = max(1, self.concurrency // per_item)
        # Items in flight are capped at `limit`; finished ones may wait up to REORDER x that
        # for an earlier, slower one (e.g. one held by Retry-After) instead of stalling all.
        fetching = asyncio.Semaphore(limit)
        last_id: Any = None
        try:
            with open_append(part) as f:

                async def drain_one() -> None:
                    nonlocal written, last_id
                    line = await window.popleft()
                    f.write(line)
                    written += 1
                    ck.requests += len(details)
                    if written % 100 == 0 or not window:
                        f.flush()
                        self._report(plan.name, "reading", written, total)

                for item_id, item in self._items(plan, written):
                    if last_id is not None and item_id < last_id:
                        ck.unsorted = True
                    last_id = item_id
                    window.append(asyncio.ensure_future(self._record(plan, details, item_id, item, fetching)))
                    while window and (window[0].done() or len(window) >= limit * REORDER):
                        await drain_one()
                while window:
                    await drain_one()
        finally:
            for task in window:
                task.cancel()
            if window:
                await asyncio.gather(*window, return_exceptions=True)
            self.checkpoint.save()

    async def _finish(self, plan: FamilyPlan, ck: FamilyState) -> None:
        part = self.checkpoint.part_file(plan.name)
        touch(part)
        target = self.out_dir / f"{plan.name}.jsonl"
        written = await asyncio.to_thread(_publish, part, target, unsorted=ck.unsorted)
        ck.unsorted = False
        ck.file, ck.count, ck.sha256 = target.name, written.count, written.sha256
        ck.vanished, ck.missing_reads = written.vanished, written.missing_reads
        ck.done = True
        remove(self.checkpoint.items_file(plan.name))
        self.checkpoint.save()
        self._report(plan.name, "done", written.count, written.count)

    async def run_audit_log(self, start: datetime, end: datetime) -> None:
        name = "audit_log"
        ck = self.checkpoint.family(name)
        if ck.done or ck.skipped is not None:
            return
        op = OPERATIONS[AUDIT_LOG]
        refused = self._refused([op])
        if refused:
            self._skip(name, refused[op.id])
            return
        criteria = models.AuditLogSearch(date_range=models.AuditLogDateRange(from_=start, to=end))
        part = self.checkpoint.part_file(name)
        done = valid_lines(part)
        seen = [entry.get("id") for _, entry in read_lines(part)] if done else []
        plan = FamilyPlan(name, op, None, ())
        paginator = self.lv.runtime.paginate(op, dict, body=criteria)
        with open_append(part) as f:
            async for page in paginator.pages(start=done, seen=seen):
                self._check_ids(plan, page, paginator.report)
                records = ({"id": e[op.id_key], op.id: e} for e in page.raw)
                f.write(b"".join(dumps_sorted(record) + b"\n" for record in records))
                f.flush()
                ck.requests += 1
                done += len(page.raw)
                self._report(name, "listing", done, None)
        ck.unsorted = True
        await self._finish(plan, ck)


async def export_configuration(
    lv: LiveVox,
    out_dir: str | os.PathLike[str],
    families: Sequence[str] | None = None,
    *,
    concurrency: int = 16,
    resume: bool = False,
    audit_log: tuple[datetime, datetime] | None = None,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """Export every family the client may read into `out_dir`; see the module docstring.

    Args:
        lv: an open client (its rate, concurrency and retries govern the export).
        out_dir: an empty or new directory (or an interrupted export, with `resume`).
        families: family names (`agents`, `services`, …); all by default.
        concurrency: list pages and item reads in flight per family.
        resume: finish the interrupted export in `out_dir` (an `ExportError` when there
            is none: nothing is started afresh).
        audit_log: also export audit-log entries in this `(start, end)` range.
        progress: called with a `Progress` as work advances.

    Raises:
        ExportError: nothing was fetched: the family names are wrong, another export is
            running in the directory, it holds something else, a symlink or a damaged
            checkpoint, or nothing to `resume`. Or writing failed (a full disk): the
            checkpoint is kept.
        LiveVoxError: a call failed after its retries; the checkpoint is kept.
    """
    if concurrency < 1:
        raise ExportError(f"concurrency must be >= 1, got {concurrency}")
    plans = _selected_plans(families)
    path = Path(out_dir)
    settings = ExportSettings(
        families=[p.name for p in plans],
        api_version=lv.api_version,
        audit_log=[audit_log[0].isoformat(), audit_log[1].isoformat()] if audit_log else None,
    )
    with lock_directory(path, resume=resume):
        prepare(path, resume=resume)
        exporter = _Exporter(lv, path, plans, concurrency=concurrency, progress=progress)
        loaded = exporter.checkpoint.load() if resume else None  # a damaged one: before any call
        before = lv.stats()
        started = time.time()
        exporter.client_id = await lv.client_id()
        _start_checkpoint(exporter, loaded, settings)
        jobs = [exporter.run_family(plan) for plan in plans]
        if audit_log is not None:
            jobs.append(exporter.run_audit_log(*audit_log))
        names = [p.name for p in plans] + (["audit_log"] if audit_log is not None else [])
        results = await asyncio.gather(*jobs, return_exceptions=True)
        failed = {name: r for name, r in zip(names, results, strict=True) if isinstance(r, BaseException)}
        if failed:
            exporter.checkpoint.save()
            raise _failure(failed)
        return _write_manifest(exporter, before, started, resumed=resume)


def _failure(failed: dict[str, BaseException]) -> BaseException:
    """The error to raise for the families that failed: itself when one did (or for a bug),
    else one `ExportError` carrying every family's."""
    errors = list(failed.values())
    if len(errors) == 1 or not all(isinstance(e, LiveVoxError) for e in errors):
        return next((e for e in errors if not isinstance(e, LiveVoxError)), errors[0])
    failures = {name: error for name, error in failed.items() if isinstance(error, LiveVoxError)}
    summary = "; ".join(f"{name}: {type(e).__name__}: {e.message}" for name, e in failures.items())
    return ExportError(
        f"{len(failures)} families failed (the checkpoint is kept): {summary}", failures=failures
    )


def _selected_plans(families: Sequence[str] | None) -> list[FamilyPlan]:
    plans = export_plan()
    known = [p.name for p in plans]
    wanted = list(families) if families else known
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise ExportError(f"unknown famil{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}")
    return [p for p in plans if p.name in wanted]


def _start_checkpoint(exporter: _Exporter, loaded: CheckpointState | None, settings: ExportSettings) -> None:
    """Check a resumed checkpoint is this export's, or start a new one."""
    path = exporter.out_dir
    if loaded is None:
        started = datetime.now(UTC).isoformat()
        exporter.checkpoint.start(
            CheckpointState(client_id=exporter.client_id, settings=settings, started=started)
        )
        return
    if loaded.client_id != exporter.client_id:
        raise ExportError(f"{path} holds an export of another LiveVox client ({loaded.client_id})")
    if loaded.settings != settings:
        raise ExportError(
            f"{path} holds an interrupted export with other settings: {attrs.asdict(loaded.settings)}"
        )


def _listing(entry: FamilyState) -> ManifestListing | None:
    report = entry.listing
    if report is None:
        return None
    return ManifestListing(
        info_size=report.expected,
        listed=entry.items,
        repeated_ids_dropped=report.repeated,
        short_pages=report.short_pages,
        disagreements=report.disagreements,
    )


def _family_manifest(entry: FamilyState) -> FamilyManifest:
    """A finished family for the manifest: its file, and what vanished, was refused or 404'd."""
    assert entry.file is not None
    assert entry.count is not None
    assert entry.sha256 is not None
    report = entry.listing
    return FamilyManifest(
        file=entry.file,
        count=entry.count,
        requests=entry.requests,
        sha256=entry.sha256,
        not_exported=entry.details_skipped,
        vanished=entry.vanished,
        missing_reads=entry.missing_reads,
        empty_by_404=report is not None and report.not_found and entry.count == 0,
        listing=_listing(entry),
    )


def _totals(
    families: Mapping[str, FamilyManifest], before: ClientStats, after: ClientStats, seconds: float
) -> ManifestTotals:
    """Sums over `families`, and what this run cost: the client's counters from `before` to `after`."""
    return ManifestTotals(
        objects=sum(f.count for f in families.values()),
        vanished=sum(len(f.vanished) for f in families.values()),
        requests=sum(f.requests for f in families.values()),
        http_requests=after.requests - before.requests,
        throttles=after.throttles - before.throttles,
        retries=after.retries - before.retries,
        relogins=after.relogins - before.relogins,
        seconds=round(seconds, 3),
    )


def _write_manifest(
    exporter: _Exporter, before: ClientStats, started: float, *, resumed: bool
) -> ExportResult:
    from .. import __version__

    ck = exporter.checkpoint
    after = exporter.lv.stats()
    entries = sorted(ck.state.families.items())
    skipped = {name: entry.skipped for name, entry in entries if entry.skipped is not None}
    families = {name: _family_manifest(entry) for name, entry in entries if entry.skipped is None}
    manifest = Manifest(
        format=FORMAT,
        sdk=f"livevox-async {__version__}",
        api_version=exporter.lv.api_version,
        client_id=exporter.client_id,
        started=ck.state.started,
        finished=datetime.now(UTC).isoformat(),
        families=families,
        skipped=skipped,
        totals=_totals(families, before, after, time.time() - started),
    )
    replace_file(exporter.out_dir / MANIFEST, manifest.to_json())
    ck.remove()
    return ExportResult(exporter.out_dir, manifest, resumed)
