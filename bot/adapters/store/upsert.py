"""INSERT ... ON CONFLICT for the two backends we run on (their Insert classes differ only by import)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_on_conflict(connection: AsyncConnection, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports `.on_conflict_do_nothing()` / `.on_conflict_do_update()` on this connection."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {connection.dialect.name}")
