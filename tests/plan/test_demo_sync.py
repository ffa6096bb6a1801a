"""`make demo-sync` runs as documented: export staging, plan it against production, apply, plan again."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from livevox_async.tenant import Plan

ROOT = Path(__file__).resolve().parents[2]
# What it prints, with its addresses, directory and timing replaced (a trailing `\` joins two lines)
EXPECTED = """\
staging at URL, production at URL: alike, 100 requests/s
staging: built a call center, a service, a category, two term codes, an agent;
production: term code 1200001 changed by hand

$ livevox export --out OUT/staging --quiet --rate 100
(exit 0)

$ livevox plan --from OUT/staging --out OUT/plan.json --rate 100
call_centers
  + create "Promo Call Center"
term_code_categories
  + create "Escalated"
      warning: the schema only infers the body fields name
services
  + create "Promo 0013"
agents
  + create "PPROMO00001"
term_codes
  + create "Promo 0013 / Escalated Refusal"
  + create "Promo 0013 / Escalated Sale"
  ~ update "Collections 0001 / Paid In Full"
      reportOrder: 42 → 1
      warning: the schema only infers the body fields reportOrder
agents
  + add services "Promo 0013" to agents "PPROMO00001"
call_centers
  + add services "Promo 0013" to call_centers "Promo Call Center"
message_templates
  + add services "Promo 0013" to message_templates "Support EMAIL Template"
4 actions use an inferred endpoint: apply sends them only with --allow-inferred
2 actions send body fields the schema only infers (warnings above): LiveVox may ignore or refuse them
Plan: 6 to create, 1 to update, 0 to delete, 3 members to add, 0 to remove, 0 blocked.
Saved to OUT/plan.json
(exit 1)

$ livevox apply OUT/plan.json --yes --allow-inferred --quiet --passwords OUT/passwords.jsonl \
--state-dir OUT/state --rate 100
10 applied
11 requests while writing, SECONDS
Re-plan: no changes (the target matches the source).
Backup of the touched families before writing: OUT/state/backup
(exit 0)

$ livevox plan --from OUT/staging --out OUT/replan.json --rate 100
No changes: the target matches the source.
Saved to OUT/replan.json
(exit 0)

"""


async def test_demo_sync_promotes_staging_and_the_plan_after_apply_is_empty(tmp_path: Path) -> None:
    out = tmp_path / "demo-sync"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEVOX_")}
    env |= {"PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "livevox_async.tenant._demo",
        str(out),
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 240)
    assert (process.returncode, stderr.decode()) == (0, "")
    shown = stdout.decode().replace(str(out), "OUT")
    shown = re.sub(r"http://127\.0\.0\.1:\d+", "URL", shown)
    shown = re.sub(r"writing, \d+\.\ds \(\d+\.\d/s\)", "writing, SECONDS", shown)
    assert shown == EXPECTED
    assert Plan.read(out / "replan.json").is_empty
    plan = Plan.read(out / "plan.json")
    assert len(plan.runnable) == 10
    assert [line.count('"password"') for line in (out / "passwords.jsonl").read_text().splitlines()] == [1]
