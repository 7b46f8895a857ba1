"""A small key-value table for settings others keep (a user's chosen language, an item's Zoom meeting id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import key_values as _kv
from bot.adapters.store.upsert import insert_on_conflict


class SqlKeyValues:
    """JSON values under (namespace, key). Namespaces keep areas apart: "user.language", "zoom.meeting"."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, namespace: str, key: str, default: Any = None) -> Any:
        async with reading(self._engine) as connection:
            row = (
                await connection.execute(select(_kv.c.value).where(_kv.c.namespace == namespace, _kv.c.key == key))
            ).first()
        return default if row is None else row.value

    async def set(self, namespace: str, key: str, value: Any, now: datetime) -> None:
        async with self._engine.begin() as connection:
            insert = insert_on_conflict(connection, _kv).values(
                namespace=namespace, key=key, value=value, updated_at=now
            )
            await connection.execute(
                insert.on_conflict_do_update(
                    index_elements=["namespace", "key"],
                    set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
                )
            )

    async def delete(self, namespace: str, key: str) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(delete(_kv).where(_kv.c.namespace == namespace, _kv.c.key == key))
            return result.rowcount == 1

    async def items(self, namespace: str) -> dict[str, Any]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_kv.c.key, _kv.c.value).where(_kv.c.namespace == namespace))).all()
        return {row.key: row.value for row in rows}
