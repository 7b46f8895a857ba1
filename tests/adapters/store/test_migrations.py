from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine, reading
from bot.adapters.store.migrate import current_revision, head_revision, upgrade_to_head
from bot.adapters.store.tables import metadata


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_produce_exactly_the_orm_metadata(engine: AsyncEngine) -> None:
    async with reading(engine) as connection:
        assert await connection.run_sync(_diff) == []
        tables = await connection.run_sync(_table_names)
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert await current_revision(engine) == head_revision()


async def test_upgrading_twice_is_harmless(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    assert await current_revision(engine) == head_revision()


async def test_a_fresh_database_has_no_revision_until_upgraded(db_url: str) -> None:
    assert await current_revision(db_url) is None
    await upgrade_to_head(db_url)
    assert await current_revision(db_url) == head_revision()


async def test_instances_starting_together_upgrade_once(db_url: str) -> None:
    engines = [create_engine(db_url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade_to_head(e) for e in engines))
        async with reading(engines[0]) as connection:
            assert await connection.run_sync(_diff) == []
            if connection.dialect.name == "sqlite":
                assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
    finally:
        for e in engines:
            await e.dispose()
