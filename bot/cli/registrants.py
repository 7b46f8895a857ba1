"""`floorbot registrants FILE [--csv PATH]`: the event's registrants into the people directory.

From Zoom's API (the approved registrants of the meetings `provision` created), or from the registrants CSV
Zoom exports, for organizers without API access. Prints any answer not recognised, then one summary line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.adapters.zoom.errors import ZoomError
from bot.app.clock import SystemClock
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.i18n.catalog import render

if TYPE_CHECKING:
    from bot.adapters.zoom.registrants import Read

LANG = "en"  # the operator's console


def _t(key: str, **values: object) -> str:
    return render(f"registration.cli.{key}", LANG, **values)


async def registrants_command(file: Path, schedule: Schedule, settings: Settings, *, read: Read | None,
                              database: str | None, stdout: TextIO, stderr: TextIO) -> int:
    """Import what was read from the CSV (`read`), or else ask Zoom; print the summary line."""
    from bot.adapters.zoom.client import ZoomClient
    from bot.adapters.zoom.registrants import read_from_zoom
    from bot.app.registrants import import_registrants
    from bot.wiring import open_store

    if read is None and not settings.zoom_enabled:
        print(_t("no_credentials"), file=stderr)
        return 1
    store = await open_store(database or settings.floorbot_database_url)
    try:
        if read is None:
            try:
                read, meetings = await read_from_zoom(schedule, store.kv, ZoomClient.from_settings(settings))
            except ZoomError as error:
                print(_t("zoom_failed", error=str(error)), file=stderr)  # ZoomError never carries a secret
                return 1
            if meetings == 0:
                print(_t("no_meetings", event=schedule.event.id, file=str(file)), file=stderr)
                return 1
        for unknown in read.unknown:
            print(_t("unknown_answer", email=unknown.email, answer=unknown.answer, question=unknown.question),
                  file=stderr)
        summary = await import_registrants(schedule, store.kv, read.registrants, SystemClock().now())
    finally:
        await store.close()
    print(_t("summary", event=schedule.event.id, imported=summary.imported, updated=summary.updated,
             not_stated=summary.not_stated), file=stdout)
    return 0


def run_registrants(file: Path, csv_path: Path | None, database: str | None, settings: Settings,
                    stdout: TextIO, stderr: TextIO) -> int:
    from bot.adapters.zoom.registrants import RegistrantsFileError, read_from_csv

    loaded = load_schedule(file)
    for problem in loaded.problems:
        print(problem.format(), file=stderr)
    if not loaded.ok or loaded.schedule is None:
        return 1
    read: Read | None = None
    if csv_path is not None:
        if not csv_path.is_file():
            print(_t("missing_file", path=str(csv_path)), file=stderr)
            return 1
        try:
            read = read_from_csv(loaded.schedule, csv_path)
        except RegistrantsFileError as error:
            print(_t("bad_csv", path=str(csv_path), problem=str(error)), file=stderr)
            return 1
    return asyncio.run(registrants_command(file, loaded.schedule, settings, read=read, database=database,
                                           stdout=stdout, stderr=stderr))
