"""The async engine: SQLite (WAL, synchronous=FULL) by default, PostgreSQL for several instances."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, pool
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.adapters.store.urls import async_url, is_sqlite

# Long enough to ride out another process's transaction (they are milliseconds), short enough that a
# wedged writer shows up as an error rather than a silent hang.
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Execution option naming how a SQLite transaction starts. IMMEDIATE takes the write lock at BEGIN, so a
# transaction that reads and then writes never fails half-way with SQLITE_BUSY (a deferred one can: in WAL
# mode an upgrade from a stale read snapshot is refused at once, whatever the busy timeout). It is the
# default, so `engine.begin()` is always safe; pure reads use `reading()` and do not queue behind writers.
SQLITE_BEGIN_OPTION = "floorbot_sqlite_begin"


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads only: on SQLite it does not take the write lock (WAL readers run alongside)."""
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            await connection.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        yield connection


class StoreMissingError(FileNotFoundError):
    """A read-only open of a SQLite file that does not exist (nothing has run there)."""


def create_engine(url: str | URL, *, read_only: bool = False, **kwargs: Any) -> AsyncEngine:
    """An AsyncEngine for `url`; sync-style URLs are mapped to the async drivers.

    `read_only` (the report): nothing is created or written, not even a missing SQLite file or its WAL mode;
    PostgreSQL sessions are read-only transactions."""
    target = async_url(url)
    if not is_sqlite(target):
        kwargs.setdefault("pool_pre_ping", True)
        if read_only:
            kwargs.setdefault("connect_args", {"options": "-c default_transaction_read_only=on"})
        return create_async_engine(target, **kwargs)
    database = target.database or ""
    if read_only:
        return _read_only_sqlite(database, **kwargs)
    if database in ("", ":memory:"):
        # One shared connection, or each pool connection would see its own empty database.
        kwargs.setdefault("poolclass", pool.StaticPool)
    engine = create_async_engine(target, **kwargs)
    _configure_sqlite(engine)
    return engine


def _read_only_sqlite(database: str, **kwargs: Any) -> AsyncEngine:
    path = Path(database)
    if database in ("", ":memory:") or not path.is_file():
        raise StoreMissingError(database or ":memory:")
    # With no write-ahead log beside the file nobody is writing (a WAL writer always has one), and an
    # immutable open creates none; otherwise the log and its index exist already and are read as they are.
    idle = not Path(f"{path}-wal").exists()
    options = "mode=ro&immutable=1" if idle else "mode=ro"
    target = URL.create("sqlite+aiosqlite", database=f"file:{path.resolve().as_posix()}?{options}",
                        query={"uri": "true"})
    engine = create_async_engine(target, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN is switched off so that we emit the BEGIN (and its mode) ourselves;
        # PRAGMAs are per connection, hence on every connect.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _ensure_wal(cursor)
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(sync_engine, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _error: BaseException | None) -> None:
        _end_transaction_before_close(dbapi_connection)


def _end_transaction_before_close(dbapi_connection: Any) -> None:
    """Roll back a connection SQLAlchemy is about to throw away (a task cancelled mid-statement: shutdown).

    Closing alone is not enough on SQLite: the cancelled statement's cursor stays referenced from the
    cancelled task's traceback, and `sqlite3_close_v2` with a statement not finalized leaves a zombie
    connection that keeps its transaction, and so the write lock, until the garbage collector frees the
    cursor. Every other writer then waits out the busy timeout (the lease's release at shutdown did). The
    rollback is queued on the connection's own thread ahead of the close, so it runs even if this wait is
    cancelled too."""
    try:
        dbapi_connection.rollback()
    except Exception:  # outside an async context (garbage collection) or already gone: nothing more to do
        return


def _ensure_wal(cursor: Any) -> None:
    """WAL is a property of the file, kept once set. Switching needs the file to itself, and SQLite does
    not wait (no busy handler) for that; so when several processes open a brand-new file at once, the
    losers leave the switch to the winner: their connections follow the file's mode from their next read.
    """
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).lower() == "wal":
        return
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    except Exception as error:
        if "locked" not in str(error).lower():
            raise
