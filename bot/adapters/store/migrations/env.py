"""Alembic environment shipped inside the package: no alembic.ini, configured from bot.adapters.store.migrate.

Run from code (`await upgrade_to_head(url)`), which hands us an open connection, or from the command line
(`python -m bot.adapters.store.migrate ...`), which hands us a URL.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from bot.adapters.store.engine import create_engine
from bot.adapters.store.tables import UTCDateTime, metadata

config = context.config


def _render_item(kind: str, obj: Any, autogen: AutogenContext) -> str | Literal[False]:
    # Revisions must not import the app: our UTCDateTime is plain DateTime(timezone=True) in the database.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_item=_render_item,
        # SQLite can only ALTER a table by copying it: later revisions use batch mode there.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def _run_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


_connection = config.attributes.get("connection")
if _connection is not None:
    _run_on(_connection)
elif context.is_offline_mode():
    _run_offline(config.attributes["url"])
else:
    asyncio.run(_run_with_url(config.attributes["url"]))
