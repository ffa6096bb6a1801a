"""Slots (the client's in-flight cap): FIFO, no barging, cancellation-safe; no time passes."""

from __future__ import annotations

import asyncio

import pytest

from livevox_async._slots import Slots


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def holder(slots: Slots, order: list[str], name: str, release: asyncio.Event) -> asyncio.Task[None]:
    async def run() -> None:
        if not slots.try_take():
            await slots.take()
        order.append(name)
        try:
            await release.wait()
        finally:
            slots.give_back()

    return asyncio.ensure_future(run())


async def test_at_most_size_hold_a_slot_and_the_rest_go_in_arrival_order() -> None:
    slots, order = Slots(2), list[str]()
    events = [asyncio.Event() for _ in range(5)]
    tasks = [holder(slots, order, f"t{i}", events[i]) for i in range(5)]
    await settle()
    assert order == ["t0", "t1"]
    events[1].set()
    await settle()
    assert order == ["t0", "t1", "t2"]
    events[0].set()
    events[2].set()
    await settle()
    assert order == ["t0", "t1", "t2", "t3", "t4"]
    for event in events:
        event.set()
    await asyncio.gather(*tasks)
    assert [slots.try_take(), slots.try_take(), slots.try_take()] == [True, True, False]


async def test_no_barging_a_newcomer_cannot_take_a_slot_handed_to_a_waiter() -> None:
    slots = Slots(1)
    assert slots.try_take()
    waiter = asyncio.ensure_future(slots.take())
    await settle()
    slots.give_back()  # handed straight to the waiter, which has not run yet
    assert slots.try_take() is False
    await waiter
    assert slots.try_take() is False  # the waiter holds it
    slots.give_back()
    assert slots.try_take() is True


async def test_a_waiter_cancelled_before_its_turn_leaves_the_queue() -> None:
    slots, order = Slots(1), list[str]()
    assert slots.try_take()
    first = asyncio.Event()
    cancelled = holder(slots, order, "cancelled", first)
    after = holder(slots, order, "after", first)
    await settle()
    cancelled.cancel()
    await settle()
    slots.give_back()
    await settle()
    assert order == ["after"]
    first.set()
    await after
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert slots.try_take() is True


async def test_a_waiter_cancelled_after_it_was_handed_a_slot_passes_it_on() -> None:
    slots, order = Slots(1), list[str]()
    assert slots.try_take()
    release = asyncio.Event()
    handed = holder(slots, order, "handed", release)
    after = holder(slots, order, "after", release)
    await settle()
    slots.give_back()  # "handed" is granted the slot ...
    handed.cancel()  # ... and cancelled before it runs again
    await settle()
    assert order == ["after"]
    release.set()
    await after
    with pytest.raises(asyncio.CancelledError):
        await handed
    assert [slots.try_take(), slots.try_take()] == [True, False]


async def test_a_waiter_cancelled_after_give_back_dropped_it_leaves_no_trace() -> None:
    # give_back meets the cancelled waiter first (its future is done), skips it and frees the slot.
    slots = Slots(1)
    assert slots.try_take()
    waiter = asyncio.ensure_future(slots.take())
    await settle()
    waiter.cancel()
    slots.give_back()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert [slots.try_take(), slots.try_take()] == [True, False]
