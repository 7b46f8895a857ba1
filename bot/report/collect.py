"""Read what ran from the store into a Report: full intervention history, request outcomes, cue ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.floor_lists import FloorLists, RequestStatus
from bot.adapters.store.ledger import CueLedger
from bot.adapters.store.tables import floor_requests
from bot.adapters.zoom.client import ZoomClient
from bot.config.model import Schedule, text_in
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import Cue, CueKind
from bot.domain.floor.state import FloorState, Intervention, RequestKind, Source
from bot.domain.schedule import ItemKind
from bot.report.model import AttendanceLine, Report, build_report, cue_lines, discussion_report


async def request_counts(db: AsyncEngine) -> dict[str, dict[str, int]]:
    """Per discussion: how many requests were made, and how each ended."""
    query = select(floor_requests.c.discussion_id, floor_requests.c.status, func.count()).group_by(
        floor_requests.c.discussion_id, floor_requests.c.status
    )
    async with db.connect() as connection:
        rows = (await connection.execute(query)).all()
    by_status: dict[str, dict[str, int]] = {}
    for discussion, status, count in rows:
        by_status.setdefault(str(discussion), {})[str(status)] = int(count)
    return {
        discussion: {
            "requested": sum(counts.values()),
            "served": counts.get(RequestStatus.SPOKEN, 0) + counts.get(RequestStatus.SPEAKING, 0),
            "withdrawn": counts.get(RequestStatus.WITHDRAWN, 0),
            "removed": counts.get(RequestStatus.REMOVED, 0),
            "unserved": counts.get(RequestStatus.UNSERVED, 0) + counts.get(RequestStatus.WAITING, 0)
            + counts.get(RequestStatus.CARRIED, 0),
        }
        for discussion, counts in by_status.items()
    }


def _intervention(row: Mapping[str, Any]) -> Intervention:
    details = row["details"]
    end = row["ended_at"] or row["started_at"]
    measured = (end - row["started_at"]) // timedelta(microseconds=1)
    return Intervention(
        person=row["participant_id"],
        name=details.get("name", row["participant_id"]),
        group=details.get("group", "other"),
        language=details.get("language", "en"),
        kind=RequestKind(row["kind"]),
        source=Source(details.get("source", "web")),
        start=row["started_at"],
        end=end,
        duration=timedelta(microseconds=int(details.get("duration_us", measured))),
        request_id=row["intervention_id"],
    )


async def collect_report(
    schedule: Schedule, db: AsyncEngine, cues: Sequence[Cue], questions_asked: Mapping[str, int] | None = None,
    attendance: Sequence[AttendanceLine] = (), lang: str | None = None,
) -> Report:
    """`lang` is the language of titles in the report (default: the event's first language)."""
    lang = lang or str(schedule.event.languages[0])
    ledger: dict[str, LedgerState] = await CueLedger(db).cue_states()
    counts = await request_counts(db)
    lists = FloorLists(db)
    history: dict[str, list[Intervention]] = {}
    for row in await lists.interventions():
        history.setdefault(str(row["discussion_id"]), []).append(_intervention(row))
    discussions = []
    for _, item in schedule.items():
        if item.kind is not ItemKind.SESSION:
            continue
        state = await lists.state(item.id)
        full = FloorState(item.id, interventions=tuple(history.get(item.id, ())),
                          pending=state.pending if state else ())
        posted = sum(
            1 for c in cues
            if c.item == item.id and c.kind == CueKind.QUESTION and ledger.get(c.id) in (LedgerState.POSTED,
                                                                                        LedgerState.LATE)
        )
        posted = max(posted, (questions_asked or {}).get(item.id, 0))
        discussions.append(
            discussion_report(item.id, text_in(item.title, lang) or item.id, full, counts.get(item.id, {}), posted)
        )
    lines = cue_lines(((c.id, c.kind.value, c.item, c.at) for c in cues), ledger)
    return build_report(text_in(schedule.event.title, lang), discussions, lines, attendance)


class StoredItems(Protocol):
    async def items(self, namespace: str) -> dict[str, Any]: ...


async def zoom_attendance(schedule: Schedule, store: StoredItems, client: ZoomClient) -> list[AttendanceLine]:
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
        attendance = await meeting_attendance(client, str(record["uuid"]), identity)
        for a in sorted(attendance.values(), key=lambda a: (a.first_join, a.name)):
            lines.append(AttendanceLine(label, a.person, a.name, a.minutes, a.first_join, a.last_leave))
    return lines
