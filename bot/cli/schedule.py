"""Bodies of the schedule commands (validate, plan, schema, ics); bot/cli/main.py holds thin Typer wrappers.

Each returns the exit status: 0 ok, 1 the input is wrong. Output goes to the streams passed in, so
tests call these directly or through the real CLI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from bot.config.jsonschema import render_schema
from bot.config.loader import LoadResult, load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.timeline import Cue, plan
from bot.i18n.catalog import render
from bot.i18n.cues import render_cue
from bot.i18n.ics import agenda_ics

SUMMARY_WIDTH = 90


def _print_problems(result: LoadResult, out: TextIO) -> None:
    for problem in result.problems:
        print(problem.format(), file=out)


def _load_or_report(path: Path, err: TextIO) -> Schedule | None:
    result = load_schedule(path)
    if result.schedule is None:
        _print_problems(result, err)
    return result.schedule


def validate_files(paths: Sequence[Path], out: TextIO) -> int:
    """Every problem of every file, one per line, and a one-line summary of each valid file; 1 if any is an
    error (warnings alone pass)."""
    status = 0
    for path in paths:
        result = load_schedule(path)
        _print_problems(result, out)
        if not result.ok or result.schedule is None:
            status = 1
            continue
        schedule = result.schedule
        print(render("check.validate_ok", "en", file=path, days=len(schedule.days), cues=len(plan(schedule)),
                     items=sum(len(day.items) for day in schedule.days), warnings=len(result.problems)), file=out)
    return status


def cue_summary(cue: Cue, schedule: Schedule) -> str:
    """The first line of the English text, shortened: enough to recognise the cue in a table."""
    lines = [line.strip() for line in render_cue(cue, schedule, "en").splitlines() if line.strip()]
    text = " / ".join(lines[:2])
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


def cue_json(cue: Cue) -> dict[str, object]:
    return {"id": cue.id, "at": cue.at.isoformat(), "kind": cue.kind.value, "item": cue.item, "data": dict(cue.data)}


def show_plan(path: Path, zone: str | None, as_json: bool, out: TextIO, err: TextIO) -> int:
    """The run of show as a table (or JSON): every cue in the event's zone, and in `zone` if given."""
    schedule = _load_or_report(path, err)
    if schedule is None:
        return 1
    cues = plan(schedule)
    if as_json:
        print(json.dumps([cue_json(cue) for cue in cues], indent=2, ensure_ascii=False), file=out)
        return 0
    other = ZoneInfo(zone) if zone else None
    table = Table(title=f"Run of show: {schedule.event.id} ({schedule.event.timezone})")
    table.add_column(f"time ({schedule.event.timezone_label or schedule.event.timezone})", no_wrap=True)
    if other is not None:
        table.add_column(f"time ({zone})", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("item", no_wrap=True)
    table.add_column("summary")
    for cue in cues:
        row = [cue.at.strftime("%a %Y-%m-%d %H:%M:%S")]
        if other is not None:
            row.append(cue.at.astimezone(other).strftime("%a %Y-%m-%d %H:%M %Z"))
        row += [cue.kind.value, cue.item, cue_summary(cue, schedule)]
        table.add_row(*row)
    Console(file=out, width=200, soft_wrap=False).print(table)
    return 0


def print_schema(out: TextIO) -> int:
    out.write(render_schema())
    return 0


def export_ics(path: Path, target: Path | None, lang: str, out: TextIO, err: TextIO) -> int:
    """The agenda as iCalendar on `out`, or written to `target`."""
    schedule = _load_or_report(path, err)
    if schedule is None:
        return 1
    text = agenda_ics(schedule, datetime.now(UTC), lang)
    if target is None:
        out.write(text)
    else:
        target.write_text(text, encoding="utf-8", newline="")
    return 0
