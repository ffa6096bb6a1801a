"""Row 2 — decode: a 1000-item page of full Agent records, bytes to models.

The page is built from real simulator answers (1000 `agents.read` bodies wrapped as
`{"agent": [...]}`, the shape of a list page). Three decoders, like for like from
bytes, each checking wire types without coercion:

- SDK: `orjson.loads` + `livevox_async._converter.structure(data["agent"], list[Agent])`;
- pydantic v2: `AgentPage.model_validate_json(body)` on an equivalent strict model;
- msgspec: `msgspec.json.decode(body, type=AgentPage)` on an equivalent Struct.

Epoch milliseconds become aware UTC datetimes in all three. The ratio is the median over
`ROUNDS` interleaved rounds of SDK time / pydantic time in the same round (client CPU
time beside it).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import time
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import aiohttp
import msgspec
import orjson
import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

from livevox_async import DecodeError
from livevox_async._converter import structure
from livevox_async.models import Agent

from ._common import PAIRED_ROUNDS, Row, SimProcess, bare_login, median

TARGET = 0.5
ITEMS = 1000
ROUNDS = max(PAIRED_ROUNDS, 9)
REPEAT = 10

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


# -- pydantic v2 ---------------------------------------------------------------------------


def _epoch_ms(value: Any) -> Any:
    if type(value) is int:
        return EPOCH + value * ONE_MS
    raise ValueError(f"expected epoch milliseconds (int), got {type(value).__name__}")


EpochMs = Annotated[datetime, BeforeValidator(_epoch_ms)]


class _PydModel(BaseModel):
    model_config = ConfigDict(strict=True, alias_generator=to_camel, populate_by_name=True, extra="ignore")


class IdRefPyd(_PydModel):
    id: int


class AgentPyd(_PydModel):
    id: int
    login_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    wrap_up_time: int | None = None
    home_agent: bool | None = None
    active: bool | None = None
    locked: bool | None = None
    client_id: int | None = None
    password_last_modified: EpochMs | None = None
    assigned_service: list[IdRefPyd] | None = None


class AgentPagePyd(_PydModel):
    agent: list[AgentPyd]
    next: str | None = None


# -- msgspec -------------------------------------------------------------------------------


class IdRefMs(msgspec.Struct):
    id: int


class AgentMs(msgspec.Struct, rename="camel"):
    id: int
    login_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    wrap_up_time: int | None = None
    home_agent: bool | None = None
    active: bool | None = None
    locked: bool | None = None
    client_id: int | None = None
    password_last_modified: int | datetime | None = None
    assigned_service: list[IdRefMs] | None = None

    def __post_init__(self) -> None:
        if type(self.password_last_modified) is int:
            self.password_last_modified = EPOCH + self.password_last_modified * ONE_MS


class AgentPageMs(msgspec.Struct):
    agent: list[AgentMs]
    next: str | None = None


_MS_DECODER = msgspec.json.Decoder(AgentPageMs)


# -- the three decoders ----------------------------------------------------------------------


def decode_sdk(body: bytes) -> list[Agent]:
    data = orjson.loads(body)
    agents: list[Agent] = structure(data["agent"], list[Agent], path="$.agent")
    return agents


def decode_pydantic(body: bytes) -> list[AgentPyd]:
    return AgentPagePyd.model_validate_json(body).agent


def decode_msgspec(body: bytes) -> list[AgentMs]:
    return _MS_DECODER.decode(body).agent


DECODERS = {"sdk": decode_sdk, "pydantic": decode_pydantic, "msgspec": decode_msgspec}


async def fetch_page() -> bytes:
    """1000 `agents.read` answers from the simulator, as one list page body."""
    async with SimProcess(agents=ITEMS, services=20) as sim, aiohttp.ClientSession() as http:
        sid = await bare_login(http, sim.base_url, sim.credentials())
        headers = {"LV-Session": sid}
        params = {"count": str(ITEMS), "offset": "0"}
        async with http.get(f"{sim.base_url}/configuration/agents", headers=headers, params=params) as r:
            ids = [a["id"] for a in orjson.loads(await r.read())["agent"]]

        async def read(agent_id: int) -> Any:
            async with http.get(f"{sim.base_url}/configuration/agents/{agent_id}", headers=headers) as r:
                return orjson.loads(await r.read())

        records = []
        for start in range(0, len(ids), 50):
            records += await asyncio.gather(*(read(i) for i in ids[start : start + 50]))
    return orjson.dumps({"agent": records, "next": None})


def _check(body: bytes) -> None:
    """The three decoders agree on the data, and each refuses a wrong wire type."""
    sdk, pyd, ms = decode_sdk(body), decode_pydantic(body), decode_msgspec(body)
    assert len(sdk) == len(pyd) == len(ms) == ITEMS
    for a, b, c in zip(sdk, pyd, ms, strict=True):
        assert a.id == b.id == c.id
        assert a.login_id == b.login_id == c.login_id
        assert a.password_last_modified == b.password_last_modified == c.password_last_modified
        assert [r.id for r in a.assigned_service] == [r.id for r in b.assigned_service or []]  # type: ignore[union-attr]
    bad = body.replace(b'"wrapUpTime":', b'"wrapUpTime":"', 1).replace(b',"homeAgent"', b'","homeAgent"', 1)
    for name, decode in DECODERS.items():
        try:
            decode(bad)
        except (DecodeError, pydantic.ValidationError, msgspec.ValidationError):
            pass
        else:
            raise AssertionError(f"{name} accepted a string for an int")


def _profile(body: bytes) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REPEAT):
        decode_sdk(body)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(10)
    lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return [lines[i] for i in range(start - 1, len(lines)) if "function calls" not in lines[i]]


async def run() -> list[Row]:
    body = await fetch_page()
    _check(body)
    for decode in DECODERS.values():  # warm up
        decode(body)
    wall: dict[str, list[float]] = {name: [] for name in DECODERS}
    cpu: dict[str, list[float]] = {name: [] for name in DECODERS}
    names = list(DECODERS)
    for index in range(ROUNDS):
        for name in names if index % 2 == 0 else reversed(names):
            decode = DECODERS[name]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(REPEAT):
                decode(body)
            wall[name].append((time.perf_counter() - wall0) / REPEAT)
            cpu[name].append((time.process_time() - cpu0) / REPEAT)
    ms = {name: median(values) * 1e3 for name, values in wall.items()}
    ratios = [a / b for a, b in zip(wall["sdk"], wall["pydantic"], strict=True)]
    ratio = median(ratios)
    cpu_us = {name: median(values) * 1e6 / ITEMS for name, values in cpu.items()}
    notes = (
        f"median of {ROUNDS} paired rounds; per 1000-item page: SDK {ms['sdk']:.2f} ms, pydantic v2 "
        f"{ms['pydantic']:.2f} ms, msgspec {ms['msgspec']:.2f} ms (SDK/msgspec "
        f"{ms['sdk'] / ms['msgspec']:.1f}x); client CPU/item {cpu_us['sdk']:.2f} µs vs "
        f"{cpu_us['pydantic']:.2f} µs"
    )
    row = Row(
        "2. decode: 1000 Agent records, bytes -> models", f"{ratio:.2f}x", f"<= {TARGET}x", ratio <= TARGET
    )
    row.notes = notes
    row.details += [
        f"body {len(body):,} bytes; {ROUNDS} interleaved rounds of {REPEAT} decodes each; median per page",
        "paired ratio per round (SDK / pydantic): " + ", ".join(f"{r:.2f}" for r in ratios),
        *(
            f"rounds ms {name}: "
            + ", ".join(f"{v * 1e3:.2f}" for v in wall[name])
            + f" (CPU median {median(cpu[name]) * 1e3:.2f} ms, {median(cpu[name]) * 1e6 / ITEMS:.2f} µs/item)"
            for name in names
        ),
        "cProfile of the SDK decode (top 10 by tottime):",
        *("    " + line for line in _profile(body)),
    ]
    return [row]
