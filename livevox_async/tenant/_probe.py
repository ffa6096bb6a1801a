"""`probe_tenant`: a read-only shape check of the schema against a real tenant.

It calls, once each and through the client's limiter, every operation the session may
call that changes nothing: each list (`count=1`), each `/info`, each read, related,
settings or phone of the first listed item, the client's settings, the Session API
reads, and each search with the narrowest criteria it can take from what it read (the
first item's login id, user name, call direction; an audit-log range of the last 30
days). It compares each answer with the schema, through nested objects and list items,
and reports per operation what matched, how it differs, what was refused and what it
did not call and why. Writes are never called. The report holds operation ids, JSON
paths, JSON types, evidence and unknown enum values: no other value from the tenant.

    async with LiveVox(creds, region="NA6") as lv:
        report = await probe_tenant(lv, families=["agents", "services"])
    print(report.counts)        # {'confirmed': 12, 'differs': 1, 'refused': 0, 'not_probed': 7}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from .._client import LiveVox
from .._enum import LiveVoxEnum
from .._exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    DeadlineExceeded,
    DecodeError,
    PermissionDeniedError,
    TransportError,
)
from .._generated.operations import OPERATIONS
from .._operation import Operation
from .._permissions import describe
from .._wire import WireAnswer
from ._report import WRITE, ProbeReport, ProbeResult
from ._shape import Deviation, compare, deviations, distinct, fields_of, json_type, key_path

AUDIT_DAYS = 30
"""How far back the probe's audit-log search looks (a range is mandatory)."""
OWN_SESSION = ("session.login", "session.logout")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def probe_families() -> list[str]:
    """The families `probe_tenant(families=...)` accepts, in schema order."""
    return list(dict.fromkeys(op.family for op in OPERATIONS.values()))


def _is_read(op: Operation) -> bool:
    """Changes nothing: a GET, or a search (a POST answering a list)."""
    return op.method == "GET" or (op.method == "POST" and op.is_list)


def _list_of(op: Operation) -> Operation | None:
    """The plain list whose first item's id `op` needs (`/agents/{id}/related` -> agents.list)."""
    for candidate in OPERATIONS.values():
        prefix = candidate.path + "/{id}"
        if candidate.is_list and candidate.method == "GET" and op.path.startswith(prefix):
            return candidate
    return None


def _ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _date_range(hint: Any) -> dict[str, int] | None:
    """A required range model (every field a date): the last AUDIT_DAYS days."""
    fields = fields_of(hint) if attrs.has(hint) else []
    if not fields or any(h is not datetime for _, h, _ in fields):
        return None
    now = datetime.now(UTC)
    ends = [_ms(now - timedelta(days=AUDIT_DAYS)), _ms(now)]
    return {wire: ends[min(i, 1)] for i, (wire, _, _) in enumerate(fields)}


def _simple(hint: Any) -> bool:
    return hint in (str, int) or (isinstance(hint, type) and issubclass(hint, LiveVoxEnum))


def page_deviations(op: Operation, data: Any) -> tuple[list[Deviation], list[Any]]:
    """What differs in a list answer, and its items (found under another key if need be)."""
    assert op.list_key is not None
    assert op.result is not None
    if not isinstance(data, dict):
        return [Deviation("type", "$", "object", json_type(data))], []
    found: list[Deviation] = []
    key = op.list_key
    if key not in data:
        arrays = [k for k, v in data.items() if isinstance(v, list)]
        if arrays:
            key = arrays[0]
            found.append(Deviation("list_key", "$", op.list_key, key_path("$", key)[2:]))
    items = data.get(key, [])
    if not isinstance(items, list):
        found.append(Deviation("type", key_path("$", key), "array", json_type(items)))
        items = []
    found += [d for item in items for d in compare(item, op.result, f"{key_path('$', key)}[]")]
    if data.get("next") is not None and not isinstance(data["next"], str):
        found.append(Deviation("type", "$.next", "string", json_type(data["next"])))
    others = [k for k in data if k not in (key, "next")]
    found += [Deviation("unknown_key", key_path("$", k), found=json_type(data[k])) for k in others]
    return found, items


def answer_deviations(op: Operation, answer: WireAnswer) -> tuple[list[Deviation], list[Any]]:
    """What differs in a success answer (status, then shape), and a list answer's items."""
    found = []
    if answer.status != op.status:
        found.append(Deviation("status", "$", str(op.status), str(answer.status)))
    if op.is_list:
        shape, items = page_deviations(op, answer.data)
        return found + shape, items
    if op.result is None:
        if answer.data is not None:
            found.append(Deviation("type", "$", "no body", json_type(answer.data)))
    elif isinstance(answer.data, dict):
        found += deviations(answer.data, op.result)
    else:
        found.append(
            Deviation("type", "$", "object", json_type(answer.data) if answer.data is not None else "empty")
        )
    return found, []


class _Prober:
    """One probe run: the results so far and what they taught (first items, samples)."""

    def __init__(self, lv: LiveVox, scope: set[str]) -> None:
        self.lv = lv
        self.scope = scope
        self.results: dict[str, ProbeResult] = {}
        self.first: dict[str, Any] = {}
        """List op id -> its first item (raw), when it listed one."""
        self.answers: dict[str, Any] = {}
        """Op id -> its answer (raw), for the reads later calls take arguments from."""
        self.samples: dict[str, list[dict[str, Any]]] = {}
        """Family -> objects read from it (first list item, reads): where search criteria come from."""

    def _learn(self, op: Operation, data: Any, items: list[Any]) -> None:
        seen = items[:1] if op.is_list else [data]
        self.answers[op.id] = data
        if op.is_list and items:
            self.first[op.id] = items[0]
        self.samples.setdefault(op.family, []).extend(d for d in seen if isinstance(d, dict))

    async def call(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> ProbeResult:
        """Call `op` once (unless the SDK refuses it) and judge the answer."""
        refusal = self.lv.preflight(op)
        if refusal is not None:
            return ProbeResult.refused(op, "sdk", f"{refusal}; allowed: {describe(op)}")
        try:
            answer = await self.lv.runtime.send(op, path=path or {}, query=query or {}, body=body)
        except AuthenticationError:
            raise  # the session itself is gone: nothing more can be probed
        except PermissionDeniedError as exc:
            who = exc.session_kind or "this"
            return ProbeResult.refused(
                op, "livevox", f"LiveVox answered 403 to a {who} session; allowed: {describe(op)}"
            )
        except APIError as exc:
            return ProbeResult.checked(
                op, exc.status, (Deviation("status", "$", str(op.status), str(exc.status)),)
            )
        except DecodeError as exc:
            got = exc.content_type or "a body that is not JSON"
            return ProbeResult.checked(op, exc.status, (Deviation("not_json", "$", "application/json", got),))
        except (TransportError, DeadlineExceeded) as exc:
            return ProbeResult.not_probed(op, f"no usable answer ({type(exc).__name__})")
        found, items = answer_deviations(op, answer)
        self._learn(op, answer.data, items)
        return ProbeResult.checked(op, answer.status, distinct(found))

    async def record(self, op: Operation, **kwargs: Any) -> None:
        if op.id not in self.results:
            self.results[op.id] = await self.call(op, **kwargs)

    # -- what each kind of operation needs ---------------------------------------------

    async def item_id(self, op: Operation) -> Any:
        """The id `op`'s `{id}` takes: the first item of its list, or the session's client."""
        if op.family == "clients":
            return await self.lv.client_id()
        listing = _list_of(op)
        return None if listing is None else await self.first_id(listing)

    async def first_id(self, listing: Operation) -> Any:
        """The id of the first item `listing` answers (calling it once), None without one."""
        await self.record(listing, query={"count": 1, "offset": 0})
        item = self.first.get(listing.id)
        value = item.get(listing.id_key) if isinstance(item, dict) else None
        return value if type(value) in (int, str) else None

    async def session_id(self) -> Any:
        """The id of the first session List Active Sessions answers (calling it once)."""
        await self.record(OPERATIONS["session.list_active"])
        listed = self.answers.get("session.list_active")
        entries = listed.get("session") if isinstance(listed, dict) else None
        first = entries[0] if isinstance(entries, list) and entries else None
        return first.get("sessionId") if isinstance(first, dict) else None

    def criteria(self, op: Operation) -> dict[str, Any] | None:
        """A search body: required ranges filled, plus one criterion taken from a sample."""
        assert op.body is not None
        body: dict[str, Any] = {}
        for wire, hint, required in fields_of(op.body):
            if required:
                value = _date_range(hint)
                if value is None:
                    return None
                body[wire] = value
        optional = [(w, h) for w, h, required in fields_of(op.body) if not required and _simple(h)]
        for sample in self.samples.get(op.family, []):
            for wire, _ in optional:
                if type(sample.get(wire)) in (str, int):
                    return {**body, wire: sample[wire]}
        return body

    async def probe(self, op: Operation) -> ProbeResult:
        if op.id in OWN_SESSION:
            return ProbeResult.not_probed(op, "opens or ends the session the probe runs in")
        if not _is_read(op):
            return ProbeResult.not_probed(op, WRITE)
        if self.lv.preflight(op) is not None:
            return await self.call(op)  # refused by the SDK before anything is sent
        if op.body is not None:
            return await self.search(op)
        query = {"count": 1, "offset": 0} if op.is_list else {}
        path = {}
        for param in op.path_params():
            value = await (self.session_id() if param.wire == "sessionId" else self.item_id(op))
            if value is None:
                return ProbeResult.not_probed(op, f"no {param.wire} to call it with (nothing was listed)")
            path[param.wire] = value
        return await self.call(op, path=path, query=query)

    async def search(self, op: Operation) -> ProbeResult:
        """Search with criteria from the family's first listed item and its read."""
        listing, read = OPERATIONS.get(f"{op.family}.list"), OPERATIONS.get(f"{op.family}.read")
        first = await self.first_id(listing) if listing is not None else None
        if read is not None and first is not None:
            await self.record(read, path={"id": first})
        body = self.criteria(op)
        if body is None:
            return ProbeResult.not_probed(op, "needs criteria the probe cannot choose")
        return await self.call(op, query={"count": 1, "offset": 0}, body=body)

    async def run(self) -> None:
        for op in OPERATIONS.values():
            if op.family in self.scope and op.id not in self.results:
                self.results[op.id] = await self.probe(op)


def _scope(families: Iterable[str] | None) -> set[str]:
    known = probe_families()
    wanted = set(families) if families is not None else set(known)
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ConfigurationError(f"unknown famil{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}")
    return wanted


async def probe_tenant(lv: LiveVox, families: Iterable[str] | None = None) -> ProbeReport:
    """Probe the tenant `lv` is open on (all families, or these); see the module docstring.

    Raises:
        ConfigurationError: an unknown family name; nothing was sent.
        AuthenticationError: LiveVox refused the login (or the session twice).
    """
    from .. import __version__

    prober = _Prober(lv, _scope(families))
    await prober.run()
    results = tuple(prober.results[op.id] for op in OPERATIONS.values() if op.id in prober.results)
    session = lv.session.kind + (f" ({lv.session.role})" if lv.session.role else "")
    return ProbeReport(results, session, lv.api_version, f"livevox-async {__version__}")
