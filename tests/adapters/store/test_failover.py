"""Failover within 10 s of a leader's kill -9, on SQLite and PostgreSQL: the lease timings (6 s, renewed every
2 s; a standby tries every 2 s) bound the take-over at 8 s whatever the phase of the standby's loop, and
never before the dead leader's lease has expired. Run on a simulated clock: the standby's sleeps move it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.lease import LeaderLease
from bot.app.clock import SimulatedClock
from bot.app.leader import LEASE_TTL, Leadership

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
FAILOVER_BOUND = timedelta(seconds=10)


@pytest.mark.parametrize("phase", [0.0, 0.5, 1.0, 1.99])
async def test_a_standby_takes_over_within_ten_seconds_of_a_kill(engine: AsyncEngine, phase: float) -> None:
    clock = SimulatedClock(T0)
    lease = LeaderLease(engine)
    leader = Leadership(lease, "event:x", "instance-a", clock)
    assert await leader.try_lead()
    killed_at = clock.now()  # kill -9 right after a renewal: the worst case
    clock.advance(timedelta(seconds=phase))
    elected = asyncio.Event()

    async def simulated_sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    async def on_elected() -> None:
        elected.set()

    async def on_deposed() -> None:
        raise AssertionError("never led")

    standby = Leadership(lease, "event:x", "instance-b", clock, sleep=simulated_sleep)
    keeping = asyncio.create_task(standby.keep(on_elected, on_deposed))
    try:
        async with asyncio.timeout(10):
            await elected.wait()
    finally:
        keeping.cancel()
        await asyncio.gather(keeping, return_exceptions=True)
    took = clock.now() - killed_at
    assert LEASE_TTL <= took <= FAILOVER_BOUND, took
    assert not await leader.check(), "the old leader, were it only frozen, would stand down"


async def test_an_instance_is_alive_while_it_beats_and_gone_once_it_stops(engine: AsyncEngine) -> None:
    clock = SimulatedClock(T0)
    lease = LeaderLease(engine)
    a = Leadership(lease, "event:x", "instance-a", clock)
    b = Leadership(lease, "event:x", "instance-b", clock)
    await a.beat()
    assert await b.alive("instance-a") and not await b.alive("instance-c")
    clock.advance(LEASE_TTL + timedelta(seconds=1))
    assert not await b.alive("instance-a"), "killed: its heartbeat expired"
    await a.beat()
    await a.release()
    assert not await b.alive("instance-a"), "a clean stop gives the heartbeat up at once"
