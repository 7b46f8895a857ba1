"""The audit log: every change and every refusal, with who, when, and why."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import audit_log as _audit
from bot.app.ports.store import AuditRecord

# Built once: the hot path passes plain parameters instead of building (and cache-keying) a statement.
_INSERT = insert(_audit)


async def write_audit(connection: AsyncConnection, record: AuditRecord) -> None:
    """Append inside the caller's transaction, so the entry commits (or not) with the change it records."""
    await connection.execute(
        _INSERT,
        {
            "at": record.at,
            "actor": record.actor,
            "verb": record.verb,
            "target": record.target,
            "allowed": record.allowed,
            "reason": record.reason,
            "details": record.details,
        },
    )


class SqlAuditLog:
    """Reading and appending the audit log (bot.app.ports.store.AuditLog)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(self, record: AuditRecord) -> None:
        async with self._engine.begin() as connection:
            await write_audit(connection, record)

    async def entries(self, target: str | None = None, limit: int | None = None) -> list[AuditRecord]:
        """Oldest first; optionally only those about one target (a discussion id)."""
        statement = select(_audit).order_by(_audit.c.id)
        if target is not None:
            statement = statement.where(_audit.c.target == target)
        if limit is not None:
            statement = statement.limit(limit)
        async with reading(self._engine) as connection:
            rows = (await connection.execute(statement)).all()
        return [
            AuditRecord(
                at=row.at,
                actor=row.actor,
                verb=row.verb,
                target=row.target,
                allowed=row.allowed,
                reason=row.reason,
                details=row.details,
            )
            for row in rows
        ]
