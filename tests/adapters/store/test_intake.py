from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine
from bot.adapters.store.intake import InboundEvents

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


async def test_first_delivery_is_new_and_retries_are_seen(engine: AsyncEngine) -> None:
    events = InboundEvents(engine)
    assert await events.seen_before("slack", "Ev01", T0) is False
    for retry in range(1, 4):
        assert await events.seen_before("slack", "Ev01", T0 + timedelta(minutes=retry)) is True
    # Same id from another platform is another event.
    assert await events.seen_before("zoom", "Ev01", T0) is False


async def test_simultaneous_deliveries_let_exactly_one_through(db_url: str, engine: AsyncEngine) -> None:
    # Several engines = several connection pools, as several processes would have.
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        seen = await asyncio.gather(
            *(InboundEvents(engines[i % len(engines)]).seen_before("slack", "EvSAME", T0) for i in range(24))
        )
    finally:
        for e in engines[1:]:
            await e.dispose()
    assert seen.count(False) == 1
    assert seen.count(True) == 23


async def test_ids_are_kept_at_least_two_hours_then_purged(engine: AsyncEngine) -> None:
    events = InboundEvents(engine)
    await events.seen_before("slack", "old", T0)
    await events.seen_before("slack", "recent", T0 + timedelta(hours=1, minutes=30))
    # Asking for a shorter retention still keeps two hours: Zoom retries up to ~85 minutes later.
    assert await events.purge(T0 + timedelta(hours=1, minutes=59), keep=timedelta(minutes=5)) == 0
    assert await events.purge(T0 + timedelta(hours=2, minutes=1)) == 1
    assert await events.seen_before("slack", "recent", T0 + timedelta(hours=2, minutes=2)) is True
    # A purged id is forgotten: were it delivered again, it would be taken in again.
    assert await events.seen_before("slack", "old", T0 + timedelta(hours=2, minutes=2)) is False
