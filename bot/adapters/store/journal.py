"""The durable outbox's records: every outgoing call is written here before it is queued and settled when
the platform confirms it (or it is given up on), so a restart sends what was left unconfirmed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import outbound_posts as _posts
from bot.adapters.store.upsert import insert_on_conflict
from bot.app.ports.store import JournalEntry, OutgoingCall, PostState

# A settled post is kept while a redelivered event or a late cue could ask for it again by its key.
KEEP_SETTLED_FOR = timedelta(hours=6)


def _entry(row: Row[Any]) -> JournalEntry:
    call = OutgoingCall(row.key, row.lane, row.method, row.channel, dict(row.payload), dict(row.meta))
    return JournalEntry(call, PostState(row.state), dict(row.result) if row.result is not None else None, row.owner)


class SqlPostJournal:
    """The `PostJournal` port on the `outbound_posts` table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, call: OutgoingCall, owner: str, now: datetime, *,
                     replace: bool = False) -> JournalEntry | None:
        values = {"key": call.key, "owner": owner, "lane": call.lane, "method": call.method,
                  "channel": call.channel, "payload": call.payload, "meta": call.meta, "created_at": now,
                  "state": PostState.PENDING.value, "result": None, "settled_at": None}
        async with self._engine.begin() as connection:
            insert = insert_on_conflict(connection, _posts).values(**values)
            if replace:
                fresh = {name: value for name, value in values.items() if name != "key"}
                statement = insert.on_conflict_do_update(index_elements=["key"], set_=fresh)
                await connection.execute(statement)
                return None
            created = (await connection.execute(
                insert.on_conflict_do_nothing(index_elements=["key"]).returning(_posts.c.seq))).first()
            if created is not None:
                return None
            row = (await connection.execute(select(_posts).where(_posts.c.key == call.key))).one()
            return _entry(row)

    async def settle(self, keys: Sequence[str], state: PostState, result: dict[str, Any] | None,
                     now: datetime) -> None:
        if not keys:
            return
        async with self._engine.begin() as connection:
            await connection.execute(update(_posts).where(_posts.c.key.in_(list(keys)))
                                     .values(state=state.value, result=result, settled_at=now))

    async def unsent(self, owner: str) -> list[JournalEntry]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(
                select(_posts).where(_posts.c.state == PostState.PENDING.value, _posts.c.owner == owner)
                .order_by(_posts.c.seq))).all()
        return [_entry(row) for row in rows]

    async def owners_with_unsent(self) -> list[str]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_posts.c.owner).distinct()
                                             .where(_posts.c.state == PostState.PENDING.value))).all()
        return [row.owner for row in rows]

    async def adopt(self, previous: str, owner: str) -> int:
        """Take over the unsent calls of an instance that is gone. Returns how many."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(_posts).where(_posts.c.owner == previous, _posts.c.state == PostState.PENDING.value)
                .values(owner=owner))
            return result.rowcount

    async def purge(self, now: datetime, keep: timedelta = KEEP_SETTLED_FOR) -> int:
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_posts).where(_posts.c.settled_at < now - keep))
            return result.rowcount
