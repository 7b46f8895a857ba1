"""Store fixtures: every store test runs on SQLite (a temporary file) and on PostgreSQL.

Each PostgreSQL test gets its own schema (search_path set through the URL), dropped afterwards, so runs
never collide. If PostgreSQL cannot be reached the PostgreSQL variant is skipped with the reason (CI turns
skips into failures).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine
from bot.adapters.store.migrate import upgrade_to_head

POSTGRES_URL = os.environ.get("FLOORBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _libpq_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_unreachable() -> str | None:
    try:
        with psycopg.connect(_libpq_dsn(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is unreachable: {error}"


@pytest.fixture(scope="session")
def postgres_unreachable() -> str | None:
    return _postgres_unreachable()


@pytest.fixture
def postgres_schema_url(postgres_unreachable: str | None) -> Iterator[str]:
    """A URL whose connections live in a fresh schema of the test PostgreSQL."""
    if postgres_unreachable:
        pytest.skip(postgres_unreachable)
    schema = f"floorbot_test_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq_dsn(POSTGRES_URL), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            make_url(POSTGRES_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(_libpq_dsn(POSTGRES_URL), autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'floorbot.sqlite'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database migrated to head."""
    engine = create_engine(db_url)
    await upgrade_to_head(engine)
    try:
        yield engine
    finally:
        await engine.dispose()
