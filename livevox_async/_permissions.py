"""Who may call what: the agent allow-list and the user roles, from the schema.

An agent session may call only the 20 Configuration methods marked agent-allowed;
a user needs one of the roles listed on the operation (and a Manager the optional
power, where LiveVox documents one). LiveVox does not say a user's role at login, so
user sessions are only checked locally when the credentials declare a role.
"""

from __future__ import annotations

from ._credentials import Credentials
from ._exceptions import PermissionDeniedError
from ._operation import Operation


def refusal(op: Operation, credentials: Credentials) -> str | None:
    """Why `credentials` may not call `op`, as far as the SDK knows; None if it may.

    An operation that names no roles (the Session API) is open to every session.
    """
    if not op.session_required or not op.roles:
        return None
    if credentials.agent:
        return None if op.agent_allowed else "agent sessions may not call this method"
    role = credentials.role
    if role is None:
        return None
    if role not in op.roles:
        return f"the {role} role may not call this method"
    if role == "Manager" and op.manager_power and op.manager_power not in credentials.manager_powers:
        return f"a Manager needs the {op.manager_power!r} power for this method"
    return None


def describe(op: Operation) -> str:
    """Who may call `op`, for error messages."""
    who = ", ".join(sorted(op.roles)) or "any caller"
    if op.manager_power:
        who += f" (a Manager needs {op.manager_power!r})"
    if op.agent_allowed:
        who += "; agent sessions too"
    return who


def permission_error(
    op: Operation,
    *,
    credentials: Credentials | None,
    reason: str,
    local: bool,
    method: str | None = None,
    path: str | None = None,
    request_id: str | None = None,
    code: int | None = None,
    lv_message: str | None = None,
) -> PermissionDeniedError:
    origin = "refused before sending" if local else "LiveVox answered 403"
    kind = credentials.kind if credentials is not None else None
    session = f"{kind} session" if kind else "session"
    return PermissionDeniedError(
        f"{op.summary} ({op.id}) is not allowed for this {session}: {reason}; "
        f"allowed: {describe(op)} [{origin}]",
        session_kind="agent" if kind == "agent" else "user" if kind == "user" else None,
        roles=sorted(op.roles),
        manager_power=op.manager_power,
        agent_allowed=op.agent_allowed,
        local=local,
        code=code,
        lv_message=lv_message,
        operation=op.id,
        method=method,
        path=path,
        request_id=request_id,
    )
