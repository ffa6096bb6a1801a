"""`plan_changes`: compare an export (the desired state) with a live tenant, and plan.

    from livevox_async import LiveVox
    from livevox_async.tenant import plan_changes

    async with LiveVox(creds, region="NA6") as lv:
        plan = await plan_changes(lv, "export-staging/", families=["term_codes"])
        plan.write("plan.json")

The tenant is read with the export machinery (`export_configuration`: the same limiter,
retries, verified counts) into `work_dir`, or a temporary directory removed after.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path

from .._client import LiveVox
from ._export import ProgressFn, export_configuration
from ._plan import Plan
from ._planner import build_plan, check_families
from ._relations import families_to_read
from ._snapshot import Snapshot, read_snapshot


async def read_target(
    lv: LiveVox,
    families: Collection[str],
    work_dir: str | os.PathLike[str] | None,
    *,
    concurrency: int = 16,
    progress: ProgressFn | None = None,
) -> Snapshot:
    """Export `families` of the tenant and read them back (into `work_dir`, kept, if given)."""
    if work_dir is not None:
        await export_configuration(lv, work_dir, sorted(families), concurrency=concurrency, progress=progress)
        return read_snapshot(work_dir, families)
    with tempfile.TemporaryDirectory(prefix="livevox-target-") as tmp:
        out = Path(tmp) / "export"
        await export_configuration(lv, out, sorted(families), concurrency=concurrency, progress=progress)
        return read_snapshot(out, families)


async def plan_changes(
    lv: LiveVox,
    source_dir: str | os.PathLike[str],
    families: Sequence[str] | None = None,
    prune: Collection[str] = (),
    *,
    work_dir: str | os.PathLike[str] | None = None,
    concurrency: int = 16,
    progress: ProgressFn | None = None,
) -> Plan:
    """The plan that makes the tenant `lv` is connected to match the export in `source_dir`.

    Args:
        lv: an open client on the target tenant (its role decides which actions are refused).
        source_dir: a complete export (this SDK's format): the desired state.
        families: the families to plan (every writable family by default).
        prune: families whose objects the source lacks are deleted (none by default).
        work_dir: a new directory to keep the target's export in (default: temporary).
        concurrency: reads in flight while the target is exported.
        progress: the export's progress callback, while the target is read.

    Raises:
        PlanError: the source is not a complete export, or a family name is wrong.
        LiveVoxError: reading the target failed.
    """
    planned = check_families(families, prune)
    needed = families_to_read(planned)
    source = read_snapshot(source_dir, needed)
    target = await read_target(lv, needed, work_dir, concurrency=concurrency, progress=progress)
    return build_plan(
        source, target, requested=families, prune=prune, preflight=lv.preflight, api_version=lv.api_version
    )
