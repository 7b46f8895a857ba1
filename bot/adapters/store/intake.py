"""Exactly-once intake: an inbound event id is taken in once, however often the platform delivers it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.tables import inbound_events as _events
from bot.adapters.store.upsert import insert_on_conflict

# Slack retries over about 5 minutes and Zoom over about 85; two hours covers both with margin.
KEEP_SEEN_FOR = timedelta(hours=2)


class InboundEvents:
    """Processed inbound event ids, one row per (source, event id)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def seen_before(self, source: str, event_id: str, now: datetime) -> bool:
        """Record the id and say whether it was already there. Atomic: of N concurrent callers, one gets False."""
        async with self._engine.begin() as connection:
            statement = (
                insert_on_conflict(connection, _events)
                .values(source=source, event_id=event_id, first_seen_at=now)
                .on_conflict_do_nothing(index_elements=["source", "event_id"])
                .returning(_events.c.event_id)
            )
            # RETURNING, not rowcount: the PostgreSQL driver reports -1 for INSERTs built by SQLAlchemy.
            return (await connection.execute(statement)).first() is None

    async def purge(self, now: datetime, keep: timedelta = KEEP_SEEN_FOR) -> int:
        """Forget ids first seen more than `keep` ago (never less than two hours). Returns how many."""
        keep = max(keep, KEEP_SEEN_FOR)
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_events).where(_events.c.first_seen_at < now - keep))
            return result.rowcount
