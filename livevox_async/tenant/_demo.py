"""`make demo-sync`: promote what was built in a staging tenant to production, with the CLI.

Two simulated tenants start in this process, alike (the same seed): "staging" and
"production". In staging a team builds a call center with a new service, a term code
category and term codes on it, and an agent for it; in production someone changes a
term code by hand. Then, exactly as a user would, with the `livevox` command of this
checkout and each tenant's LIVEVOX_* variables:

    livevox export --out demo-sync/staging                       (staging)
    livevox plan --from demo-sync/staging --out demo-sync/plan.json   (production)
    livevox apply demo-sync/plan.json --yes --allow-inferred --passwords ...
    livevox plan --from demo-sync/staging --out demo-sync/replan.json  (no changes)

    python -m livevox_async.tenant._demo [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from .._client import LiveVox
from .._credentials import Credentials
from ..models import (
    AgentCreate,
    CallCenterCreate,
    TermCodeAction,
    TermCodeCategoryCreate,
    TermCodeCreate,
    TermCodeUpdate,
)
from ..testing import Simulator, SimulatorConfig, TenantSize

RATE = 100.0
SIZE = TenantSize(
    call_centers=3, services=12, agents=60, term_codes_per_service=3, users_per_role=1, agent_skills=6
)
CLI = "from livevox_async.cli import main; main()"
ROOT = Path(__file__).resolve().parents[2]


async def build_in_staging(lv: LiveVox) -> None:
    """What the staging team built: a call center, a service in it, term codes, an agent."""
    center = await lv.call_centers.create(CallCenterCreate(name="Promo Call Center", manager_name="Ann Lee"))
    service = await lv.services.create(service=40001, name="Promo 0013")
    await lv.call_centers.add_service(center, service)
    category = await lv.term_code_categories.create(TermCodeCategoryCreate(name="Escalated"))
    for order, name in enumerate(("Escalated Sale", "Escalated Refusal"), start=1):
        await lv.term_codes.create(
            TermCodeCreate(
                name=name,
                service_id=service,
                term_category_id=category,
                lv_result_id=705,
                action=TermCodeAction.DISCONNECT_CALL,
                report_order=order,
            )
        )
    agent = await lv.agents.create(
        AgentCreate(
            login_id="PPROMO00001",
            first_name="Pat",
            last_name="Promo",
            password="Staging-1234",
            phone="5550001",
            wrap_up_time=30,
        )
    )
    await lv.agents.add_service(agent, service)


def _env(creds: Credentials, sim: Simulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEVOX_")}
    return env | {
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
        "LIVEVOX_ACCESS_TOKEN": creds.access_token,
        "LIVEVOX_CLIENT": creds.client_name,
        "LIVEVOX_USER": creds.user_name,
        "LIVEVOX_PASSWORD": creds.password,
        "LIVEVOX_BASE_URL": sim.base_url,
    }


async def livevox(sim: Simulator, *args: str) -> int:
    """Run `livevox ARGS` against `sim` as a user would (this checkout's code, in the current
    directory); its output goes to ours."""
    print(f"$ livevox {' '.join(args)}", flush=True)
    env = _env(sim.credentials("Sysadmin"), sim)
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", CLI, *args, env=env)
    code = await process.wait()
    print(f"(exit {code})\n", flush=True)
    return code


async def main(out: Path) -> int:
    config = SimulatorConfig(seed=1, size=SIZE, rate_limit=RATE, rate_burst=5)
    async with Simulator(config) as staging, Simulator(config) as production:
        print(
            f"staging at {staging.base_url}, production at {production.base_url}: alike, {RATE:g} requests/s"
        )
        async with LiveVox(staging.credentials("Sysadmin"), base_url=staging.base_url, rate=RATE) as lv:
            await build_in_staging(lv)
        async with LiveVox(production.credentials("Sysadmin"), base_url=production.base_url, rate=RATE) as lv:
            await lv.term_codes.update(1200001, TermCodeUpdate(report_order=42))  # a change by hand
        print("staging: built a call center, a service, a category, two term codes, an agent;")
        print("production: term code 1200001 changed by hand\n")
        rate = ["--rate", f"{RATE:g}"]
        await livevox(staging, "export", "--out", str(out / "staging"), "--quiet", *rate)
        plan, replan = str(out / "plan.json"), str(out / "replan.json")
        await livevox(production, "plan", "--from", str(out / "staging"), "--out", plan, *rate)
        passwords = ["--passwords", str(out / "passwords.jsonl"), "--state-dir", str(out / "state")]
        applied = await livevox(
            production, "apply", plan, "--yes", "--allow-inferred", "--quiet", *passwords, *rate
        )
        again = await livevox(production, "plan", "--from", str(out / "staging"), "--out", replan, *rate)
    return 0 if applied == 0 and again == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-sync"))))
