"""The record as data: CSV and JSON with stable, language-neutral columns (documented in docs/report.md).

Times are ISO 8601 in the event's zone, durations whole seconds, groups and languages codes
("not-stated" when unknown); a column is only ever added at the end, never renamed or removed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.report.model import BudgetLine, Report, Row, Totals

COLUMNS = ("date", "session_number", "session", "chair", "kind", "person", "speaker", "group", "language",
           "source", "planned_start", "actual_start", "duration_seconds")
INPUT_COLUMNS = ("reference", "received_at", "title", "organization", "group", "language")
SCHEMA_VERSION = 1


def _iso(at: datetime | None, zone: tzinfo) -> str:
    return at.astimezone(zone).isoformat() if at is not None else ""


def _seconds(span: timedelta) -> int:
    return round(span.total_seconds())


def row_values(row: Row, zone: tzinfo) -> dict[str, Any]:
    return {
        "date": row.day.isoformat(), "session_number": row.session_number if row.session_number is not None else "",
        "session": row.session, "chair": row.chair, "kind": row.kind.value, "person": row.person,
        "speaker": row.speaker, "group": row.group, "language": row.language, "source": row.source,
        "planned_start": _iso(row.planned_start, zone), "actual_start": _iso(row.actual_start, zone),
        "duration_seconds": _seconds(row.duration),
    }


def _csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def to_csv(report: Report, zone: tzinfo) -> str:
    """One row per intervention of the event, in the order they ran."""
    return _csv(COLUMNS, [[row_values(r, zone)[c] for c in COLUMNS] for r in report.rows])


def inputs_csv(report: Report, zone: tzinfo) -> str:
    return _csv(INPUT_COLUMNS, [[i.reference, _iso(i.received_at, zone), i.title, i.organization, i.group,
                                 i.language] for i in report.inputs])


def attendance_csv(report: Report, zone: tzinfo) -> str:
    return _csv(("meeting", "person", "name", "minutes", "first_join", "last_leave"),
                [[a.meeting, a.person, a.name, a.minutes, _iso(a.first_join, zone), _iso(a.last_leave, zone)]
                 for a in report.attendance])


def _totals(t: Totals) -> dict[str, Any]:
    return {
        "seconds": _seconds(t.total), "turns": t.turns,
        "by_group": {g: {"seconds": _seconds(v), "turns": t.turns_by_group.get(g, 0)}
                     for g, v in t.time_by_group.items()},
        "by_language": {k: {"seconds": _seconds(v), "turns": t.turns_by_language.get(k, 0)}
                        for k, v in t.time_by_language.items()},
        "by_kind": {k: {"seconds": _seconds(v), "turns": t.turns_by_kind.get(k, 0)}
                    for k, v in t.time_by_kind.items()},
    }


def _budgets(lines: Sequence[BudgetLine]) -> list[dict[str, Any]]:
    return [{"group": b.group, "budget_seconds": _seconds(b.budget), "used_seconds": _seconds(b.used),
             "remaining_seconds": _seconds(b.remaining)} for b in lines]


def to_json(report: Report, zone: tzinfo) -> str:
    data = {
        "schema": SCHEMA_VERSION,
        "event": report.event_title,
        "totals": _totals(report.totals),
        "budgets": _budgets(report.budgets),
        "requests": dict(report.requests),
        "sessions": [
            {"session": d.discussion, "number": d.number, "title": d.title,
             "date": d.day.isoformat() if d.day else None, "chair": d.chair,
             "interventions": [row_values(r, zone) for r in d.rows], "totals": _totals(d.totals),
             "budgets": _budgets(d.budgets), "requests": dict(d.requests), "questions_posted": d.questions_posted}
            for d in report.discussions
        ],
        "inputs": [dict(zip(INPUT_COLUMNS, [i.reference, _iso(i.received_at, zone), i.title, i.organization,
                                            i.group, i.language], strict=True)) for i in report.inputs],
        "cues": dict(report.cue_counts),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
