"""A call's deadline passing while it waits for a limiter token: always `DeadlineExceeded`.

The hard case is the loop iteration in which both the deadline and the limiter's timer fire:
the deadline cancels the waiter, and the timer's wake-up pops the cancelled waiter (deadline
first), or grants it a token it will never use (timer first). `TimerClock` makes that
iteration happen on purpose: it hands the limiter's next timer to the event loop a chosen
delay out, then blocks the loop past both that timer and the deadline, so both are due in the
same iteration and run in the order of their due times.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from runtime_support import ops_in_log

from livevox_async import DeadlineExceeded, LiveVox, RequestOptions
from livevox_async.testing import Simulator

BLOCK = 0.4
"""Seconds the loop is blocked once both timers are set: longer than either is due."""


class TimerClock:
    """The limiter's time: it moves only when one of the limiter's timers fires, by its delay.

    A timer fires in the next loop iteration, unless `arm(delay)` was called: the next timer
    then fires `delay` seconds of loop time later, and the loop is blocked for `BLOCK`.
    """

    def __init__(self) -> None:
        self.time = 0.0
        self._armed: float | None = None

    def now(self) -> float:
        return self.time

    def arm(self, loop_delay: float) -> None:
        self._armed = loop_delay

    def call_later(self, delay: float, callback: Callable[[], None]) -> asyncio.Handle:
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self.time += delay
            callback()

        if self._armed is None:
            return loop.call_soon(fire)
        loop_delay, self._armed = self._armed, None
        handle = loop.call_later(loop_delay, fire)
        loop.call_soon(time.sleep, BLOCK)  # both timers are overdue when the loop runs again
        return handle


@pytest.mark.parametrize(
    ("deadline", "timer"),
    [pytest.param(0.05, 0.2, id="deadline-fires-first"), pytest.param(0.2, 0.05, id="timer-fires-first")],
)
async def test_a_deadline_passing_in_the_iteration_the_limiter_timer_fires_is_deadline_exceeded(
    deadline: float, timer: float, livevox_sim: Simulator, make_client: Callable[..., LiveVox]
) -> None:
    clock = TimerClock()
    async with make_client(rate=1, burst=1, adaptive=False, clock=clock) as lv:
        await lv.agents.info()  # the login and this call each took the only token
        clock.arm(timer)
        with pytest.raises(DeadlineExceeded) as caught:
            await lv.agents.info(options=RequestOptions(deadline=deadline))
        limiter = lv.stats().limiters["token 1"]
        assert (limiter.waiting, limiter.granted) == (0, 2)  # a token granted too late was given back
        assert (await lv.agents.info()).size > 0  # and the next call gets it
    assert caught.value.operation == "agents.info"
    assert str(caught.value).startswith(f"no answer within the call's deadline of {deadline:g}s")
    assert (caught.value.__context__, caught.value.__cause__) == (None, None)
    assert ops_in_log(livevox_sim, "agents.info") == 2  # the call that timed out sent nothing
