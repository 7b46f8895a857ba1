"""Exactly-once intake and the durable inbox: an inbound event id is taken in once, however often the platform
delivers it; with its payload recorded before the platform is acknowledged, it is handled again after a crash
until it is marked done."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import inbound_events as _events
from bot.adapters.store.upsert import insert_on_conflict

# Slack retries over about 5 minutes and Zoom over about 85; two hours covers both with margin.
KEEP_SEEN_FOR = timedelta(hours=2)


class InboundEvents:
    """Inbound events, one row per (source, event id); the `Inbox` and `SeenEvents` ports."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def seen_before(self, source: str, event_id: str, now: datetime) -> bool:
        """Record the id and say whether it was already there. Atomic: of N concurrent callers, one gets False."""
        return not await self._insert(source, event_id, None, now)

    async def record(self, source: str, event_id: str, payload: dict[str, Any], now: datetime, *,
                     owner: str = "") -> bool:
        """Record the event to handle (True), or say it was recorded before (False). Atomic, like `seen_before`."""
        return await self._insert(source, event_id, payload, now, owner)

    async def _insert(self, source: str, event_id: str, payload: dict[str, Any] | None, now: datetime,
                      owner: str = "") -> bool:
        async with self._engine.begin() as connection:
            statement = (
                insert_on_conflict(connection, _events)
                .values(source=source, event_id=event_id, first_seen_at=now, payload=payload,
                        done_at=now if payload is None else None, owner=owner)
                .on_conflict_do_nothing(index_elements=["source", "event_id"])
                .returning(_events.c.event_id)
            )
            # RETURNING, not rowcount: the PostgreSQL driver reports -1 for INSERTs built by SQLAlchemy.
            return (await connection.execute(statement)).first() is not None

    async def done(self, source: str, event_id: str, now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(_events)
                                     .where(_events.c.source == source, _events.c.event_id == event_id)
                                     .values(done_at=now, payload=None))

    async def unfinished(self, source: str, *, owner: str = "") -> list[tuple[str, dict[str, Any]]]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(
                select(_events.c.event_id, _events.c.payload)
                .where(_events.c.source == source, _events.c.done_at.is_(None), _events.c.owner == owner)
                .order_by(_events.c.first_seen_at, _events.c.event_id)
            )).all()
        return [(row.event_id, dict(row.payload or {})) for row in rows]

    async def owners_with_unfinished(self) -> list[str]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_events.c.owner).distinct()
                                             .where(_events.c.done_at.is_(None), _events.c.owner.is_not(None)))).all()
        return [str(row.owner) for row in rows]

    async def adopt(self, previous: str, owner: str) -> int:
        """Take over the events an instance that is gone took in and never handled. Returns how many."""
        async with self._engine.begin() as connection:
            result = await connection.execute(update(_events)
                                              .where(_events.c.owner == previous, _events.c.done_at.is_(None))
                                              .values(owner=owner))
            return result.rowcount

    async def purge(self, now: datetime, keep: timedelta = KEEP_SEEN_FOR) -> int:
        """Forget handled ids first seen more than `keep` ago (never less than two hours); what is not handled
        yet stays. Returns how many."""
        keep = max(keep, KEEP_SEEN_FOR)
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_events).where(_events.c.first_seen_at < now - keep,
                                                                    _events.c.done_at.is_not(None)))
            return result.rowcount
