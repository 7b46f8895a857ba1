"""`floorbot inputs FILE [--out DIR]`: the written inputs received, listed; with --out, `inputs.csv` and
the files themselves (named by reference) for the organizers. Reads the store, never writes it."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app.ports.inputs import InputRecord
from bot.i18n import catalog as i18n

COLUMNS = ("reference", "received_at", "submitter", "title", "organization", "group", "language", "format",
           "size", "sha256", "file", "text")


def _file_name(record: InputRecord) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(record.filename or "input").stem)[:80] or "input"
    return f"{record.reference}-{stem}.{record.format}"


def inputs_csv(records: list[InputRecord], zone: ZoneInfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in records:
        writer.writerow([r.reference, r.received_at.astimezone(zone).isoformat(), r.submitter, r.title,
                         r.organization, r.group, r.language, r.format or "", r.size, r.sha256 or "",
                         _file_name(r) if r.sha256 else "", r.text])
    return out.getvalue()


async def _read(database: str, inputs_dir: str | None, stderr: TextIO,
                files: bool) -> tuple[list[InputRecord], dict[str, bytes]] | None:
    from bot.adapters.store.engine import StoreMissingError
    from bot.wiring import open_store

    try:
        store = await open_store(database, inputs_dir, read_only=True)
    except StoreMissingError as missing:
        print(i18n.render("record.cli.nothing_ran", "en", path=str(missing)), file=stderr)
        return None
    try:
        records = await store.inputs.all() if await store.inputs.available() else []
        contents = {r.reference: await store.inputs.content(r) for r in records if files and r.sha256}
        return records, contents
    finally:
        await store.close()


def run_inputs(schedule_file: Path, out: Path | None, database: str | None, stdout: TextIO, stderr: TextIO) -> int:
    from bot.cli.rehearse import _load
    from bot.config.settings import load_settings

    schedule = _load(schedule_file, stderr)
    if schedule is None:
        return 1
    settings = load_settings()
    read = asyncio.run(_read(database or settings.floorbot_database_url, settings.floorbot_inputs_dir, stderr,
                             files=out is not None))
    if read is None:
        return 1
    records, contents = read
    zone = ZoneInfo(schedule.event.timezone)
    for r in records:
        print(f"{r.reference}  {r.received_at.astimezone(zone):%Y-%m-%d %H:%M}  {r.group}  {r.language}  {r.title}",
              file=stdout)
    if not records:
        print(i18n.render("inputs.cli.none", "en"), file=stdout)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for r in records:
            if r.reference in contents:
                (out / _file_name(r)).write_bytes(contents[r.reference])
        (out / "inputs.csv").write_text(inputs_csv(records, zone), encoding="utf-8")
        print(i18n.render("inputs.cli.wrote", "en", count=len(records), path=str(out / "inputs.csv")), file=stdout)
    return 0
