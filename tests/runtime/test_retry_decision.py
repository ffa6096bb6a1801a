"""The retry decision as a table, without HTTP: (operation, outcome, attempt state) -> decision.

Every row is one case of the rules the client follows (idempotency, statuses never retried,
connections never made, throttles counted apart, the Retry-After cap, the retry budget,
session renewal); the waits are exact because the policy's jitter is fixed at 0.5.
The last tests plug a decision of one's own into a client over loopback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from runtime_support import ops_in_log

from livevox_async import (
    OPERATIONS,
    ConnectError,
    ConnectionLost,
    DecodeError,
    LiveVox,
    NotFoundError,
    ProtocolError,
    ReadTimeout,
    ResponseTooLarge,
    RetryPolicy,
    ServerError,
)
from livevox_async.retry import (
    AttemptState,
    Decision,
    GiveUp,
    MaxAttemptsChecker,
    Outcome,
    RenewSession,
    RetryAfter,
    RetryBudget,
    TransientRetryableChecker,
)
from livevox_async.testing import Simulator

READ = OPERATIONS["agents.read"]
UPDATE = OPERATIONS["agents.update"]  # a PUT: idempotent
CREATE = OPERATIONS["term_code_categories.create"]
LOGIN = OPERATIONS["session.login"]

POLICY = RetryPolicy(
    max_attempts=4,
    max_throttle_retries=2,
    retry_after_cap=10.0,
    backoff_base=0.1,
    backoff_cap=1.0,
    jitter=lambda: 0.5,
)
"""Backoff before retry n: min(1, 0.1 * 2**(n-1)) * 0.5 -> 0.05, 0.1, 0.2, ..."""
SID = "4f1c2a3b-0000-4000-8000-00000000abcd"


def status(code: int, *, retry_after: str | None = None, **fields: Any) -> Outcome[Any]:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    throttled = fields.pop("throttled", code in (429, 503))  # the client's default predicate
    return Outcome.answered(code, headers, throttled=throttled, **fields)


def failed(error: Exception, answered: int | None = None) -> Outcome[Any]:
    response = status(answered).response if answered is not None else None
    return Outcome(response, None, error=error)  # type: ignore[arg-type]


def state(**fields: Any) -> AttemptState:
    return AttemptState(RetryBudget(), **fields)


EXHAUSTED = RetryBudget(capacity=2)
EXHAUSTED.spend()  # 1 of 2 tokens left: at half, no retry

ROWS: list[tuple[str, Any, Outcome[Any], AttemptState, Decision]] = [
    # -- statuses -----------------------------------------------------------------------------
    ("read 500: back off", READ, status(500), state(), RetryAfter(0.05)),
    ("read 502: back off", READ, status(502), state(), RetryAfter(0.05)),
    ("read 504: back off", READ, status(504), state(), RetryAfter(0.05)),
    ("update 500: back off (PUT is idempotent)", UPDATE, status(500), state(), RetryAfter(0.05)),
    ("read 500, second retry: longer", READ, status(500), state(retries=1), RetryAfter(0.1)),
    ("read 500, third retry: longer still", READ, status(500), state(retries=2), RetryAfter(0.2)),
    ("read 500, attempts used up", READ, status(500), state(retries=3), GiveUp()),
    ("read 500, retry=False", READ, status(500), state(retry_enabled=False), GiveUp()),
    ("read 500, budget at half", READ, status(500), AttemptState(EXHAUSTED), GiveUp()),
    ("read 400: never", READ, status(400), state(), GiveUp()),
    ("read 403: never", READ, status(403), state(), GiveUp()),
    ("read 404: never", READ, status(404), state(), GiveUp()),
    ("read 409: never", READ, status(409), state(), GiveUp()),
    ("create 500: never sent twice", CREATE, status(500), state(), GiveUp()),
    ("create 502: never sent twice", CREATE, status(502), state(), GiveUp()),
    # -- failures without an answer -----------------------------------------------------------
    ("create, connection never made: any op", CREATE, failed(ConnectError("x")), state(), RetryAfter(0.05)),
    ("read, connection never made", READ, failed(ConnectError("x")), state(), RetryAfter(0.05)),
    (
        "create, connection never made, attempts used up",
        CREATE,
        failed(ConnectError("x")),
        state(retries=3),
        GiveUp(),
    ),
    ("read, connection lost", READ, failed(ConnectionLost("x")), state(), RetryAfter(0.05)),
    ("create, connection lost: outcome unknown", CREATE, failed(ConnectionLost("x")), state(), GiveUp()),
    ("read, read timeout", READ, failed(ReadTimeout("x")), state(), RetryAfter(0.05)),
    ("create, read timeout", CREATE, failed(ReadTimeout("x")), state(), GiveUp()),
    ("read, not HTTP", READ, failed(ProtocolError("x")), state(), RetryAfter(0.05)),
    (
        "read, too large: the same again",
        READ,
        failed(ResponseTooLarge("x", max_body_size=1)),
        state(),
        GiveUp(),
    ),
    ("read, 200 not JSON", READ, failed(DecodeError("x"), 200), state(), RetryAfter(0.05)),
    (
        "read, 200 not JSON, retry=False",
        READ,
        failed(DecodeError("x"), 200),
        state(retry_enabled=False),
        GiveUp(),
    ),
    (
        "read, 200 against the schema: would repeat",
        READ,
        failed(DecodeError("x", problems=["$.id: expected int"]), 200),
        state(),
        GiveUp(),
    ),
    ("create, 201 not JSON: outcome unknown", CREATE, failed(DecodeError("x"), 201), state(), GiveUp()),
    # -- throttles --------------------------------------------------------------------------------
    ("read 429 Retry-After 3", READ, status(429, retry_after="3"), state(), RetryAfter(3.0, throttle=True)),
    ("read 429 silent: back off", READ, status(429), state(), RetryAfter(0.05, throttle=True)),
    ("read 429, second throttle", READ, status(429), state(throttles=1), RetryAfter(0.1, throttle=True)),
    ("read 429, throttle retries used up", READ, status(429), state(throttles=2), GiveUp(rate_limited=True)),
    (
        "read 429 Retry-After past the cap",
        READ,
        status(429, retry_after="11"),
        state(),
        GiveUp(rate_limited=True),
    ),
    (
        "read 429 Retry-After at the cap",
        READ,
        status(429, retry_after="10"),
        state(),
        RetryAfter(10.0, throttle=True),
    ),
    ("read 429, retry=False", READ, status(429), state(retry_enabled=False), GiveUp(rate_limited=True)),
    (
        "read 429 after the attempts are used up: counted apart",
        READ,
        status(429),
        state(retries=3),
        RetryAfter(0.05, throttle=True),
    ),
    (
        "read 429, budget at half: throttles spend none",
        READ,
        status(429),
        AttemptState(EXHAUSTED),
        RetryAfter(0.05, throttle=True),
    ),
    ("create 429: not processed, resent", CREATE, status(429), state(), RetryAfter(0.05, throttle=True)),
    ("create 503 throttle: may have been processed", CREATE, status(503), state(), GiveUp()),
    ("read 503 throttle", READ, status(503, retry_after="2"), state(), RetryAfter(2.0, throttle=True)),
    ("read 503 not judged a throttle: a 5xx", READ, status(503, throttled=False), state(), RetryAfter(0.05)),
    ("read 429 not judged a throttle", READ, status(429, throttled=False), state(), GiveUp()),
    # -- session expiry ---------------------------------------------------------------------------
    ("read 401 on a session: log in again", READ, status(401, session_id=SID), state(), RenewSession()),
    ("create 401 on a session: log in again", CREATE, status(401, session_id=SID), state(), RenewSession()),
    (
        "read 401, retry=False: still renewed",
        READ,
        status(401, session_id=SID),
        state(retry_enabled=False),
        RenewSession(),
    ),
    ("read 401 after its own re-login", READ, status(401, session_id=SID), state(renewed=True), GiveUp()),
    (
        "read 401 for an id renewed elsewhere",
        READ,
        status(401, session_id=SID, renewed_elsewhere=True),
        state(),
        RenewSession(login=False),
    ),
    (
        "read 401 renewed elsewhere, own re-login spent: still resent",
        READ,
        status(401, session_id=SID, renewed_elsewhere=True),
        state(renewed=True, renewed_elsewhere=2),
        RenewSession(login=False),
    ),
    (
        "read 401 renewed elsewhere three times",
        READ,
        status(401, session_id=SID, renewed_elsewhere=True),
        state(renewed_elsewhere=3),
        GiveUp(),
    ),
    ("login 401: refused, no session to renew", LOGIN, status(401), state(), GiveUp()),
]


@pytest.mark.parametrize(
    ("op", "outcome", "before", "decision"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_decision(op: Any, outcome: Outcome[Any], before: AttemptState, decision: Decision) -> None:
    tokens = before.budget.tokens
    assert POLICY.decide(op, outcome, before) == decision
    assert before.budget.tokens == tokens  # deciding spends nothing


def test_one_attempt_disables_throttle_retries_too() -> None:
    once = RetryPolicy(max_attempts=1, jitter=lambda: 0.5)
    assert once.decide(READ, status(429), state()) == GiveUp(rate_limited=True)
    assert once.decide(READ, status(500), state()) == GiveUp()
    assert once.decide(READ, status(401, session_id=SID), state()) == RenewSession()


def test_the_state_after_each_decision() -> None:
    start = state(started=7.0)
    assert start.attempts == 1
    after = start.after(RetryAfter(0.1)).after(RetryAfter(1, throttle=True)).after(RenewSession())
    after = after.after(RenewSession(login=False))
    assert (after.retries, after.throttles, after.renewed, after.renewed_elsewhere) == (1, 1, True, 1)
    assert (after.attempts, after.started, after.retry_enabled) == (5, 7.0, True)
    assert (start.retries, start.throttles, start.renewed) == (0, 0, False)  # a value: unchanged


def test_a_checker_replaced_in_the_standard_chain() -> None:
    # Replace: idempotent retries also after a 408; everything else as standard.
    base = attrs.evolve(POLICY, retry_statuses=POLICY.retry_statuses | {408})
    assert base.decide(READ, status(408), state()) == RetryAfter(0.05)
    chain = tuple(
        MaxAttemptsChecker(2) if isinstance(checker, MaxAttemptsChecker) else checker
        for checker in base.standard_checkers()
    )
    two = attrs.evolve(base, checkers=chain)
    assert two.decide(READ, status(408), state()) == RetryAfter(0.05)
    assert two.decide(READ, status(408), state(retries=1)) == GiveUp()
    assert base.decide(READ, status(408), state(retries=1)) == RetryAfter(0.1)
    assert [type(c) for c in two.standard_checkers()] == [type(c) for c in chain]
    assert any(isinstance(c, TransientRetryableChecker) for c in chain)


class RetryNotFoundOnce:
    """A checker of one's own: a read answered 404 is tried once more, 10 ms later."""

    def check(self, op: Any, outcome: Outcome[Any], state: AttemptState) -> Decision | None:
        if outcome.status == 404 and op.idempotent and state.retries == 0:
            return RetryAfter(0.01)
        return None


class NeverRetry:
    """A decision of one's own (any object with `decide`): send once, renew nothing."""

    def decide(self, op: Any, outcome: Outcome[Any], state: AttemptState) -> Decision:
        return GiveUp()


async def test_a_checker_added_to_a_client(
    livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    policy = RetryPolicy(checkers=(RetryNotFoundOnce(), *RetryPolicy().standard_checkers()))
    async with make_client(retry=policy) as lv:
        with pytest.raises(NotFoundError):
            await lv.agents.read(10**9)
        assert lv.stats().retries == 1
    assert ops_in_log(livevox_sim, "agents.read") == 2


async def test_a_decider_of_ones_own(livevox_sim: Simulator, make_client: Callable[..., LiveVox]) -> None:
    livevox_sim.faults.script("500", times=3, operation="agents.info")
    async with make_client(retry=NeverRetry()) as lv:
        with pytest.raises(ServerError):
            await lv.agents.info()
        assert lv.stats().retries == 0
    assert ops_in_log(livevox_sim, "agents.info") == 1
