"""The chairs' live changes to the plan (bot.app.ports.store.PlanChanges): appended with their audit entry in
one transaction, read back in the order they were made, so a restart re-times the run of show the same way."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.audit import write_audit
from bot.adapters.store.engine import reading
from bot.adapters.store.tables import plan_adjustments as _changes
from bot.app.ports.store import AuditRecord
from bot.domain.agenda.adjustments import Adjustment, AdjustmentKind


class SqlPlanChanges:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def adjustments(self) -> list[Adjustment]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_changes).order_by(_changes.c.seq))).all()
        return [Adjustment(AdjustmentKind(row.kind), row.at, row.minutes) for row in rows]

    async def append(self, adjustment: Adjustment, actor: str, audit: AuditRecord) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(insert(_changes).values(
                kind=adjustment.kind.value, at=adjustment.at, minutes=adjustment.minutes, actor=actor))
            await write_audit(connection, audit)
