"""Operation handlers: the four Session API methods and one handler per kind of
Configuration method (list, info, read, related, create, update, delete, link).

Which handler serves an operation follows from the generated table (`handler_for`);
what differs by family comes from its `FamilySpec`. Handlers are synchronous: the
dispatcher (`_app.py`) has already authenticated the caller and parsed parameters and
body into a `Call`, and turns a raised `Problem` into the error answer.

The `Call` also carries two knobs: `ListQuirks` bend list, search and `/info` answers
(`_quirks.py`) and may change the tenant right after a page, and `Lockout` counts a
login's wrong passwords and locks the account at its limit (`_lockout.py`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias
from urllib.parse import urlencode

import attrs
import orjson

from .._converter import structure, unstructure
from .._exceptions import DecodeError
from .._generated.operations import OPERATIONS
from .._operation import Operation
from ._families import check_password
from ._lockout import Lockout
from ._problem import Problem
from ._quirks import ListQuirks, cut_page, first_ids, fresh_copy, quirks_for
from ._sessions import Caller, Session, Sessions
from ._store import Record, Store, wire_fields

Answer: TypeAlias = tuple[int, bytes | None]
MAX_COUNT = 1000
_INTEGER = re.compile(r"-?[0-9]+")
_NO_CONTENT: Answer = (204, None)
LIST_MODELS: dict[str, type[Any]] = {
    op.family: op.result for op in OPERATIONS.values() if op.is_list and op.result is not None
}
"""Each family's list item model (what `/info` counts)."""


@attrs.define
class Call:
    """One authenticated request, ready for its handler."""

    op: Operation
    store: Store
    sessions: Sessions
    params: dict[str, Any]
    """Path and query parameters by wire name, converted to their types."""
    body: Record | None
    """The body decoded by the operation's model, as canonical wire JSON."""
    access_token: str | None
    version: str | None
    """The `vX.Y` segment of the request path, if it had one."""
    caller: Caller | None = None
    session: Session | None = None
    """The session the request used or (login) opened."""
    quirks: ListQuirks = attrs.field(factory=ListQuirks)
    """How lists, searches and `/info` misbehave."""
    lockout: Lockout = attrs.field(factory=Lockout)
    """The failed-login counts (and the limit that locks an account)."""


Handler: TypeAlias = Callable[[Call], Answer]


def _json(status: int, data: Any) -> Answer:
    return status, orjson.dumps(data)


# -- parsing ---------------------------------------------------------------------------


def parse_params(op: Operation, path: Mapping[str, str], query: Mapping[str, str]) -> dict[str, Any]:
    """Path and query parameters converted to the table's types; 400 naming a bad one."""
    params: dict[str, Any] = {}
    for param in op.params:
        raw = path.get(param.wire) if param.location == "path" else query.get(param.wire)
        if raw is None or raw == "":
            if param.required:
                raise Problem(400, f"{param.wire}: required {param.location} parameter is missing")
            continue
        if param.type is int:
            if not _INTEGER.fullmatch(raw):
                raise Problem(400, f"{param.wire}: expected an integer, got {raw!r}")
            params[param.wire] = int(raw)
        else:
            params[param.wire] = raw
    if op.is_list:
        if not 1 <= params["count"] <= MAX_COUNT:
            raise Problem(400, f"count: must be between 1 and {MAX_COUNT}, got {params['count']}")
        if params["offset"] < 0:
            raise Problem(400, f"offset: must not be negative, got {params['offset']}")
    return params


def decode_body(op: Operation, raw: bytes) -> Record:
    """The request body checked against the operation's model; 400 naming each bad field.

    An optional field sent as JSON `null` is kept as `None` (an update clears it), while
    an absent one is left out (an update leaves it alone).
    """
    assert op.body is not None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise Problem(
            400, "body: not valid JSON" if raw.strip() else "body: a JSON object is required"
        ) from None
    if op.family == "session" and isinstance(data, dict) and data.get("agent") in ("true", "false"):
        data["agent"] = data["agent"] == "true"  # LiveVox's own login example sends "agent": "true"
    try:
        canonical: Record = unstructure(structure(data, op.body))
    except DecodeError as exc:
        raise Problem(400, f"invalid body: {'; '.join(exc.problems)}") from None
    cleared = {
        f.metadata["wire"]: None
        for f in attrs.fields(op.body)
        if f.default is not attrs.NOTHING and data.get(f.metadata["wire"], ...) is None
    }
    return canonical | cleared


# -- Session API -------------------------------------------------------------------------

_DENIED = "invalid client name, user name or password"


def _principal(call: Call, *, counts_failures: bool = False) -> tuple[str, Record, int]:
    """The family and record of the agent or user a login or password change names, and the
    index of its access token; 401 unless the token is known and the password matches.

    With `counts_failures` (a login), a wrong password counts towards the lockout and may
    lock the account; a successful login starts the count again."""
    store, body = call.store, call.body or {}
    token_index = call.sessions.token_index(call.access_token)
    if token_index is None:
        raise Problem(401, "the LV-Access token is missing or not valid")
    family = "agents" if body.get("agent") else "users"
    name = body["userName"].upper() if family == "agents" else body["userName"]
    found = store.lookup(family, name)
    record = (
        store.find(family, found) if found is not None and body["clientName"] == store.client_code else None
    )
    if record is None:
        raise Problem(401, _DENIED)
    if record["password"] != body["password"]:
        if counts_failures and call.lockout.failed(family, record["id"]):
            store.change(family, record["id"], {"locked": True})
        raise Problem(401, _DENIED)
    if record["locked"] or not record.get("active", True):
        raise Problem(401, "the account is locked or inactive")
    if counts_failures:
        call.lockout.succeeded(family, record["id"])
    return family, record, token_index


def login(call: Call) -> Answer:
    family, record, token_index = _principal(call, counts_failures=True)
    kind = call.store.specs[family].principal
    assert kind is not None
    call.session = call.sessions.open(kind, record["id"], token_index)
    client = call.store.get("clients", call.store.client_id)
    return _json(
        200,
        {
            "sessionId": call.session.id,
            "clientId": call.store.client_id,
            "userId": record["id"],
            "daysUntilPasswordExpires": client["passwordExpirationDays"],
        },
    )


def validate(call: Call) -> Answer:
    if call.sessions.peek(call.params["sessionId"]) is None:
        raise Problem(404, "session is not valid")
    return _NO_CONTENT


def logout(call: Call) -> Answer:
    if not call.sessions.close(call.params["sessionId"]):
        raise Problem(404, "session is not valid")
    return _NO_CONTENT


def change_password(call: Call) -> Answer:
    family, record, _ = _principal(call)
    body = call.body or {}
    check_password("newPassword", body["newPassword"])
    if body["newPassword"] == body["password"]:
        raise Problem(400, "newPassword: must differ from the current password")
    spec = call.store.specs[family]
    assert spec.principal is not None
    assert spec.prepare is not None
    changes: Record = {"password": body["newPassword"]}
    spec.prepare(call.store, Caller(spec.principal, record["id"]), changes, record)
    call.store.change(family, record["id"], changes)
    call.sessions.close_principal(spec.principal, record["id"])
    return _NO_CONTENT


def _session_answer(call: Call, session: Session) -> Record:
    return {
        "sessionId": session.id,
        "clientId": call.store.client_id,
        "userId": session.principal,
        "agent": session.kind == "agent",
    }


def list_active(call: Call) -> Answer:
    """The caller's live sessions (path and keys inferred, like the schema's)."""
    assert call.caller is not None
    mine = call.sessions.of_principal(call.caller.kind, call.caller.principal)
    return _json(200, {"session": [_session_answer(call, s) for s in mine]})


def details(call: Call) -> Answer:
    """One live session of the caller's; another principal's answers 404 as an unknown one."""
    assert call.caller is not None
    session = call.sessions.peek(call.params["sessionId"])
    if session is None or (session.kind, session.principal) != (call.caller.kind, call.caller.principal):
        raise Problem(404, "session is not valid")
    return _json(200, _session_answer(call, session))


# -- Configuration API -------------------------------------------------------------------


def _record(call: Call, param: str = "id") -> Record:
    """The record the path names: 404 if absent, 403 if the caller may not see it."""
    family = call.op.family
    record = call.store.get(family, call.params[param])
    visible = call.store.specs[family].visible
    if visible is not None and call.caller is not None and not visible(call.caller, record):
        raise Problem(403, f"the {call.caller.role} role may not access {family} {call.params[param]}")
    return record


def _selection(call: Call) -> list[Record]:
    """The records a list, search or info answers about, shaped as list items, by id."""
    op, store = call.op, call.store
    spec = store.specs[op.family]
    client = call.params.get("client")
    if client is not None and client != store.client_id:
        return []
    filters = [(field, call.params[p]) for p, field in spec.list_filters.items() if p in call.params]
    criteria = [(spec.search[key], wanted) for key, wanted in (call.body or {}).items()]
    visible, caller = spec.visible, call.caller
    model = (op.result if op.is_list else None) or LIST_MODELS[op.family]  # info counts list items
    if not filters and not criteria and (visible is None or caller is None):
        return store.items(op.family, model)
    fields = wire_fields(model)
    return [
        store.shape(op.family, r, fields)
        for r in store.values(op.family)
        if all(r.get(field) == value for field, value in filters)
        and all(match(r, wanted) for match, wanted in criteria)
        and (visible is None or caller is None or visible(caller, r))
    ]


def next_link(call: Call, count: int, offset: int) -> str:
    """The relative URI of the next page, in the request's path style, filters kept."""
    path = call.op.path[1:]
    if call.version:
        category, rest = path.split("/", 1)
        path = f"{category}/{call.version}/{rest}"
    query = [("count", count), ("offset", offset)]
    query += [
        (p.wire, call.params[p.wire])
        for p in call.op.query_params()
        if p.wire not in ("count", "offset") and p.wire in call.params
    ]
    return f"{path}?{urlencode(query)}"


def page(call: Call) -> Answer:
    """A list or search page; `ListQuirks` may bend it and change the tenant right after."""
    count, offset = call.params["count"], call.params["offset"]
    quirks = quirks_for(call.quirks, call.op.family)
    cut = cut_page(quirks, _selection(call), count, offset)
    if not cut.items and quirks.empty_404:
        raise Problem(404, f"no {call.op.family} found")
    assert call.op.list_key is not None
    answer: Record = {call.op.list_key: cut.items}
    if cut.next_offset is not None:
        answer["next"] = next_link(call, count, cut.next_offset)
    encoded = _json(200, answer)
    _churn(call, quirks, cut.items)
    return encoded


def _churn(call: Call, quirks: ListQuirks, items: list[Record]) -> None:
    """The tenant changing under a reader: copies of the page's first record appear
    (`appear_per_page`), then its first records vanish (`vanish_per_page`)."""
    family, store, id_key = call.op.family, call.store, call.op.id_key
    template = store.find(family, items[0][id_key]) if items else None
    if template is not None:
        for _ in range(quirks.appear_per_page):
            store.insert(family, fresh_copy(store, family, template, id_key))
    for record_id in first_ids(items, id_key, quirks.vanish_per_page):
        with contextlib.suppress(Problem):  # other records still need it (409): it stays
            _remove(call, family, record_id)


def info(call: Call) -> Answer:
    quirks = quirks_for(call.quirks, call.op.family)
    size = quirks.info_size if quirks.info_size is not None else len(_selection(call))
    return _json(200, {"size": size, "lastModified": call.store.last_modified(call.op.family)})


def read(call: Call) -> Answer:
    assert call.op.result is not None
    return _json(200, call.store.shape(call.op.family, _record(call), wire_fields(call.op.result)))


def read_own_client(call: Call) -> Answer:
    """A client read without `{id}` (`/configuration/clients/internal`): the caller's own client."""
    assert call.op.result is not None
    record = call.store.get("clients", call.store.client_id)
    return _json(200, call.store.shape("clients", record, wire_fields(call.op.result)))


def related(call: Call) -> Answer:
    spec = call.store.specs[call.op.family]
    assert spec.related is not None
    assert call.op.result is not None
    found = spec.related(call.store, _record(call))
    return _json(200, {k: found[k] for k in wire_fields(call.op.result) if k in found})


def create(call: Call) -> Answer:
    store, family = call.store, call.op.family
    spec = store.specs[family]
    if spec.copy_create is not None:
        record = spec.copy_create(store, call.params)
    else:
        changes = dict(call.body or {})
        for name, client in (("client", call.params.get("client")), ("clientId", changes.get("clientId"))):
            if client is not None and client != store.client_id:
                raise Problem(400, f"{name}: unknown client {client}")
        if spec.prepare is not None:
            assert call.caller is not None
            spec.prepare(store, call.caller, changes, None)
        record = {**(spec.defaults(store) if spec.defaults else {}), **changes}
    store.check_refs(family, record)
    return _json(201, {"id": store.insert(family, record)})


def update(call: Call) -> Answer:
    store, family = call.store, call.op.family
    spec = store.specs[family]
    current = _record(call)
    changes = dict(call.body or {})
    if spec.prepare is not None:
        assert call.caller is not None
        spec.prepare(store, call.caller, changes, current)
    store.check_refs(family, changes)
    store.change(family, call.params["id"], changes)
    if spec.principal is not None and "password" in changes:
        call.sessions.close_principal(spec.principal, call.params["id"])
    return _NO_CONTENT


def delete(call: Call) -> Answer:
    _record(call)
    _remove(call, call.op.family, call.params["id"])
    return _NO_CONTENT


def _remove(call: Call, family: str, record_id: int) -> None:
    """Delete a record (409 when others still need it) and end its sessions if it logs in."""
    call.store.delete(family, record_id)
    principal = call.store.specs[family].principal
    if principal is not None:
        call.sessions.close_principal(principal, record_id)


def link(call: Call) -> Answer:
    spec = call.store.specs[call.op.family]
    owner, target = call.op.path_params()
    _record(call, owner.wire)
    extra = {p.wire: call.params[p.wire] for p in call.op.query_params() if p.wire in call.params}
    call.store.link(
        call.op.family, call.params[owner.wire], spec.links[call.op.name], call.params[target.wire], extra
    )
    return _NO_CONTENT


_SESSION: dict[str, Handler] = {
    "login": login,
    "validate": validate,
    "logout": logout,
    "change_password": change_password,
    "list_active": list_active,
    "details": details,
}


def handler_for(op: Operation, store: Store) -> Handler:
    """The handler serving `op`; LookupError for an operation the simulator cannot serve."""
    if op.family == "session":
        return _SESSION[op.name]
    spec = store.specs[op.family]
    if op.is_list:
        return page
    if op.name == "info":
        return info
    if op.name == "create":
        return create
    if op.name == "related" and spec.related is not None:
        return related
    if op.name in spec.links:
        return link
    if op.family == "clients" and not op.path_params():
        return read_own_client
    if op.method == "GET" and op.result is not None:
        return read
    if op.method == "DELETE":
        return delete
    if op.body is not None and op.status == 204:
        return update
    raise LookupError(f"the simulator has no handler for {op.id}")
