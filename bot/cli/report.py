"""`floorbot report`: the report of what has run, from the store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from bot.app.ports.store import KeyValues
from bot.config.model import Schedule, text_in
from bot.config.settings import Settings
from bot.domain.agenda.timeline import plan
from bot.i18n import catalog as i18n
from bot.report.collect import collect_report
from bot.report.model import AttendanceLine
from bot.report.render import write_report

if TYPE_CHECKING:
    from bot.adapters.zoom.client import ZoomClient
    from bot.wiring import Store


async def zoom_attendance(schedule: Schedule, store: KeyValues, client: ZoomClient) -> list[AttendanceLine]:
    """Attendance of every provisioned meeting of this event, from Zoom's past-meeting participants, with
    people named as the list of speakers names them (bot.domain.identity)."""
    from bot.adapters.zoom.attendance import meeting_attendance
    from bot.adapters.zoom.provision import NS_MEETING
    from bot.domain.identity import IdentityResolver

    lang = str(schedule.event.languages[0])
    identity = IdentityResolver(schedule.people)
    lines: list[AttendanceLine] = []
    records = await store.items(NS_MEETING)
    for key, record in sorted(records.items()):
        if not key.startswith(f"{schedule.event.id}/") or not record.get("uuid"):
            continue
        titles = []
        for item_id in record.get("items", []):
            try:
                titles.append(text_in(schedule.item(item_id).title, lang) or item_id)
            except KeyError:
                titles.append(item_id)
        label = " / ".join(titles) or key
        attendance = await meeting_attendance(client, str(record["uuid"]), identity,
                                              str(record.get("kind") or "meeting"))
        for a in sorted(attendance.values(), key=lambda a: (a.first_join, a.name)):
            lines.append(AttendanceLine(label, a.person, a.name, a.minutes, a.first_join, a.last_leave))
    return lines


async def _build(schedule_file: Path | None, settings: Settings, database_url: str, lang: str, out: Path,
                 stderr: TextIO) -> list[Path] | None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.adapters.store.engine import StoreMissingError
    from bot.wiring import open_store

    try:
        store = await open_store(database_url, settings.floorbot_inputs_dir, read_only=True)
    except StoreMissingError as missing:
        print(i18n.render("record.cli.nothing_ran", "en", path=str(missing)), file=stderr)
        return None
    try:
        return await _report(store, schedule_file, settings, lang, out, stderr)
    except SQLAlchemyError as error:  # not a Floorbot store, or one from before the report's tables
        print(i18n.render("record.cli.unreadable", "en", error=str(error).splitlines()[0]), file=stderr)
        return None
    finally:
        await store.close()


async def _report(store: Store, schedule_file: Path | None, settings: Settings, lang: str, out: Path,
                  stderr: TextIO) -> list[Path] | None:
    from bot.cli.rehearse import group_namer
    from bot.config.loader import load_schedule
    from bot.domain.agenda.timemap import TimeMap
    from bot.wiring import SCHEDULE_PATH_KEY, TIMEMAP_KEY

    if schedule_file is None:
        stored = await store.kv.get(*SCHEDULE_PATH_KEY)
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
    attendance: list[AttendanceLine] = []
    if settings.zoom_enabled:
        from bot.adapters.zoom.client import ZoomClient
        from bot.adapters.zoom.errors import ZoomError

        try:
            attendance = await zoom_attendance(schedule, store.kv, ZoomClient.from_settings(settings))
        except ZoomError as error:  # the report is still worth having without attendance
            print(i18n.render("report.cli.no_attendance", "en", error=str(error)), file=stderr)
    mapped = await store.kv.get(*TIMEMAP_KEY)
    report = await collect_report(schedule, store.floor, store.ledger, plan(schedule), attendance=attendance,
                                  lang=lang, written=store.inputs if await store.inputs.available() else None,
                                  timemap=TimeMap.from_json(mapped) if mapped else None)
    zone = ZoneInfo(schedule.event.timezone)
    return write_report(report, out, lang, zone, group_namer(schedule, lang))


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
