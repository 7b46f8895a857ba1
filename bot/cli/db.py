"""Bodies of `floorbot db upgrade|current`: the schema by hand, for deployments that migrate before starting
(a release step, a container's init) rather than at `serve`'s start. `current` creates nothing."""

from __future__ import annotations

import asyncio
from typing import TextIO

from sqlalchemy.engine import make_url

from bot.adapters.store.migrate import current_revision, head_revision, upgrade_to_head
from bot.adapters.store.urls import missing_sqlite_file


def _url(database: str | None) -> str:
    if database is not None:
        return database
    from bot.config.settings import load_settings

    return load_settings().floorbot_database_url


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def upgrade(database: str | None, out: TextIO, err: TextIO) -> int:
    url = _url(database)
    try:
        asyncio.run(upgrade_to_head(url))
    except Exception as error:
        print(f"{_shown(url)}: cannot upgrade: {type(error).__name__}: {error}"[:400], file=err)
        return 1
    print(f"{_shown(url)}: at {head_revision()}", file=out)
    return 0


def current(database: str | None, out: TextIO, err: TextIO) -> int:
    url = _url(database)
    if missing_sqlite_file(url):
        print(f"{_shown(url)}: no database yet (floorbot db upgrade creates it)", file=err)
        return 1
    try:
        revision = asyncio.run(current_revision(url))
    except Exception as error:
        print(f"{_shown(url)}: unreachable: {type(error).__name__}: {error}"[:400], file=err)
        return 1
    head = head_revision()
    print(f"{_shown(url)}: at {revision or '-'}; this version needs {head}", file=out)
    return 0 if revision == head else 1
