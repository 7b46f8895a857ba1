"""The one virtual time (bot/testing/timing.py) that the Slack, translation and retry tests and the benchmarks
stand on: if it woke sleepers early, late or out of order, their timing assertions would prove nothing."""

from __future__ import annotations

import asyncio

from bot.testing.timing import VirtualWaits


async def test_sleepers_wake_in_due_order_only_when_time_reaches_them() -> None:
    waits = VirtualWaits(start=10.0)
    woke: list[tuple[str, float]] = []

    async def nap(name: str, seconds: float) -> None:
        await waits.sleep(seconds)
        woke.append((name, waits.now()))

    tasks = [asyncio.create_task(nap("late", 3.0)), asyncio.create_task(nap("early", 1.0)),
             asyncio.create_task(nap("tie", 1.0))]
    await waits.wait_for_sleepers(3)
    assert waits.wake_times == [11.0, 11.0, 13.0]
    await waits.advance(2.0)
    assert woke == [("early", 11.0), ("tie", 11.0)] and waits.now() == 12.0
    assert waits.wake_times == [13.0]
    await waits.run_until_idle()
    assert woke[-1] == ("late", 13.0) and waits.wake_times == []
    await asyncio.gather(*tasks)
    assert waits.slept == [3.0, 1.0, 1.0]


async def test_a_zero_sleep_is_a_turn_of_the_loop_not_a_wait_for_advance() -> None:
    waits = VirtualWaits()
    await asyncio.wait_for(waits.sleep(0), timeout=10)  # a guard: it must not hang waiting for advance
    assert waits.now() == 0.0 and waits.wake_times == [] and waits.slept == [0]


async def test_instant_mode_lets_time_pass_without_anyone_advancing_it() -> None:
    waits = VirtualWaits(instant=True)
    await waits.sleep(2.0)
    await waits.sleep(0.5)
    assert waits.now() == 2.5 and waits.slept == [2.0, 0.5] and waits.wake_times == []


async def test_between_runs_after_each_wake_up() -> None:
    waits = VirtualWaits()
    seen: list[float] = []

    async def between() -> None:
        seen.append(waits.now())

    tasks = [asyncio.create_task(waits.sleep(s)) for s in (1.0, 2.0)]
    await waits.advance_to(5.0, between=between)
    assert seen == [1.0, 2.0] and waits.now() == 5.0
    await asyncio.gather(*tasks)
