"""Values compared and written: minimal updates with explicit nulls, sets vs ordered lists, references."""

from __future__ import annotations

from typing import Any

from livevox_async import OPERATIONS
from livevox_async._generated.models import DialingStrategy
from livevox_async.tenant import update_body
from livevox_async.tenant._relations import ordered, references
from livevox_async.tenant._values import canonical, changed_fields, map_references

STRATEGY: dict[str, Any] = {
    "name": "Strategy 01",
    "service": [{"id": 40001}, {"id": 40002}],
    "dialingSequenceItem": [{"phoneIndex": 3}, {"phoneIndex": 1}],
    "outcomeItem": [{"lvResultId": 701, "dialAnotherNumber": True, "maxNumberOfRetries": 2}],
}


def test_an_update_body_holds_only_what_differs_and_null_for_what_is_cleared() -> None:
    op = OPERATIONS["call_centers.update"]
    current = {"name": "Denver", "managerName": "Ann", "billingSystem": "A", "open": True, "clientId": 4199}
    desired = {"name": "Denver", "billingSystem": "B", "open": True, "clientId": 1}
    assert update_body(op, current, desired) == {"managerName": None, "billingSystem": "B"}
    assert update_body(op, current, current) == {}


def test_lists_compare_as_sets_unless_the_schema_orders_them() -> None:
    op = OPERATIONS["dialing_strategies.update"]
    shuffled = {**STRATEGY, "service": [{"id": 40002}, {"id": 40001}]}
    assert update_body(op, STRATEGY, shuffled) == {}
    reordered = {**STRATEGY, "dialingSequenceItem": [{"phoneIndex": 1}, {"phoneIndex": 3}]}
    assert update_body(op, STRATEGY, reordered) == {"dialingSequenceItem": reordered["dialingSequenceItem"]}
    assert ordered(DialingStrategy) == {("dialingSequenceItem",)}
    null_is_absent = {**STRATEGY, "outcomeItem": [{**STRATEGY["outcomeItem"][0], "retryDelay": None}]}
    assert changed_fields(STRATEGY, STRATEGY, null_is_absent, frozenset()) == []


def test_references_nested_in_items_are_rewritten() -> None:
    seen: list[tuple[str, int]] = []

    def rewrite(family: str, value: int) -> str:
        seen.append((family, value))
        return f"{family}:{value}"

    out = map_references(STRATEGY, references(DialingStrategy), rewrite)
    assert out["service"] == [{"id": "services:40001"}, {"id": "services:40002"}]
    assert out["outcomeItem"][0]["lvResultId"] == "livevox_results:701"
    assert out["dialingSequenceItem"] == STRATEGY["dialingSequenceItem"]
    assert sorted(seen) == [("livevox_results", 701), ("services", 40001), ("services", 40002)]
    assert STRATEGY["service"] == [{"id": 40001}, {"id": 40002}]  # the input is not changed
    assert canonical(out, frozenset()) != canonical(STRATEGY, frozenset())
