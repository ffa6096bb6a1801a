"""`apply_plan`: carry a plan out against the tenant, safely and resumably.

    plan = Plan.read("plan.json")
    async with LiveVox(creds, region="NA6", rate=20) as lv:
        result = await apply_plan(lv, plan, passwords="new-passwords.txt", allow_inferred=True)
    print(result.counts(), result.converged)

In order: the plan must be for this client; writes whose endpoint is inferred are
refused unless `allow_inferred`; the families it touches, and those their keys and
members need, are exported into `<state_dir>/backup` (so the change can be planned
back); then step by step (creates and updates by dependency level, memberships,
deletes in reverse), the actions of one step run concurrently through the client's
limiter, each one journaled. An update or delete re-reads its object first and is not
sent if the object changed since the plan (stale). A create whose answer was lost
(reset, 5xx, garbled) is looked up by natural key before it is sent again, so an
object is never created twice. Last, the source is planned again: the re-plan must
hold nothing of what was applied (convergence).

Interrupted (Ctrl-C, a crash, the network)? Run it again with the same plan and state
directory: what is done is skipped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from .._client import LiveVox
from .._exceptions import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ConnectError,
    DeadlineExceeded,
    DecodeError,
    LiveVoxError,
    NotFoundError,
    ServerError,
    TransportError,
)
from .._generated.operations import OPERATIONS
from .._logging import log
from .._operation import Operation
from ._changes import plan_changes
from ._errors import PlanError
from ._export import export_configuration
from ._export_dir import MANIFEST, holds_checkpoint
from ._journal import Entry, PasswordFile, StateDir, new_password
from ._keys import show
from ._plan import Action, Plan
from ._relations import families_to_read, id_key, ordered, rules, writable_families, write_evidence
from ._values import CREATED, changed_fields, project

Status = Literal["applied", "stale", "blocked", "refused", "skipped", "failed"]
CREATE_ATTEMPTS = 3


@attrs.frozen
class Outcome:
    """What became of one action."""

    action: str
    kind: str
    family: str
    status: Status
    detail: str | None = None
    id: Any = None
    """The object's id in the target (a create's new id)."""


@attrs.frozen
class ApplyProgress:
    done: int
    total: int
    outcome: Outcome


ProgressFn = Callable[[ApplyProgress], None]


@attrs.frozen
class ApplyResult:
    """Every action's outcome, the convergence re-plan, and what the writing cost."""

    outcomes: tuple[Outcome, ...]
    replan: Plan | None
    """The source planned again after applying (None when `verify=False`)."""
    state_dir: Path
    backup: Path | None
    requests: int
    """HTTP requests sent while writing (re-reads and look-ups included)."""
    seconds: float
    """Time spent writing (the backup export and the re-plan excluded)."""

    def by_status(self, status: Status) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == status)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("applied", "stale", "blocked", "refused", "skipped", "failed"), 0)
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts

    @property
    def unconverged(self) -> tuple[Action, ...]:
        """Actions of the re-plan that were applied: the target did not end as planned."""
        applied = {o.action for o in self.by_status("applied")}
        return tuple(a for a in (self.replan.actions if self.replan else ()) if a.id in applied)

    @property
    def converged(self) -> bool:
        return self.replan is not None and not self.unconverged

    @property
    def ok(self) -> bool:
        """Everything applied and the re-plan empty."""
        return (
            self.replan is not None
            and self.replan.is_empty
            and len(self.by_status("applied")) == len(self.outcomes)
        )


class _Unresolved(Exception):
    """A `$created` placeholder whose create has not been applied."""


def _is_unknown(exc: LiveVoxError) -> bool:
    """A failure after which a create may or may not have happened."""
    if isinstance(exc, ConnectError):
        return False  # never sent
    return isinstance(exc, TransportError | DecodeError | DeadlineExceeded | ServerError)


class _Applier:
    def __init__(
        self,
        lv: LiveVox,
        plan: Plan,
        state: StateDir,
        passwords: PasswordFile | None,
        allow_inferred: bool,
        concurrency: int,
        progress: ProgressFn | None,
    ) -> None:
        self.lv = lv
        self.plan = plan
        self.journal = state.journal
        self.passwords = passwords
        self.allow_inferred = allow_inferred
        self.slots = asyncio.Semaphore(concurrency)
        self.progress = progress
        self.created: dict[str, Any] = self.journal.created()
        self.outcomes: list[Outcome] = []

    async def run(self) -> list[Outcome]:
        for step in sorted({a.step for a in self.plan.actions}):
            await self._step([a for a in self.plan.actions if a.step == step])
        return self.outcomes

    async def _step(self, actions: list[Action]) -> None:
        """Run a step's actions concurrently; those refused with 409 go again while others succeed.

        (An update may wait for another: a service is on the inbound side of one resource
        group only, so the group giving it up must be written first.)
        """
        pending = actions
        while pending:
            conflicts: list[tuple[Action, ConflictError]] = []
            await asyncio.gather(*(self._run(a, conflicts) for a in pending))
            if len(conflicts) == len(pending):
                for action, exc in conflicts:
                    self._finish(self._outcome(action, "failed", f"LiveVox refused it (409): {exc}"))
                return
            pending = [action for action, _ in conflicts]

    async def _run(self, action: Action, conflicts: list[tuple[Action, ConflictError]]) -> None:
        result = await self._slot(action)
        if isinstance(result, ConflictError):
            conflicts.append((action, result))
        else:
            self._finish(result)

    async def _slot(self, action: Action) -> Outcome | ConflictError:
        async with self.slots:
            try:
                return await self._execute(action)
            except ConflictError as exc:
                return exc
            except (AuthenticationError, ConfigurationError):
                raise
            except LiveVoxError as exc:
                return self._outcome(action, "failed", str(exc))

    def _finish(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if outcome.status in ("stale", "failed", "skipped", "refused"):
            self.journal.record(Entry(outcome.action, outcome.status, outcome.id, outcome.detail))
            log(logging.INFO, "apply: %s %s: %s", outcome.status, outcome.action, outcome.detail)
        if self.progress is not None:
            self.progress(ApplyProgress(len(self.outcomes), len(self.plan.actions), outcome))

    @staticmethod
    def _outcome(action: Action, status: Status, detail: str | None = None, object_id: Any = None) -> Outcome:
        return Outcome(action.id, action.kind, action.family, status, detail, object_id)

    def _done(self, action: Action, object_id: Any = None, detail: str | None = None) -> Outcome:
        self.journal.record(Entry(action.id, "done", object_id, detail))
        if action.kind == "create":
            self.created[action.id] = object_id
        return self._outcome(action, "applied", detail, object_id)

    async def _execute(self, action: Action) -> Outcome:
        if action.blocked is not None:
            return self._outcome(action, "blocked", action.blocked)
        earlier = self.journal.done(action.id)
        if earlier is not None:
            return self._outcome(action, "applied", "done by an earlier run", earlier.id)
        op = OPERATIONS[action.op]
        if write_evidence(op) == "inferred" and not self.allow_inferred:
            return self._outcome(
                action,
                "refused",
                f"the endpoint of {op.id} is inferred (neither documented nor seen in code); "
                "allow inferred writes to send it",
            )
        try:
            path, query, body = (self._resolve(part) for part in (action.path, action.query, action.body))
        except _Unresolved as exc:
            return self._outcome(action, "skipped", f"it needs {exc}, which was not applied")
        if action.kind == "create":
            return await self._create(action, op, query, body)
        if action.kind in ("update", "delete"):
            return await self._change(action, op, path, body)
        await self.lv.runtime.execute(op, path=path, query=query)
        return self._done(action)

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {CREATED}:
                if value[CREATED] not in self.created:
                    raise _Unresolved(value[CREATED])
                return self.created[value[CREATED]]
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value

    # -- create ----------------------------------------------------------------------

    async def _create(self, action: Action, op: Operation, query: Any, body: Any) -> Outcome:
        lookup = self._resolve(action.lookup)
        if self.journal.was_sent(action.id):
            found = await self._lookup(action, lookup)
            if found is not None:
                return self._done(action, found, "an earlier run created it (found by its natural key)")
        for _ in range(CREATE_ATTEMPTS):
            sent = await self._with_secrets(action, body)
            self.journal.record(Entry(action.id, "sent"))
            try:
                new_id = await self.lv.runtime.create(op, query=query, body=sent)
            except ConflictError:
                if await self._lookup(action, lookup) is None:
                    raise  # not this object: another must change first (see _step)
                return self._outcome(
                    action, "stale", "the target holds an object with its key since the plan"
                )
            except LiveVoxError as exc:
                if not _is_unknown(exc):
                    raise
                found = await self._lookup(action, lookup)
                if found is not None:
                    return self._done(action, found, "its answer was lost; found by its natural key")
                continue
            return self._done(action, new_id)
        return self._outcome(
            action, "failed", f"no answer after {CREATE_ATTEMPTS} attempts and not in the target"
        )

    async def _with_secrets(self, action: Action, body: Any) -> Any:
        """The body with a new password per secret field, written to the passwords file first."""
        if not action.secrets:
            return body
        assert self.passwords is not None
        assert action.key is not None
        password = new_password()
        await self.passwords.append(action.family, action.key, password)
        return {**(body or {}), **dict.fromkeys(action.secrets, password)}

    async def _lookup(self, action: Action, lookup: Mapping[str, Any]) -> Any:
        """The id of the target object holding the create's natural key, or None."""
        r = rules(action.family)
        found = []
        async for item in self.lv.runtime.paginate(r.list_op, dict):
            if all(item.get(field) == value for field, value in lookup.items()):
                found.append(item[id_key(action.family)])
        if len(found) > 1:
            raise PlanError(
                f"{action.family} {show(action.key)!r}: {len(found)} objects in the target hold the key"
            )
        return found[0] if found else None

    # -- update and delete -------------------------------------------------------------

    async def _current(self, action: Action) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = await self.lv.runtime.fetch_json(
                rules(action.family).main, path={"id": action.target_id}
            )
        except NotFoundError:
            return None
        return found

    async def _change(self, action: Action, op: Operation, path: Any, body: Any) -> Outcome:
        r = rules(action.family)
        current = await self._current(action)
        if current is None:
            if action.kind == "delete":
                return self._done(action, action.target_id, "already gone from the target")
            return self._outcome(action, "stale", "deleted from the target since the plan")
        now, seen, order = project(current, r.compared), action.seen or {}, ordered(r.model)
        moved = changed_fields(r.compared, now, seen, order)
        if moved and action.kind == "update":
            wanted = {k: v for k, v in {**seen, **(body or {})}.items() if v is not None}
            if not changed_fields(r.compared, now, wanted, order):
                return self._done(action, action.target_id, "the target already holds it")
        if moved:
            return self._outcome(action, "stale", f"changed in the target since the plan: {', '.join(moved)}")
        try:
            await self.lv.runtime.execute(op, path=path, body=body)
        except NotFoundError:
            if action.kind != "delete":
                raise
        return self._done(action, action.target_id)


def default_state_dir(plan: Plan) -> Path:
    """`<plan file>.state`, beside the plan."""
    if plan.path is None:
        raise PlanError("the plan was never written to a file: give state_dir")
    return plan.path.with_name(plan.path.name + ".state")


async def _backup(lv: LiveVox, out: Path, families: set[str], concurrency: int) -> Path:
    """Export the touched families into `out` once (resumed if interrupted)."""
    if (out / MANIFEST).exists():
        return out
    resume = holds_checkpoint(out)
    await export_configuration(lv, out, sorted(families), concurrency=concurrency, resume=resume)
    return out


def _touched(actions: tuple[Action, ...]) -> set[str]:
    """The families the actions write, and those a plan of them needs to read (keys, members)."""
    writes = {family for a in actions for family in (a.family, OPERATIONS[a.op].family)}
    return set(families_to_read(writes & set(writable_families()))) | writes


async def _check(lv: LiveVox, plan: Plan, pending: tuple[Action, ...], passwords: object) -> None:
    client = await lv.client_id()
    if client != plan.target_client_id:
        raise PlanError(
            f"the plan is for LiveVox client {plan.target_client_id}; this session is client {client}"
        )
    if passwords is None and any(a.kind == "create" and a.secrets for a in pending):
        raise PlanError("the plan creates agents or users: give a passwords file for their initial passwords")


async def apply_plan(
    lv: LiveVox,
    plan: Plan,
    *,
    state_dir: str | os.PathLike[str] | None = None,
    passwords: str | os.PathLike[str] | None = None,
    allow_inferred: bool = False,
    concurrency: int = 16,
    backup: bool = True,
    verify: bool = True,
    progress: ProgressFn | None = None,
) -> ApplyResult:
    """Carry out `plan` against the tenant `lv` is connected to; see the module docstring.

    Args:
        lv: an open client on the plan's target tenant.
        plan: from `plan_changes` or `Plan.read`.
        state_dir: journal and backup (default: `<plan file>.state`); reuse it to resume.
        passwords: file for the generated passwords of created agents and users (mode 0600;
            required when the plan creates any).
        allow_inferred: also send writes whose endpoint the schema only infers.
        concurrency: actions of one step in flight (the client's limiter sets the rate).
        backup: export the touched families (and those a plan of them reads) into
            `<state_dir>/backup` before writing.
        verify: plan the source again afterwards (`ApplyResult.replan`, `.converged`).
        progress: called with an `ApplyProgress` after each action.

    Raises:
        PlanError: the plan is for another client, the state directory is another plan's,
            or a passwords file is needed and missing or readable by others.
        LiveVoxError: the credentials were refused, or the backup or the re-plan failed.
    """
    state = StateDir(
        Path(state_dir) if state_dir is not None else default_state_dir(plan), plan.fingerprint()
    )
    try:
        pending = tuple(a for a in plan.runnable if state.journal.done(a.id) is None)
        await _check(lv, plan, pending, passwords)
        saved = (
            await _backup(lv, state.backup, _touched(pending), concurrency) if backup and pending else None
        )
        secrets_file = PasswordFile(Path(passwords)) if passwords is not None else None
        try:
            applier = _Applier(lv, plan, state, secrets_file, allow_inferred, concurrency, progress)
            before, started = lv.stats().requests, time.monotonic()
            outcomes = await applier.run()
            requests, seconds = lv.stats().requests - before, time.monotonic() - started
        finally:
            if secrets_file is not None:
                secrets_file.close()
    finally:
        state.journal.close()
    replan = await plan_changes(lv, plan.source, plan.requested, plan.prune) if verify else None
    return ApplyResult(tuple(outcomes), replan, state.path, saved, requests, seconds)
