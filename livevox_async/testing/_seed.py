"""Deterministic tenant data: the same seed and size give byte-identical records.

Everything comes from one `random.Random(seed)` consumed in a fixed order, and every
date is epoch ms before a base time derived from the seed (never the wall clock).
Fields LiveVox has not documented the meaning of are filled by type from the model
(`_fill`); the fields that matter (names, references, directions) are chosen here.

    >>> from livevox_async.testing import SimulatorConfig, TenantSize
    >>> store = build_store(SimulatorConfig(seed=1, size=TenantSize(agents=10)), SimClock())
    >>> len(store.records("agents")), len(store.records("voices"))
    (10, 10)
"""

from __future__ import annotations

import itertools
import random
import typing
import uuid
from datetime import datetime
from typing import Any

import attrs

from .._enum import LiveVoxEnum
from .._generated import models
from .._unset import UnsetType
from ._clock import SimClock
from ._config import SimulatorConfig, TenantSize
from ._families import FAMILIES, KNOWN_POWERS, ROLE_IDS
from ._store import ID_KEYS, Record, Store, ids

CLIENT_ID = 4199
CLIENT_CODE = "LVSIM"
DAY_MS = 86_400_000
BASE_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z; each seed moves it by whole days

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
    "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
    "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Luis", "Ashley",
    "Kevin", "Emily", "Brian", "Donna", "George", "Michelle", "Wei", "Carol", "Ahmed", "Amanda",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
)  # fmt: skip
CITIES = ("Denver", "Atlanta", "Phoenix", "Austin", "Columbus", "Tampa", "Omaha", "Boise", "Reno", "Tulsa")
SERVICE_KINDS = (
    "Collections",
    "Sales",
    "Support",
    "Billing",
    "Retention",
    "Surveys",
    "Reminders",
    "Verification",
)
OUTBOUND_ACD_CODES = ("0", "2", "3", "7", "8", "9")
INBOUND_ACD_CODE = "6"
CATEGORY_NAMES = (
    "Sale",
    "Contact",
    "No Contact",
    "Wrong Party",
    "Promise To Pay",
    "Callback",
    "Do Not Call",
    "Other",
)
TERM_CODE_NAMES = (
    "Sale", "Callback Requested", "Wrong Number", "Not Interested", "Left Message", "Promise To Pay",
    "Deceased", "Do Not Call", "Disputed", "Paid In Full", "Language Barrier", "Hung Up",
)  # fmt: skip
RESULT_NAMES = (
    "Agent - Customer Contact", "Agent - Wrong Party", "Answering Machine", "Busy", "No Answer",
    "Disconnected Number", "Fax Machine", "Operator Transfer", "Customer Hang Up", "Invalid Number",
    "Blocked", "Call Dropped", "Not Dialed - Compliance", "Not Dialed - Time Zone", "Message Left",
    "IVR - Completed", "IVR - Abandoned", "Agent - Callback Scheduled", "Agent - Promise", "Agent - Refused",
)  # fmt: skip
SKILL_NAMES = (
    "Spanish", "French", "Billing", "Tier 2", "Escalations", "Retention", "Technical", "Sales",
    "Compliance", "Hardship", "Payments", "Onboarding",
)  # fmt: skip
OUTCOME_LABELS = (
    "Contact",
    "No Contact",
    "Right Party",
    "Wrong Party",
    "Promise",
    "Refusal",
    "Machine",
    "Other",
)
TOKENS = ("STANDARD", "DEFAULT", "ALTERNATE", "PRIORITY", "NONE", "ASCENDING", "DESCENDING")
VOICES = (
    (1, "Julie", "en-US"), (2, "Juanita", "es-US"), (3, "Kate", "en-GB"), (4, "Gisele", "fr-CA"),
    (5, "Bob", "en-US"), (6, "GruffM", "en-US"), (8, "GruffF", "en-US"), (9, "Lee", "en-US"),
    (10, "Scarlet", "en-US"), (11, "Claudine", "fr-CA"),
)  # fmt: skip
"""The voice talents LiveVox code names (livevox-api.md §8); id 7 does not exist."""
AUDIT_TYPES = {
    "AGENT": "agents",
    "AGENT_SKILL": "agent_skills",
    "CALL_CENTER": "call_centers",
    "CLIENT": "clients",
    "CONTACT_TIMINGS": "contact_timings",
    "DYNAMIC_RESOURCE_GROUP": "resource_groups",
    "LCID": "lcid_packages",
    "MESSAGE": "message_templates",
    "SCREEN_POP": "screen_pops",
    "SERVICE": "services",
    "STRATEGY": "dialing_strategies",
    "TERM_CATEGORY": "term_code_categories",
    "TERM_CODE": "term_codes",
    "USER": "users",
}
_ID_FIELDS = frozenset({"id", *ID_KEYS.values()})


def base_ms(seed: int) -> int:
    """The seed's "now": every seeded date lies before it."""
    return BASE_MS + (seed % 1000) * DAY_MS


def access_tokens(seed: int, count: int) -> tuple[str, ...]:
    """The `LV-Access` tokens the simulated client holds."""
    rng = random.Random(f"access-tokens/{seed}")
    return tuple(str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count))


def password_of(family: str, name: str) -> str:
    """The seeded password of an agent (by loginId) or a user (by userName)."""
    return f"Agent-{name[-5:]}" if family == "agents" else f"Sim-{name}-1"


_FIELD_TYPES: dict[type[Any], dict[str, Any]] = {}


def _field_types(model: type[Any]) -> dict[str, Any]:
    """Wire name -> the field's type without `UnsetType` (`bool | UnsetType` -> `bool`)."""
    if model not in _FIELD_TYPES:
        hints = typing.get_type_hints(model, vars(models))
        _FIELD_TYPES[model] = {
            f.metadata["wire"]: next(
                t for t in typing.get_args(hints[f.name]) or (hints[f.name],) if t is not UnsetType
            )
            for f in attrs.fields(model)
        }
    return _FIELD_TYPES[model]


def _fill(rng: random.Random, model: type[Any], now: int, **fixed: Any) -> Record:
    """A record of `model`: `fixed` values (None leaves a field out), the rest random by type.

    Ids, lists and nested objects are never invented: give them in `fixed`.
    """
    out: Record = {}
    for wire, kind in _field_types(model).items():
        if wire in fixed:
            if fixed[wire] is not None:
                out[wire] = fixed[wire]
        elif wire in _ID_FIELDS:
            continue
        elif kind is bool:
            out[wire] = rng.random() < 0.5
        elif kind is int:
            out[wire] = rng.randint(1, 120)
        elif kind is str:
            out[wire] = rng.choice(TOKENS)
        elif kind is datetime:
            out[wire] = now - rng.randrange(365 * DAY_MS)
        elif isinstance(kind, type) and issubclass(kind, LiveVoxEnum):
            out[wire] = rng.choice(list(kind)).value
    return out


def _phone(rng: random.Random) -> str:
    return f"555{rng.randrange(10**7):07d}"


def _numbered(names: tuple[str, ...], i: int) -> str:
    """`names[i]`, and after the list runs out `names[i % n] 2`, `… 3`, …"""
    name = names[i % len(names)]
    return name if i < len(names) else f"{name} {i // len(names) + 1}"


class _Seeder:
    def __init__(self, store: Store, seed: int, size: TenantSize) -> None:
        self.store = store
        self.size = size
        self.rng = random.Random(seed)
        self.now = base_ms(seed)
        self.seed = seed

    def add(self, family: str, record: Record) -> int:
        return self.store.insert(family, record, touch=False)

    def run(self) -> None:
        rng, now = self.rng, self.now
        for vid, name, language in VOICES:
            self.add(
                "voices", {"id": vid, "name": name, "language": language, "accessible": name[:5] != "Gruff"}
            )
        results = [
            self.add(
                "livevox_results",
                _fill(
                    rng,
                    models.LiveVoxResult,
                    now,
                    name=name,
                    priority=i + 1,
                    liveAnswer=name.startswith("Agent"),
                ),
            )
            for i, name in enumerate(RESULT_NAMES)
        ]
        categories = [self.add("term_code_categories", {"name": name}) for name in CATEGORY_NAMES]
        skills = [
            self.add("agent_skills", {"name": name, "description": f"Agents who handle {name.lower()} calls"})
            for name in (_numbered(SKILL_NAMES, i) for i in range(self.size.agent_skills))
        ]
        timings = [
            self.add(
                "contact_timings",
                {"name": name, "description": f"{name} dialing window", "systemWide": i < 2},
            )
            for i, name in enumerate(
                ("Federal Hours", "Default Prime Time", "Weekday Evenings", "Weekend Mornings", "State Rules")
            )
        ]
        packages = [
            self.add(
                "lcid_packages",
                {
                    "name": f"LCID {city}",
                    "phoneNumber": sorted(_phone(rng) for _ in range(rng.randint(2, 6))),
                },
            )
            for city in CITIES[:4]
        ]
        templates = [
            self.add("message_templates", {"name": f"{kind} {channel} Template", "type": channel})
            for kind in SERVICE_KINDS[:6]
            for channel in ("SMS", "EMAIL")
        ]
        for i, name in enumerate(
            ("Collections CDR", "Sales CDR", "Daily Export", "Agent Summary", "QA Extract")
        ):
            file_type = rng.choice(("CSV", "TXT", "XLS"))
            self.add("report_formats", {"name": name, "fileType": file_type, "delimiter": ",|\t"[i % 3]})
        for name in ("LiveVox Standard CDR", "LiveVox Extended CDR", "LiveVox Compliance CDR"):
            self.add("report_formats", {"name": name, "fileType": "CSV", "delimiter": ","})
        pops = [self.add("screen_pops", self.screen_pop(i)) for i in range(8)]
        centers = [
            self.add(
                "call_centers",
                _fill(
                    rng,
                    models.CallCenter,
                    now,
                    name=f"{_numbered(CITIES, i)} Call Center",
                    managerName=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    open=True,
                    clientId=CLIENT_ID,
                ),
            )
            for i in range(self.size.call_centers)
        ]
        services = self.services(centers, templates, pops, packages)
        self.term_codes(services, categories, results)
        self.resource_groups(services)
        strategies = self.dialing_strategies(services, results)
        self.client(pops, strategies, timings, templates, packages)
        self.users(services)
        self.agents(services, skills)
        for rid in results:
            self.add("custom_outcomes", {"id": rid, "customOutcome": self.custom_outcomes(services)})
        self.audit_log()

    def screen_pop(self, i: int) -> Record:
        rng = self.rng
        fields = [
            {
                "key": f"field{j + 1}",
                "command": rng.choice(("DISPLAY", "URL", "COPY")),
                "data": f"account.field{j + 1}",
                "position": j + 1,
                "delimiter": "|",
                "displayName": f"Field {j + 1}",
            }
            for j in range(rng.randint(2, 4))
        ]
        return _fill(
            rng,
            models.ScreenPop,
            self.now,
            name=f"{SERVICE_KINDS[i]} Screen Pop",
            description=f"Account details for {SERVICE_KINDS[i].lower()} calls",
            clientId=CLIENT_ID,
            associatedToClient=i == 0,
            associatedService=None,
            infoField=fields,
            dotNetData=[],
        )

    def services(
        self, centers: list[int], templates: list[int], pops: list[int], packages: list[int]
    ) -> list[int]:
        rng = self.rng
        out: list[int] = []
        inbound: list[int] = []
        for i in range(self.size.services):
            direction = "INBOUND" if i % 5 == 4 else "OUTBOUND"
            record = _fill(
                rng,
                models.Service,
                self.now,
                name=f"{SERVICE_KINDS[i % len(SERVICE_KINDS)]} {i + 1:04d}",
                abbreviation=f"S{i + 1:04d}",
                termCodeEnabled=True,
                acdFeatureCode=INBOUND_ACD_CODE if direction == "INBOUND" else rng.choice(OUTBOUND_ACD_CODES),
                inboundService=rng.choice(inbound) if inbound and direction == "OUTBOUND" else None,
                callDirection=direction,
                previewMode=rng.choice(("NONE", "PREVIEW", "MANUAL")),
                callCenterId=centers[i % len(centers)],
            )
            record["direction"] = direction
            record["messageTemplateId"] = rng.choice(templates)
            callers = [_phone(rng) for _ in range(rng.randint(1, 3))]
            record |= _fill(
                rng,
                models.ServicePhone,
                self.now,
                operatorPhone=_phone(rng),
                callbackPhone=_phone(rng),
                agentCallInNumber=_phone(rng),
                defaultCallerId=callers[0],
                callerId=callers,
            )
            record |= _fill(
                rng,
                models.ServiceSettings,
                self.now,
                screenPopId=rng.choice(pops),
                voiceId=rng.choice(VOICES)[0],
                lcidPackageId=rng.choice([*packages, None]),
                answeringMachineOption=rng.choice(list(models.AnsweringMachineOption)).value,
                previewTimeout=rng.choice((0, 15, 30, 60)),
                callAcceptanceTimeout=rng.choice((10, 20, 30)),
            )
            sid = self.add("services", record)
            out.append(sid)
            if direction == "INBOUND":
                inbound.append(sid)
        return out

    def term_codes(self, services: list[int], categories: list[int], results: list[int]) -> None:
        rng, per_service = self.rng, self.size.term_codes_per_service
        for sid in services:
            start = rng.randrange(len(TERM_CODE_NAMES))
            for j in range(per_service):
                self.add(
                    "term_codes",
                    {
                        "name": _numbered(
                            TERM_CODE_NAMES,
                            (start + j) % len(TERM_CODE_NAMES) if j < len(TERM_CODE_NAMES) else j,
                        ),
                        "serviceId": sid,
                        "termCategoryId": rng.choice(categories),
                        "lvResultId": rng.choice(results),
                        "action": "LEAVE_MESSAGE" if rng.random() < 0.2 else "DISCONNECT_CALL",
                        "reportOrder": j + 1,
                        "previewDialEnabled": rng.random() < 0.1,
                        "clientId": CLIENT_ID,
                    },
                )

    def resource_groups(self, services: list[int]) -> None:
        rng = self.rng
        count = max(1, len(services) // 20)
        inbound: list[list[int]] = [[] for _ in range(count)]
        outbound: list[list[int]] = [[] for _ in range(count)]
        for sid in services:
            if rng.random() < 0.5:
                inbound[rng.randrange(count)].append(sid)
            if rng.random() < 0.3:
                for group in rng.sample(range(count), min(count, rng.randint(1, 2))):
                    outbound[group].append(sid)
        for i in range(count):
            self.add(
                "resource_groups",
                {
                    "name": f"Resource Group {i + 1:02d}",
                    "type": rng.choice(list(models.ResourceGroupType)).value,
                    "enabled": rng.random() < 0.8,
                    "inboundService": ids(inbound[i]),
                    "outboundService": ids(outbound[i]),
                },
            )

    def dialing_strategies(self, services: list[int], results: list[int]) -> list[int]:
        rng = self.rng
        return [
            self.add(
                "dialing_strategies",
                {
                    "name": f"Strategy {i + 1:02d}",
                    "service": ids(rng.sample(services, min(len(services), rng.randint(0, 5)))),
                    "dialingSequenceItem": [{"phoneIndex": p} for p in rng.sample(range(1, 31), 3)],
                    "outcomeItem": [
                        {
                            "lvResultId": r,
                            "dialAnotherNumber": rng.random() < 0.5,
                            "maxNumberOfRetries": rng.randint(0, 5),
                            "retryDelay": rng.choice((15, 30, 60)),
                        }
                        for r in sorted(rng.sample(results, 3))
                    ],
                },
            )
            for i in range(10)
        ]

    def client(
        self,
        pops: list[int],
        strategies: list[int],
        timings: list[int],
        templates: list[int],
        packages: list[int],
    ) -> None:
        rng, now = self.rng, self.now
        record: Record = {"id": CLIENT_ID}
        record |= _fill(
            rng,
            models.ClientGeneralSettings,
            now,
            displayName=f"Simulated Client (seed {self.seed})",
            clientCode=CLIENT_CODE,
            defaultScreenPopId=pops[0],
            defaultStrategyId=strategies[0],
            requeueStrategyId=strategies[1],
            defaultContactTimingId=timings[1],
            defaultVoiceId=VOICES[0][0],
            lcidPackageId=packages[0],
            serviceLevelSeconds=30,
        )
        record |= _fill(
            rng,
            models.ClientInternalSettings,
            now,
            passwordExpirationDays=90,
            callRecordingDays=30,
            maxDailyAttempts=3,
        )
        record |= _fill(
            rng,
            models.ClientVoicePoolSettings,
            now,
            defaultVoiceId=VOICES[0][0],
            voice=ids(v["id"] for v in self.store.values("voices") if v["accessible"]),
        )
        record |= _fill(rng, models.ClientMessagingSettings, now, defaultMessageTemplateId=templates[0])
        self.add("clients", record)

    def users(self, services: list[int]) -> None:
        people: list[tuple[str, str, list[str]]] = []
        for role in ROLE_IDS:
            slug = role.lower().replace(" ", "")
            powers = sorted(KNOWN_POWERS) if role == "Manager" else []
            people += [(f"{slug}{n + 1}", role, powers) for n in range(self.size.users_per_role)]
        for count in range(len(KNOWN_POWERS)):
            for subset in itertools.combinations(sorted(KNOWN_POWERS), count):
                suffix = "-".join(p.lower().replace(" ", "") for p in subset) or "nopowers"
                people.append((f"manager-{suffix}", "Manager", list(subset)))
        rng = self.rng
        for name, role, powers in people:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            self.add(
                "users",
                {
                    "clientId": CLIENT_ID,
                    "userName": name,
                    "firstName": first,
                    "lastName": last,
                    "email": f"{name}@lvsim.example",
                    "role": role,
                    "roleId": ROLE_IDS[role],
                    "lastLogin": self.now - rng.randrange(30 * DAY_MS),
                    "locked": False,
                    "service": ids(rng.sample(services, min(len(services), rng.randint(0, 5)))),
                    "password": password_of("users", name),
                    "managerPowers": powers,
                },
            )

    def agents(self, services: list[int], skills: list[int]) -> None:
        rng, now = self.rng, self.now
        choice, random_, randint, sample = rng.choice, rng.random, rng.randint, rng.sample
        for i in range(self.size.agents):
            first, last = choice(FIRST_NAMES), choice(LAST_NAMES)
            login = f"{first[0]}{last}{i + 1:05d}".upper()
            assigned = sample(services, min(len(services), randint(1, 3)))
            skilled = sample(skills, min(len(skills), randint(0, 2)))
            self.add(
                "agents",
                {
                    "loginId": login,
                    "firstName": first,
                    "lastName": last,
                    "phone": _phone(rng),
                    "wrapUpTime": choice((-1, 0, 10, 30, 60, 120)),
                    "homeAgent": random_() < 0.25,
                    "active": i == 0 or random_() < 0.95,
                    "locked": i != 0 and random_() < 0.02,
                    "clientId": CLIENT_ID,
                    "passwordLastModified": now - rng.randrange(180 * DAY_MS),
                    "assignedService": ids(assigned),
                    "agentSkill": [{"id": s, "proficiency": randint(1, 5)} for s in sorted(skilled)],
                    "password": password_of("agents", login),
                },
            )

    def custom_outcomes(self, services: list[int]) -> list[Record]:
        rng = self.rng
        labels = [rng.choice(OUTCOME_LABELS) for _ in range(3)]
        outcomes: list[Record] = [{f"customOutcome{n + 1}": label for n, label in enumerate(labels)}]
        if rng.random() < 0.2:
            outcomes.append({"serviceId": rng.choice(services), "customOutcome1": rng.choice(OUTCOME_LABELS)})
        return outcomes

    def audit_log(self) -> None:
        rng, store = self.rng, self.store
        objects = {
            kind: [r[store.id_key(family)] for r in store.values(family)]
            for kind, family in AUDIT_TYPES.items()
        }
        kinds = [kind for kind, found in objects.items() if found]
        users = [u["id"] for u in store.values("users")]
        stamps = sorted(self.now - rng.randrange(90 * DAY_MS) for _ in range(self.size.audit_log_entries))
        for stamp in stamps:
            kind = rng.choice(kinds)
            action = rng.choice(("CREATE", "UPDATE", "UPDATE", "DELETE"))
            object_id = rng.choice(objects[kind])
            self.add(
                "audit_log",
                {
                    "userId": rng.choice(users),
                    "type": kind,
                    "objectId": object_id,
                    "action": action,
                    "timestamp": stamp,
                    "description": f"{action.title()} {kind.lower().replace('_', ' ')} {object_id}",
                },
            )


def build_store(config: SimulatorConfig, clock: SimClock) -> Store:
    """A new tenant seeded from `config.seed` and `config.size`."""
    store = Store(
        FAMILIES, clock=clock, client_id=CLIENT_ID, client_code=CLIENT_CODE, base_ms=base_ms(config.seed)
    )
    _Seeder(store, config.seed, config.size).run()
    return store
