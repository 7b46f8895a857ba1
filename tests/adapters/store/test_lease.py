from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine
from bot.adapters.store.lease import LeaderLease
from bot.app.clock import SimulatedClock
from bot.app.leader import Leadership

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=15)


async def test_one_leader_at_a_time_and_takeover_after_expiry(engine: AsyncEngine) -> None:
    lease = LeaderLease(engine)
    assert await lease.acquire("conductor", "a", T0, TTL)
    assert not await lease.acquire("conductor", "b", T0 + timedelta(seconds=5), TTL)
    assert await lease.is_held("conductor", "a", T0 + timedelta(seconds=5))
    assert not await lease.is_held("conductor", "b", T0 + timedelta(seconds=5))
    # a renews in time, so b still cannot take it after the first TTL.
    assert await lease.renew("conductor", "a", T0 + timedelta(seconds=10), TTL)
    assert not await lease.acquire("conductor", "b", T0 + timedelta(seconds=20), TTL)
    # a stops renewing (killed or frozen): b takes over once it has expired.
    assert await lease.acquire("conductor", "b", T0 + timedelta(seconds=26), TTL)
    current = await lease.current("conductor")
    assert current is not None
    assert (current.holder, current.term) == ("b", 2)


async def test_a_frozen_leader_finds_it_lost_the_lease(engine: AsyncEngine) -> None:
    lease = LeaderLease(engine)
    await lease.acquire("conductor", "a", T0, TTL)
    # a is SIGSTOPped; b takes over; a wakes up and checks before its next side effect.
    await lease.acquire("conductor", "b", T0 + timedelta(seconds=16), TTL)
    woke = T0 + timedelta(seconds=17)
    assert not await lease.is_held("conductor", "a", woke)
    assert not await lease.renew("conductor", "a", woke, TTL)
    assert await lease.is_held("conductor", "b", woke)


async def test_even_unchallenged_an_expired_lease_is_not_held(engine: AsyncEngine) -> None:
    lease = LeaderLease(engine)
    await lease.acquire("conductor", "a", T0, TTL)
    assert not await lease.is_held("conductor", "a", T0 + TTL)
    assert not await lease.renew("conductor", "a", T0 + TTL, TTL)
    # It can be re-acquired, and the term shows it was lost in between.
    assert await lease.acquire("conductor", "a", T0 + TTL, TTL)
    assert (await lease.current("conductor")).term == 1  # type: ignore[union-attr]


async def test_release_hands_over_at_once(engine: AsyncEngine) -> None:
    lease = LeaderLease(engine)
    await lease.acquire("conductor", "a", T0, TTL)
    assert not await lease.release("conductor", "b", T0)
    assert await lease.release("conductor", "a", T0 + timedelta(seconds=1))
    assert await lease.acquire("conductor", "b", T0 + timedelta(seconds=1), TTL)


async def test_simultaneous_candidates_elect_exactly_one(db_url: str, engine: AsyncEngine) -> None:
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        won = await asyncio.gather(
            *(LeaderLease(engines[i % 4]).acquire("conductor", f"i{i}", T0, TTL) for i in range(12))
        )
    finally:
        for e in engines[1:]:
            await e.dispose()
    assert won.count(True) == 1


async def test_the_leader_check_reads_the_clock_each_time(engine: AsyncEngine) -> None:
    lease = LeaderLease(engine)
    clock = SimulatedClock(T0)
    leadership = Leadership(lease, "conductor", "a", clock, TTL)
    assert await leadership.try_lead()
    assert await leadership.check()
    clock.advance(TTL)
    assert not await leadership.check()
