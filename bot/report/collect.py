"""Read what ran from the store into a Report: the programme's turns as they ran, every turn from the floor,
request outcomes, the cue ledger, written inputs.

The store is read through its ports (bot.app.ports.store); Zoom attendance, when there is any, comes in as
lines the `floorbot report` command gathered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app.ports.inputs import InputStore
from bot.app.ports.store import CueLedger, FloorRecords, PostedTimes, RequestStatus
from bot.config.model import Item, Schedule, text_in
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import Cue, CueKind
from bot.domain.agenda.timemap import TimeMap
from bot.domain.floor.state import Intervention
from bot.domain.schedule import ItemKind
from bot.report.as_run import ProgrammeTurn, programme_turns
from bot.report.model import (
    FLOOR_KINDS,
    NOT_STATED,
    AttendanceLine,
    DiscussionReport,
    InputLine,
    Report,
    Row,
    budget_lines,
    build_report,
    cue_lines,
    request_counts,
    totals,
)


def request_outcomes(by_status: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Per discussion: how many requests were made, and how each ended."""
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


def _whole(span: timedelta) -> timedelta:
    """Rows count whole seconds, so every total is exactly the sum of the rows as the CSV shows them."""
    return timedelta(seconds=round(span.total_seconds()))


class _Rows:
    """Turns into report rows, with the session facts (date, number, chair) every row carries."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.zone = ZoneInfo(schedule.event.timezone)
        self.groups = schedule.group_names()
        self.days = {item.id: day.date for day, item in schedule.items()}

    def group(self, group: str | None) -> str:
        return group if group and group in self.groups else NOT_STATED

    def chair(self, item: Item) -> str:
        chairs = item.all_chairs
        if not chairs:
            return ""
        person = self.schedule.people.get(chairs[0])
        return person.name if person else chairs[0]

    def programme(self, item: Item, turn: ProgrammeTurn) -> Row:
        person = self.schedule.people.get(turn.person)
        return Row(
            self.days[item.id], item.id, item.number, self.chair(item), turn.kind, turn.person,
            person.name if person else turn.person, self.group(person.group if person else None),
            person.language if person else NOT_STATED, "programme", turn.planned_start, turn.actual_start,
            _whole(turn.length),
        )

    def floor(self, item: Item, i: Intervention) -> Row:
        return Row(
            i.start.astimezone(self.zone).date(), item.id, item.number, self.chair(item), FLOOR_KINDS[i.kind],
            i.person, i.name, self.group(i.group), i.language or NOT_STATED, i.source.value, None,
            i.start.astimezone(UTC), _whole(i.duration),
        )


async def collect_report(
    schedule: Schedule, lists: FloorRecords, cue_ledger: CueLedger, cues: Sequence[Cue],
    questions_asked: Mapping[str, int] | None = None, attendance: Sequence[AttendanceLine] = (),
    lang: str | None = None, cue_times: PostedTimes | None = None, written: InputStore | None = None,
    timemap: TimeMap | None = None,
) -> Report:
    """`lang` is the language of titles in the report (default: the event's first language); `cue_times`
    gives when each cue was posted (the ledger itself, unless told otherwise); `written` the inputs."""
    lang = lang or str(schedule.event.languages[0])
    ledger: dict[str, LedgerState] = await cue_ledger.cue_states()
    posted = await (cue_times or _as_cue_times(cue_ledger)).posted_times()
    counts = request_outcomes(await lists.request_counts())
    history: dict[str, list[Intervention]] = {}
    for discussion_id, done in await lists.history():
        history.setdefault(discussion_id, []).append(done)
    turns: dict[str, list[ProgrammeTurn]] = {}
    for turn in programme_turns(schedule, cues, ledger, posted, timemap):
        turns.setdefault(turn.session, []).append(turn)
    rows = _Rows(schedule)
    budgets = schedule.floor.group_budgets
    has_floor = {c.item for c in cues if c.kind is CueKind.FLOOR_OPEN}
    discussions = []
    for _, item in schedule.items():
        if item.kind is not ItemKind.SESSION:
            continue
        state = await lists.state(item.id)
        interventions = sorted(history.get(item.id, ()), key=lambda i: i.start)
        session_rows = sorted([rows.programme(item, t) for t in turns.get(item.id, ())]
                              + [rows.floor(item, i) for i in interventions], key=lambda r: r.start)
        asked = sum(
            1 for c in cues
            if c.item == item.id and c.kind == CueKind.QUESTION and ledger.get(c.id) in (LedgerState.POSTED,
                                                                                        LedgerState.LATE)
        )
        asked = max(asked, (questions_asked or {}).get(item.id, 0))
        discussions.append(DiscussionReport(
            discussion=item.id, title=text_in(item.title, lang) or item.id, number=item.number,
            day=rows.days[item.id], chair=rows.chair(item), rows=session_rows, interventions=interventions,
            totals=totals(session_rows),
            budgets=budget_lines(session_rows, budgets) if item.id in has_floor else [],
            requests=request_counts(counts.get(item.id, {}), len(state.pending) if state else 0,
                                    len(interventions)),
            questions_posted=asked,
        ))
    lines = cue_lines(((c.id, c.kind.value, c.item, c.at) for c in cues), ledger)
    inputs = [InputLine(r.reference, r.title, r.organization, rows.group(r.group), r.language, r.received_at)
              for r in (await written.all() if written is not None else [])]
    return build_report(text_in(schedule.event.title, lang), discussions, lines, attendance, inputs)


class _NoTimes:
    async def posted_times(self) -> dict[str, datetime]:
        return {}


def _as_cue_times(ledger: CueLedger) -> PostedTimes:
    """A ledger that cannot say when it posted (a test's) gives none: every turn then counts as planned."""
    return ledger if isinstance(ledger, PostedTimes) else _NoTimes()
