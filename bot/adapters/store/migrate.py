"""Schema migrations, run from code. The schema is created and upgraded only by these.

`await upgrade_to_head(url)` is what the app runs at start. For developers:
`python -m bot.adapters.store.migrate upgrade|current|revision -m MESSAGE [--url URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine, reading
from bot.adapters.store.urls import async_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Several instances may start at once against one PostgreSQL: they take turns upgrading (any constant key).
_PG_MIGRATION_LOCK_KEY = 0x666C6F6F72626F74  # "floorbot"


def alembic_config(url: str | URL | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config built in code: no alembic.ini, works from a fresh clone or an installed package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # Passed as an attribute, not a main option: ConfigParser would choke on '%' in passwords.
        config.attributes["url"] = async_url(url).render_as_string(hide_password=False)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection=connection), "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade_to_head(target: str | URL | AsyncEngine) -> None:
    """Create or upgrade the schema to the newest revision, in one transaction."""
    engine = target if isinstance(target, AsyncEngine) else create_engine(target)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY})
            await connection.run_sync(_upgrade)
    finally:
        if engine is not target:
            await engine.dispose()


async def current_revision(target: str | URL | AsyncEngine) -> str | None:
    engine = target if isinstance(target, AsyncEngine) else create_engine(target)
    try:
        async with reading(engine) as connection:
            return await connection.run_sync(_current)
    finally:
        if engine is not target:
            await engine.dispose()


def _main(argv: list[str] | None = None) -> None:
    from bot.config.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m bot.adapters.store.migrate")
    parser.add_argument("action", choices=["upgrade", "current", "revision"])
    parser.add_argument("-m", "--message", default="change")
    parser.add_argument("--url", default=None, help="database URL (default: FLOORBOT_DATABASE_URL)")
    args = parser.parse_args(argv)
    url: str = args.url or load_settings().floorbot_database_url
    if args.action == "upgrade":
        asyncio.run(upgrade_to_head(url))
        print(f"at {head_revision()}")  # noqa: T201
    elif args.action == "current":
        print(asyncio.run(current_revision(url)))  # noqa: T201
    else:
        options: dict[str, Any] = {"message": args.message, "autogenerate": True}
        command.revision(alembic_config(url), **options)


if __name__ == "__main__":
    _main()
