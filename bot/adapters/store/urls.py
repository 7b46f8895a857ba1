"""Turn the URL a user gives (sync-style or async) into the async driver URL the store runs on."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

# What people type (or what other tools print) -> the asyncio driver we ship.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class UnsupportedDatabaseError(ValueError):
    """The URL names a database the store does not run on."""


def async_url(url: str | URL) -> URL:
    """Map `sqlite:///x.sqlite`, `postgresql://...` (and `postgres://`) to their asyncio drivers."""
    parsed = make_url(url) if isinstance(url, str) else url
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise UnsupportedDatabaseError(
            f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:///FILE or postgresql://..."
        )
    return parsed.set(drivername=driver)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def missing_sqlite_file(url: str | URL) -> bool:
    """A SQLite URL naming a file that does not exist: connecting would create it, which the read-only
    commands (check, report, provision --dry-run, db current) must not do."""
    from pathlib import Path

    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database or ""
    return parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists()
