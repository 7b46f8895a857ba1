"""The body of `floorbot provision FILE [--dry-run]`: progress while working, then a table."""

from __future__ import annotations

import asyncio
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.zoom.budget import DAILY_WRITE_BUDGET
from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.errors import ZoomError
from bot.adapters.zoom.meeting_plan import plan_meetings
from bot.adapters.zoom.provision import MeetingResult, Provisioner
from bot.app.clock import SystemClock
from bot.app.ports.store import KeyValues as KeyValueStore
from bot.config.loader import load_schedule
from bot.config.model import Schedule, text_in
from bot.config.settings import Settings
from bot.i18n.catalog import render

LANG = "en"  # the operator's console; participants never see this output


def _t(key: str, **values: object) -> str:
    return render(f"zoom.provision.{key}", LANG, **values)


async def open_meeting_store(settings: Settings, *, dry_run: bool) -> tuple[KeyValueStore, AsyncEngine]:
    from bot.adapters.store.engine import create_engine
    from bot.adapters.store.key_values import SqlKeyValues
    from bot.adapters.store.migrate import upgrade_to_head
    from bot.adapters.store.urls import missing_sqlite_file

    url = settings.floorbot_database_url
    # A dry run creates nothing: with no database yet, nothing was provisioned, as an empty one in memory says.
    engine = create_engine("sqlite://" if dry_run and missing_sqlite_file(url) else url)
    await upgrade_to_head(engine)
    return SqlKeyValues(engine), engine


async def provision_command(
    path: Path, *, dry_run: bool, settings: Settings, console: Console,
    store: KeyValueStore | None = None, client: ZoomClient | None = None,
) -> int:
    """Run provisioning and print the result; the exit status (0 ok, 1 wrong input or refused)."""
    result = load_schedule(path)
    if not result.ok or result.schedule is None:
        for problem in result.problems:
            console.print(problem.format(), markup=False, highlight=False)
        return 1
    schedule = result.schedule
    if client is None and settings.zoom_enabled:
        client = ZoomClient.from_settings(settings)
    if client is None:
        if not dry_run:
            console.print(_t("no_credentials"), markup=False)
            return 1
        console.print(_t("dry_run_offline"), markup=False)
    engine: AsyncEngine | None = None
    if store is None:
        store, engine = await open_meeting_store(settings, dry_run=dry_run)
    try:
        return await _provision(schedule, store, client, dry_run=dry_run, console=console)
    finally:
        if engine is not None:
            await engine.dispose()


async def _provision(
    schedule: Schedule, store: KeyValueStore, client: ZoomClient | None, *, dry_run: bool, console: Console,
) -> int:
    provisioner = Provisioner(schedule, store, client, SystemClock())
    planned = plan_meetings(schedule)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task(_t("checking" if dry_run else "working"), total=len(planned))
        try:
            outcomes = await provisioner.run(dry_run=dry_run, progress=lambda _plan, _action: progress.advance(task))
        except ZoomError as error:
            progress.stop()
            console.print(_t("failed", error=str(error)), markup=False)
            return 1
    if dry_run:
        console.print(_diff_table(outcomes))
    _interpretation_note(schedule, console)
    if not dry_run:
        console.print(_links_table(schedule, outcomes))
        if client is not None:
            for host in sorted({o.plan.host for o in outcomes}):
                console.print(_t("budget", host=host, remaining=client.budget_remaining(host),
                                 limit=DAILY_WRITE_BUDGET), markup=False)
    return 0


def _interpretation_note(schedule: Schedule, console: Console) -> None:
    # validate warns about it too; here it says what the meetings get, so nobody expects the booths assigned.
    if schedule.event.interpretation and not schedule.all_interpreters():
        languages = ", ".join(str(lang) for lang in schedule.event.interpretation)
        console.print(render("registration.provision.interpretation_unassigned", LANG, languages=languages),
                      markup=False)


def _action(outcome: MeetingResult) -> str:
    return render(f"zoom.provision.action.{outcome.action}", LANG)


def _diff_table(outcomes: list[MeetingResult]) -> Table | str:
    if all(o.action == "unchanged" for o in outcomes):
        return _t("nothing_to_change")
    table = Table(title=_t("dry_run_title"), show_lines=True)
    for column in ("meeting", "action", "field", "current", "wanted"):
        table.add_column(_t(f"column.{column}"), overflow="fold")
    for outcome in outcomes:
        if not outcome.changes:
            table.add_row(outcome.plan.key, _action(outcome), "", "", "")
        for number, change in enumerate(outcome.changes):
            first = number == 0
            table.add_row(outcome.plan.key if first else "", _action(outcome) if first else "",
                          change.field, _short(change.current), _short(change.wanted))
    return table


def _short(value: str, limit: int = 160) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _links_table(schedule: Schedule, outcomes: list[MeetingResult]) -> Table:
    zone = ZoneInfo(schedule.event.timezone)
    label = schedule.event.timezone_label or schedule.event.timezone
    table = Table(title=_t("links_title", event=text_in(schedule.event.title, LANG)[:80]))
    for column, values in (("meeting", {}), ("start", {"zone": label}), ("action", {}),
                           ("join", {}), ("registration", {})):
        table.add_column(_t(f"column.{column}", **values), overflow="fold")
    for outcome in outcomes:
        table.add_row(
            outcome.plan.key,
            outcome.plan.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            _action(outcome),
            outcome.join_url or "",
            outcome.registration_url or "",
        )
    return table


def run(path: Path, *, dry_run: bool, settings: Settings, console: Console | None = None) -> int:
    return asyncio.run(provision_command(path, dry_run=dry_run, settings=settings, console=console or Console()))
