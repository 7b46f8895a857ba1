"""The programme's turns as they ran: each opening speaker and panel turn, planned (from the run of show)
and actual (from when the cue ledger recorded its cue posted).

This is the one place the report reads actual programme times. Today the ledger records when each cue was
posted: a turn starts when its cue was posted and lasts until the next turn of its session started (a chair
who ended a turn early had the next one posted early), the last one its planned length, cut short if the
floor opened before. When the ledger keeps plan and actual times of its own, only this module changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import Cue, CueKind
from bot.domain.agenda.timemap import TimeMap
from bot.domain.agenda.wall_time import agenda_time
from bot.report.model import Kind

_RAN = (LedgerState.POSTED, LedgerState.LATE)


@dataclass(frozen=True)
class ProgrammeTurn:
    session: str  # the session the turn belongs to (an opening nested in it counts as its own)
    kind: Kind
    person: str
    planned_start: datetime
    planned_length: timedelta
    actual_start: datetime | None  # None: the cue was never posted (missed); its planned length counts
    length: timedelta
    trusted: bool = True  # False when posted late after a restart: its time says when the bot came back


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def _opening_turns(schedule: Schedule, cue: Cue, posted: datetime | None, late: bool) -> list[ProgrammeTurn]:
    """The opening's speakers share its planned time equally, in the agenda's order."""
    item = schedule.item(cue.item)
    day = next(d for d, i in schedule.items() if i.id == item.id)
    zone = ZoneInfo(schedule.event.timezone)
    start = _utc(agenda_time(day.date, item.start, zone))
    end = _utc(agenda_time(day.date, item.end, zone))
    listed = cue.data.get("speakers", [])
    speakers = [str(s) for s in listed] if isinstance(listed, list) else []
    if not speakers:
        return []
    share = (end - start) / len(speakers)
    session = item.within or item.id
    return [
        ProgrammeTurn(session, Kind.OPENING, person, start + share * n, share,
                      posted + share * n if posted is not None else None, share, trusted=not late)
        for n, person in enumerate(speakers)
    ]


def _panel_turn(cue: Cue, posted: datetime | None, late: bool) -> ProgrammeTurn:
    ends = datetime.fromisoformat(str(cue.data["ends"]))
    length = _utc(ends) - _utc(cue.at)
    return ProgrammeTurn(cue.item, Kind.PANEL, str(cue.data["speaker"]), _utc(cue.at), length, posted, length,
                         trusted=not late)


def programme_turns(
    schedule: Schedule, cues: Sequence[Cue], states: Mapping[str, LedgerState], posted_at: Mapping[str, datetime],
    timemap: TimeMap | None = None,
) -> list[ProgrammeTurn]:
    """Every opening speaker and panel turn that has come (its cue posted, or missed while the bot was down),
    in plan order; turns still ahead are left out. The ledger keeps wall times: `timemap` (the run's, shifted
    or compressed) brings them back to agenda time, the clock the floor's turns are recorded on."""
    turns: list[ProgrammeTurn] = []
    floor_opened: dict[str, datetime] = {}
    to_agenda = timemap.to_agenda if timemap is not None else _utc
    for cue in cues:
        state = states.get(cue.id)
        posted = _utc(to_agenda(posted_at[cue.id])) if state in _RAN and cue.id in posted_at else None
        if state not in (*_RAN, LedgerState.MISSED):
            continue
        late = state is LedgerState.LATE
        if cue.kind is CueKind.OPENING:
            turns += _opening_turns(schedule, cue, posted, late)
        elif cue.kind is CueKind.PANEL_TURN:
            turns.append(_panel_turn(cue, posted, late))
        elif cue.kind is CueKind.FLOOR_OPEN and posted is not None and not late:
            floor_opened[cue.item] = posted
    return _as_run(turns, floor_opened)


def _as_run(turns: list[ProgrammeTurn], floor_opened: Mapping[str, datetime]) -> list[ProgrammeTurn]:
    result = []
    for n, turn in enumerate(turns):
        if turn.actual_start is None:
            result.append(turn)
            continue
        following = turns[n + 1] if n + 1 < len(turns) else None
        length = turn.planned_length
        if (following is not None and following.session == turn.session and following.trusted
                and following.actual_start is not None and following.actual_start > turn.actual_start):
            length = following.actual_start - turn.actual_start
        else:
            opened = floor_opened.get(turn.session)
            if opened is not None and turn.actual_start < opened < turn.actual_start + length:
                length = opened - turn.actual_start
        result.append(replace(turn, length=length))
    return result
