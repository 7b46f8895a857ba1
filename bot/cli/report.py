"""`floorbot report`: the report of what has run, from the store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import plan
from bot.i18n import catalog as i18n
from bot.report.collect import collect_report
from bot.report.render import write_report

SCHEDULE_KEY = ("runtime", "schedule_path")


async def _build(schedule_file: Path | None, settings: Settings, database_url: str, lang: str, out: Path,
                 stderr: TextIO) -> list[Path] | None:
    from bot.adapters.store.engine import create_engine
    from bot.adapters.store.key_values import KeyValues
    from bot.adapters.store.migrate import upgrade_to_head
    from bot.cli.rehearse import group_namer
    from bot.config.loader import load_schedule

    db = create_engine(database_url)
    try:
        await upgrade_to_head(db)
        if schedule_file is None:
            stored = await KeyValues(db).get(*SCHEDULE_KEY)
            if not stored:
                print(i18n.render("report.cli.no_schedule", "en"), file=stderr)
                return None
            schedule_file = Path(stored)
        result = load_schedule(schedule_file)
        for problem in result.problems:
            print(problem.format(), file=stderr)
        if not result.ok or result.schedule is None:
            return None
        schedule: Schedule = result.schedule
        attendance = []
        if settings.zoom_enabled:
            from bot.adapters.zoom.client import ZoomClient, ZoomError
            from bot.report.collect import zoom_attendance

            try:
                attendance = await zoom_attendance(schedule, KeyValues(db), ZoomClient.from_settings(settings))
            except ZoomError as error:  # the report is still worth having without attendance
                print(i18n.render("report.cli.no_attendance", "en", error=str(error)), file=stderr)
        report = await collect_report(schedule, db, plan(schedule), attendance=attendance, lang=lang)
        zone = ZoneInfo(schedule.event.timezone)
        return write_report(report, out, lang, zone, group_namer(schedule, lang))
    finally:
        await db.dispose()


def run_report(out: Path, schedule_file: Path | None, lang: str, database: str | None, stdout: TextIO,
               stderr: TextIO) -> int:
    from bot.config.settings import load_settings

    settings = load_settings()
    url = database or settings.floorbot_database_url
    written = asyncio.run(_build(schedule_file, settings, url, lang, out, stderr))
    if written is None:
        return 1
    for path in written:
        print(i18n.render("rehearsal.wrote", "en", path=str(path)), file=stdout)
    return 0
