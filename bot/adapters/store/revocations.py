"""Revoked console credentials (bot.app.ports.access.Revocations): one row per subject, the latest time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import console_revocations as _revoked
from bot.adapters.store.upsert import insert_on_conflict


class SqlRevocations:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def revoke(self, subject: str, now: datetime) -> None:
        async with self._engine.begin() as connection:
            insert = insert_on_conflict(connection, _revoked).values(subject=subject, revoked_at=now)
            await connection.execute(
                insert.on_conflict_do_update(index_elements=["subject"],
                                             set_={"revoked_at": insert.excluded.revoked_at})
            )

    async def revoked_at(self, subjects: Sequence[str]) -> datetime | None:
        if not subjects:
            return None
        statement = select(func.max(_revoked.c.revoked_at)).where(_revoked.c.subject.in_(list(subjects)))
        async with reading(self._engine) as connection:
            latest: datetime | None = (await connection.execute(statement)).scalar()
        return latest
