"""Configuration as code: plan an export against a tenant.

    from livevox_async import LiveVox
    from livevox_async.tenant import plan_changes

    async with LiveVox(prod_creds, region="NA6", rate=20) as lv:
        plan = await plan_changes(lv, "export-staging/", prune=["term_codes"])
        plan.write("plan.json")

Objects are matched by natural key, references re-mapped to the target's ids, and only
families verified complete on both sides are planned; see `_planner.py`.
"""

from ._changes import plan_changes
from ._errors import PlanError
from ._keys import show
from ._plan import Action, Change, FamilyStatus, NotWritable, Plan
from ._relations import write_evidence
from ._values import update_body

__all__ = [
    "Action",
    "Change",
    "FamilyStatus",
    "NotWritable",
    "Plan",
    "PlanError",
    "plan_changes",
    "show",
    "update_body",
    "write_evidence",
]
