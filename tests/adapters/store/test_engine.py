from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import StatementError

from bot.adapters.store.engine import create_engine, reading
from bot.adapters.store.migrate import upgrade_to_head
from bot.adapters.store.tables import key_values
from bot.adapters.store.urls import UnsupportedDatabaseError, async_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///floorbot.sqlite", "sqlite+aiosqlite:///floorbot.sqlite"),
        ("sqlite:////abs/path.sqlite", "sqlite+aiosqlite:////abs/path.sqlite"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db?sslmode=require", "postgresql+psycopg://u@h/db?sslmode=require"),
    ],
)
def test_sync_style_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


def test_unknown_database_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedDatabaseError, match="mysql"):
        async_url("mysql://u@h/db")


async def test_every_sqlite_connection_is_wal_full_with_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}", pool_size=3)
    try:
        # Held open together: each is its own pool connection, so each went through the connect hook.
        connections = [await engine.connect() for _ in range(3)]
        for connection in connections:
            await connection.execution_options(floorbot_sqlite_begin="DEFERRED")
        for connection in connections:
            assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await connection.scalar(text("PRAGMA synchronous"))) == 2  # FULL
            assert (await connection.scalar(text("PRAGMA busy_timeout"))) >= 5000
        for connection in connections:
            await connection.close()
    finally:
        await engine.dispose()


async def test_aware_datetimes_round_trip_as_utc_and_naive_ones_are_refused(db_url: str) -> None:
    engine = create_engine(db_url)
    await upgrade_to_head(engine)
    zurich_noon = datetime(2022, 3, 7, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(key_values).values(namespace="n", key="k", value={"a": 1}, updated_at=zurich_noon)
            )
        async with reading(engine) as connection:
            stored = await connection.scalar(select(key_values.c.updated_at))
        assert stored == zurich_noon
        assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
        assert stored == datetime(2022, 3, 7, 11, 0, tzinfo=UTC)
        with pytest.raises(StatementError, match="aware"):
            async with engine.begin() as connection:
                await connection.execute(
                    insert(key_values).values(
                        namespace="n",
                        key="naive",
                        value=1,
                        updated_at=datetime(2022, 3, 7, 12, 0),  # noqa: DTZ001 - the point of the test
                    )
                )
    finally:
        await engine.dispose()



async def test_a_connection_thrown_away_mid_transaction_leaves_the_write_lock_free(tmp_path: Path) -> None:
    """Shutdown cancels tasks wherever they are, and SQLAlchemy throws away (invalidates) a connection whose
    statement was cancelled. If that statement is not finished (its cursor outlives the close, as in a
    cancelled task's traceback), SQLite keeps the closed connection as a zombie that holds its transaction
    and the write lock; the lease's release at shutdown then waited out the 30 s busy timeout. A connection
    thrown away is rolled back first, so the lock is free at once."""
    path = tmp_path / "x.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    await upgrade_to_head(engine)
    try:
        connection = await engine.connect()
        await connection.begin()  # BEGIN IMMEDIATE: the write lock
        for key in ("a", "b", "c"):
            await connection.execute(insert(key_values).values(
                namespace="n", key=key, value=1, updated_at=datetime(2022, 3, 7, 9, 0, tzinfo=UTC)))
        unfinished = await connection.stream(select(key_values.c.key))
        assert len(await unfinished.fetchmany(1)) == 1  # the statement has rows left: not finalized
        await connection.invalidate()
        probe = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")  # "database is locked" while the zombie holds the transaction
            probe.execute("ROLLBACK")
            # The rolled-back rows are gone: the transaction ended rather than being committed by the close.
            assert probe.execute("SELECT count(*) FROM key_values").fetchone() == (0,)
        finally:
            probe.close()
        del unfinished
    finally:
        await engine.dispose()
