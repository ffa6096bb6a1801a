"""Configuration as code over a tenant, on the client's public seam only (design §12).

The probe checks a tenant's answers against the schema; plan and apply carry an export
to a tenant (promote staging to production, restore, seed).

    from livevox_async import LiveVox
    from livevox_async.tenant import Plan, apply_plan, plan_changes, probe_tenant

    async with LiveVox(creds, region="NA6", rate=20) as lv:
        report = await probe_tenant(lv)
        plan = await plan_changes(lv, "export-staging/", prune=["term_codes"])
        plan.write("plan.json")
        result = await apply_plan(lv, Plan.read("plan.json"), passwords="passwords.jsonl")
        assert result.converged

`livevox probe`, `livevox plan` and `livevox apply` are the same from a shell. Objects
are matched by natural key, references re-mapped to the target's ids, and only
families verified complete on both sides are planned; see `_changes.py` and `_apply.py`.
"""

from ._apply import ApplyProgress, ApplyResult, apply_plan
from ._apply import Outcome as ActionOutcome
from ._changes import plan_changes
from ._diff import ExportDiff, FamilyDiff, FieldChange, Member, MemberChange, ObjectChange, diff_exports
from ._errors import PlanError
from ._export import ExportResult, Progress, export_configuration
from ._keys import show
from ._manifest import FamilyManifest, Manifest, ManifestListing, ManifestTotals
from ._plan import Action, Change, FamilyStatus, NotWritable, Plan
from ._probe import probe_families, probe_tenant
from ._relations import write_evidence
from ._report import OUTCOMES, ProbeReport, ProbeResult
from ._report import Outcome as ProbeOutcome
from ._shape import Deviation, DeviationKind
from ._values import update_body

__all__ = [
    "OUTCOMES",
    "Action",
    "ActionOutcome",
    "ApplyProgress",
    "ApplyResult",
    "Change",
    "Deviation",
    "DeviationKind",
    "ExportDiff",
    "ExportResult",
    "FamilyDiff",
    "FamilyManifest",
    "FamilyStatus",
    "FieldChange",
    "Manifest",
    "ManifestListing",
    "ManifestTotals",
    "Member",
    "MemberChange",
    "NotWritable",
    "ObjectChange",
    "Plan",
    "PlanError",
    "ProbeOutcome",
    "ProbeReport",
    "ProbeResult",
    "Progress",
    "apply_plan",
    "diff_exports",
    "export_configuration",
    "plan_changes",
    "probe_families",
    "probe_tenant",
    "show",
    "update_body",
    "write_evidence",
]
