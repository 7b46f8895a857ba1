"""Written inputs kept durably: the file first (written, fsynced, renamed into place, the folder fsynced),
then its metadata in one transaction; only then is the submitter told it was received. A crash in between
leaves at most a file nobody was told about, never a receipt without its file.

Files are named `<sha256>.<format>` in the inputs folder: the same document sent twice is stored once.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import insert, inspect, select, true, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import written_inputs as _inputs
from bot.adapters.store.urls import async_url, is_sqlite
from bot.app.ports.inputs import InputRecord


def inputs_folder(database_url: str, configured: str | None = None) -> Path:
    """FLOORBOT_INPUTS_DIR, else `<name>-inputs` beside a SQLite file, else `floorbot-inputs` here."""
    if configured:
        return Path(configured)
    url = async_url(database_url)
    if is_sqlite(url) and url.database not in (None, "", ":memory:"):
        database = Path(str(url.database))
        return database.with_name(f"{database.stem}-inputs")
    return Path("floorbot-inputs")


class CorruptInputError(RuntimeError):
    """A stored file no longer matches its checksum."""


def _write_durably(folder: Path, name: str, content: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    if final.exists() and hashlib.sha256(final.read_bytes()).hexdigest() == name.split(".")[0]:
        return
    partial = folder / f".{name}.{os.getpid()}.part"
    with partial.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(final)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class SqlInputStore:
    """bot.app.ports.inputs.InputStore over the database and a folder."""

    def __init__(self, engine: AsyncEngine, folder: Path) -> None:
        self._engine = engine
        self.folder = folder

    def path_of(self, record: InputRecord) -> Path | None:
        return self.folder / f"{record.sha256}.{record.format}" if record.sha256 else None

    async def add(self, record: InputRecord, content: bytes | None) -> None:
        if content is not None and record.sha256:
            await asyncio.to_thread(_write_durably, self.folder, f"{record.sha256}.{record.format}", content)
        async with self._engine.begin() as connection:
            await connection.execute(insert(_inputs).values(
                reference=record.reference, received_at=record.received_at, submitter=record.submitter,
                title=record.title, organization=record.organization, group_id=record.group,
                language=record.language, text=record.text, filename=record.filename, format=record.format,
                size=record.size, sha256=record.sha256,
            ))

    async def attach(self, record: InputRecord, content: bytes) -> None:
        await asyncio.to_thread(_write_durably, self.folder, f"{record.sha256}.{record.format}", content)
        async with self._engine.begin() as connection:
            await connection.execute(update(_inputs).where(_inputs.c.reference == record.reference).values(
                filename=record.filename, format=record.format, size=record.size, sha256=record.sha256))

    async def get(self, reference: str) -> InputRecord | None:
        return next((r for r in await self._select(_inputs.c.reference == reference)), None)

    async def available(self) -> bool:
        """False for a store from before written inputs (read-only, it cannot be migrated)."""
        async with reading(self._engine) as connection:
            return bool(await connection.run_sync(lambda sync: inspect(sync).has_table(_inputs.name)))

    async def all(self) -> list[InputRecord]:
        return await self._select(true())

    async def _select(self, where: Any) -> list[InputRecord]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_inputs).where(where).order_by(_inputs.c.received_at,
                                                                                  _inputs.c.reference))).all()
        return [InputRecord(r.reference, r.received_at, r.submitter, r.title, r.organization, r.group_id,
                            r.language, r.text, r.filename, r.format, r.size, r.sha256) for r in rows]

    async def content(self, record: InputRecord) -> bytes:
        path = self.path_of(record)
        if path is None:
            return b""
        data = await asyncio.to_thread(path.read_bytes)
        if hashlib.sha256(data).hexdigest() != record.sha256:
            raise CorruptInputError(f"{path} does not match its checksum")
        return data
