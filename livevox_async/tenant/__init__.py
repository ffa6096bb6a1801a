"""Configuration as code: plan an export against a tenant, and apply the plan.

    from livevox_async import LiveVox
    from livevox_async.tenant import Plan, apply_plan, plan_changes

    async with LiveVox(prod_creds, region="NA6", rate=20) as lv:
        plan = await plan_changes(lv, "export-staging/", prune=["term_codes"])
        plan.write("plan.json")
        result = await apply_plan(lv, Plan.read("plan.json"), passwords="passwords.jsonl")
        assert result.converged

Promote (plan a staging export against production), restore (plan yesterday's export
of this tenant against it), seed (plan a template tenant's export against a new one).
Objects are matched by natural key, references re-mapped to the target's ids, and only
families verified complete on both sides are planned; see `_planner.py` and `_apply.py`.
"""

from ._apply import ApplyProgress, ApplyResult, Outcome, apply_plan
from ._changes import plan_changes
from ._errors import PlanError
from ._keys import show
from ._plan import Action, Change, FamilyStatus, NotWritable, Plan
from ._relations import write_evidence
from ._values import update_body

__all__ = [
    "Action",
    "ApplyProgress",
    "ApplyResult",
    "Change",
    "FamilyStatus",
    "NotWritable",
    "Outcome",
    "Plan",
    "PlanError",
    "apply_plan",
    "plan_changes",
    "show",
    "update_body",
    "write_evidence",
]
