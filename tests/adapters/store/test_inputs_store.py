"""Written inputs in the store, on SQLite and PostgreSQL: metadata in the database, the file in the folder
named by its checksum, a later attachment, and a file that no longer matches its checksum is refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.inputs import CorruptInputError, SqlInputStore, inputs_folder
from bot.app.ports.inputs import InputRecord

AT = datetime(2022, 2, 20, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n%%EOF\n"


def record(reference: str, content: bytes | None = None) -> InputRecord:
    sha = hashlib.sha256(content).hexdigest() if content else None
    return InputRecord(reference, AT, "ana-garcia", "Aporte", "Red", "civil-society", "es", "",
                       "aporte.pdf" if content else None, "pdf" if content else None, len(content or b""), sha)


async def test_inputs_keep_their_metadata_and_files(engine: AsyncEngine, tmp_path: Path) -> None:
    store = SqlInputStore(engine, tmp_path / "inputs")
    first = record("WI-00000001", PDF)
    await store.add(first, PDF)
    await store.add(record("WI-00000002"), None)
    assert [r.reference for r in await store.all()] == ["WI-00000001", "WI-00000002"]
    assert await store.get("WI-00000001") == first and await store.get("WI-nope") is None
    assert await store.content(first) == PDF
    assert [p.name for p in (tmp_path / "inputs").iterdir()] == [f"{first.sha256}.pdf"]  # no partial left

    later = b"%PDF-1.7\nlater\n%%EOF\n"
    attached = record("WI-00000002", later)
    await store.attach(attached, later)
    assert await store.get("WI-00000002") == attached and await store.content(attached) == later

    (tmp_path / "inputs" / f"{first.sha256}.pdf").write_bytes(b"tampered")
    with pytest.raises(CorruptInputError):
        await store.content(first)


def test_the_inputs_folder_defaults_beside_the_sqlite_file(tmp_path: Path) -> None:
    assert inputs_folder(f"sqlite:///{tmp_path}/event.sqlite") == tmp_path / "event-inputs"
    assert inputs_folder("postgresql://db/floorbot") == Path("floorbot-inputs")
    assert inputs_folder("sqlite:///x.sqlite", "/srv/inputs") == Path("/srv/inputs")
