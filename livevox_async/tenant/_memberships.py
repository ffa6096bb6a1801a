"""Memberships planned: members linked to owners with add/remove methods, compared by key.

For each owner in the source (matched in the target, or created by this plan), the
members the source lists are compared with those the target lists, both by natural
key and, where the schema says so, attribute (an agent's skill proficiency): a missing
or different member is added, an extra one removed. Members the source does not know
(objects only in the target) are left alone, as the objects themselves are. Where
LiveVox has no remove method, an extra member is reported as a blocked removal, unless
the membership is exclusive and the member is added to another owner (which moves it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._generated.relations import MEMBERSHIPS
from .._relation import Membership
from ._errors import Blocked
from ._keys import Key, KeyIndex, token
from ._plan import Action, ActionKind, FamilyStatus
from ._snapshot import Snapshot
from ._steps import step_of

if TYPE_CHECKING:
    from ._planner import Planner


@attrs.frozen
class _Member:
    key: Key | None
    attributes: dict[str, Any]
    id: Any
    why: str | None = None
    """Why the member has no key (it cannot be resolved)."""


def _members(m: Membership, index: KeyIndex, snapshot: Snapshot, owner_id: Any) -> dict[str, _Member]:
    """The members one owner lists in `m.read`, by key token (`#<id>` for one without a key)."""
    record = snapshot.records(m.owner)[owner_id].get(m.read) or {}
    items = record.get(m.field) or []
    found = {}
    for item in items if isinstance(items, list) else [items]:
        attributes = {param: item[k] for k, param in m.attributes if item.get(k) is not None}
        try:
            key = index.key(m.member, item["id"])
        except Blocked as exc:
            found[f"#{item['id']}"] = _Member(None, attributes, item["id"], exc.reason)
            continue
        found[token(key)] = _Member(key, attributes, item["id"])
    return found


class _MembershipPlanner:
    def __init__(self, planner: Planner, m: Membership) -> None:
        self.p = planner
        self.m = m
        self.desired: dict[str, tuple[Key, dict[str, _Member]]] = {}
        for owner_token, (key, ids) in sorted(planner.src.by_key(m.owner).items()):
            self.desired[owner_token] = (key, _members(m, planner.src, planner.source, ids[0]))
        self.wanted_by: dict[str, set[str]] = {}
        for owner_token, (_, members) in self.desired.items():
            for member_token in members:
                self.wanted_by.setdefault(member_token, set()).add(owner_token)

    def plan(self) -> None:
        known = self.p.src.by_key(self.m.member)
        for owner_token, (key, wanted) in self.desired.items():
            try:
                owner = self.p.res.target_id(self.m.owner, key)
                blocked = None
            except Blocked as exc:
                owner, blocked = None, exc.reason
            have: dict[str, _Member] = {}
            if owner is not None and not isinstance(owner, dict):
                have = _members(self.m, self.p.tgt, self.p.target, owner)
                have = {t: member for t, member in have.items() if t in known}
            for member_token, member in wanted.items():
                current = have.get(member_token)
                if current is None or current.attributes != member.attributes:
                    self._add(key, owner, member, blocked)
            for member_token, member in have.items():
                if member_token not in wanted:
                    self._remove(owner_token, key, owner, member)

    def _action(
        self, kind: ActionKind, op: str, key: Key, owner: Any, member: _Member, **fields: Any
    ) -> None:
        member_id: Any = None
        blocked = fields.pop("blocked", None)
        if blocked is None:
            try:
                if member.key is None:
                    raise Blocked(member.why or f"{self.m.member} {member.id} cannot be resolved")
                member_id = member.id if kind == "remove" else self.p.res.target_id(self.m.member, member.key)
            except Blocked as exc:
                blocked = exc.reason
        self.p.add(
            Action(
                f"{op} {token(key)} {token(member.key) if member.key is not None else f'#{member.id}'}",
                kind,
                self.m.owner,
                op,
                key,
                step_of(kind, self.m.owner),
                owner if owner is not None and not isinstance(owner, dict) else None,
                member=member.key,
                member_family=self.m.member,
                path={self.m.owner_param: owner, self.m.member_param: member_id},
                blocked=blocked,
                **fields,
            )
        )

    def _add(self, key: Key, owner: Any, member: _Member, owner_blocked: str | None) -> None:
        self._action("add", self.m.add, key, owner, member, query=member.attributes, blocked=owner_blocked)

    def _remove(self, owner_token: str, key: Key, owner: Any, member: _Member) -> None:
        if self.m.remove is not None:
            self._action("remove", self.m.remove, key, owner, member)
            return
        elsewhere = self.wanted_by.get(token(member.key) if member.key is not None else "", set())
        if self.m.exclusive and elsewhere - {owner_token}:
            return  # adding it to its other owner moves it
        why = f"LiveVox has no method to remove {self.m.member} from {self.m.owner}"
        self._action("remove", self.m.add, key, owner, member, blocked=why)


def plan_memberships(planner: Planner, families: Sequence[str]) -> list[FamilyStatus]:
    """Plan every membership of the planned families; their statuses (by add method)."""
    statuses = []
    for m in MEMBERSHIPS:
        if m.family not in families:
            continue
        reason = planner.status(m.owner)
        statuses.append(FamilyStatus(m.add, reason is None, reason))
        if reason is None:
            _MembershipPlanner(planner, m).plan()
    return statuses
