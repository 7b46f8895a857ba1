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


async def test_the_inbox_keeps_an_event_until_it_is_done(engine: AsyncEngine) -> None:
    inbox = InboundEvents(engine)
    assert await inbox.record("slack", "Ev1", {"text": "main"}, T0) is True
    assert await inbox.record("slack", "Ev2", {"text": "hello"}, T0 + timedelta(seconds=1)) is True
    assert await inbox.record("slack", "Ev1", {"text": "main"}, T0 + timedelta(seconds=2)) is False, "a retry"
    assert await inbox.seen_before("slack", "Ev2", T0) is True, "one dedupe for both"
    assert await inbox.unfinished("slack") == [("Ev1", {"text": "main"}), ("Ev2", {"text": "hello"})]
    await inbox.done("slack", "Ev1", T0 + timedelta(seconds=3))
    assert await inbox.unfinished("slack") == [("Ev2", {"text": "hello"})]
    assert await inbox.unfinished("zoom") == []


async def test_purging_never_forgets_an_event_not_handled_yet(engine: AsyncEngine) -> None:
    inbox = InboundEvents(engine)
    await inbox.record("slack", "handled", {}, T0)
    await inbox.record("slack", "waiting", {}, T0)
    await inbox.done("slack", "handled", T0)
    assert await inbox.purge(T0 + timedelta(hours=3)) == 1
    assert await inbox.unfinished("slack") == [("waiting", {})]
