"""Leader lease: with several instances, exactly one leads (posts cues, runs the scheduler).

The leader renews well before expiry and calls `is_held` right before each side effect; an instance
that was frozen (SIGSTOP) finds on waking that its lease has expired and posts nothing. Times come from
the callers' clocks, so instances must keep them in step (NTP), as any lease scheme on wall time needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import leader_leases as _leases
from bot.adapters.store.upsert import insert_on_conflict


@dataclass(frozen=True, slots=True)
class LeaseRecord:
    name: str
    holder: str
    term: int
    expires_at: datetime


class LeaderLease:
    """Named leases in the database. `term` grows by one each time a lease changes hands."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take the lease if it is free, expired, or already ours (then it is extended). Atomic."""
        async with self._engine.begin() as connection:
            insert = insert_on_conflict(connection, _leases).values(
                name=name, holder=holder, term=1, expires_at=now + ttl
            )
            statement = insert.on_conflict_do_update(
                index_elements=["name"],
                set_={
                    "holder": insert.excluded.holder,
                    "expires_at": insert.excluded.expires_at,
                    "term": case(
                        (_leases.c.holder == insert.excluded.holder, _leases.c.term), else_=_leases.c.term + 1
                    ),
                },
                where=(_leases.c.holder == insert.excluded.holder) | (_leases.c.expires_at <= now),
            ).returning(_leases.c.term)
            # RETURNING, not rowcount: the PostgreSQL driver reports -1 for INSERTs built by SQLAlchemy.
            return (await connection.execute(statement)).first() is not None

    async def renew(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Extend a lease we still hold. False if it expired or was taken: the caller must stand down."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(_leases)
                .where(_leases.c.name == name, _leases.c.holder == holder, _leases.c.expires_at > now)
                .values(expires_at=now + ttl)
            )
            return result.rowcount == 1

    async def release(self, name: str, holder: str, now: datetime) -> bool:
        """Give the lease up at once (clean shutdown), so another instance need not wait for expiry."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(_leases)
                .where(_leases.c.name == name, _leases.c.holder == holder, _leases.c.expires_at > now)
                .values(expires_at=now)
            )
            return result.rowcount == 1

    async def is_held(self, name: str, holder: str, now: datetime) -> bool:
        """The check a leader runs right before each side effect."""
        async with reading(self._engine) as connection:
            found = await connection.scalar(
                select(_leases.c.name).where(
                    _leases.c.name == name, _leases.c.holder == holder, _leases.c.expires_at > now
                )
            )
        return found is not None

    async def current(self, name: str) -> LeaseRecord | None:
        async with reading(self._engine) as connection:
            row = (await connection.execute(select(_leases).where(_leases.c.name == name))).first()
        if row is None:
            return None
        return LeaseRecord(name=row.name, holder=row.holder, term=row.term, expires_at=row.expires_at)
