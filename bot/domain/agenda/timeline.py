"""The run of show: every cue the bot posts, when, computed from the schedule alone (pure, no I/O).

Agenda times are times of day on a date in the event's zone, made instants by wall_time.py. All
arithmetic is done in UTC and converted back, because adding a timedelta to an aware datetime in a
zoneinfo zone is wall-clock arithmetic and would be wrong across a DST switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.agenda.wall_time import agenda_time
from bot.domain.inputs import closes_at, reminder_times
from bot.domain.schedule import Agenda, AgendaDay, AgendaItem, ItemKind


class CueKind(StrEnum):
    DAY_REMINDER = "day-reminder"
    SESSION_REMINDER = "session-reminder"
    OPENING = "opening"
    SESSION_OPEN = "session-open"
    PANEL_TURN = "panel-turn"
    PANEL_WARNING = "panel-warning"
    FLOOR_OPEN = "floor-open"
    QUESTION = "question"
    LAST_CALL = "last-call"
    SESSION_CLOSE = "session-close"
    BREAK_START = "break-start"
    DAY_END = "day-end"
    EVENT_CLOSE = "event-close"
    INPUTS_REMINDER = "inputs-reminder"


# At the same instant, what ends is said before what begins, and a session opens before its floor.
_RANK: dict[CueKind, int] = {
    kind: rank
    for rank, kind in enumerate(
        [
            CueKind.SESSION_CLOSE,
            CueKind.DAY_END,
            CueKind.BREAK_START,
            CueKind.INPUTS_REMINDER,
            CueKind.DAY_REMINDER,
            CueKind.SESSION_REMINDER,
            CueKind.OPENING,
            CueKind.SESSION_OPEN,
            CueKind.PANEL_WARNING,
            CueKind.PANEL_TURN,
            CueKind.FLOOR_OPEN,
            CueKind.QUESTION,
            CueKind.LAST_CALL,
            CueKind.EVENT_CLOSE,
        ]
    )
}


@dataclass(frozen=True)
class Cue:
    """One post of the run of show. `id` is stable across runs of the same file: the ledger's key.

    `data` holds only JSON-friendly values (str, int, lists of str); times in it are ISO 8601 strings.
    `at` is in the event's zone: compute durations between cues in UTC (`a.astimezone(UTC) - ...`),
    since Python subtracts two datetimes sharing a zoneinfo by wall clock, wrong on DST switch days.
    """

    id: str
    at: datetime
    kind: CueKind
    item: str
    data: Mapping[str, object] = field(default_factory=dict, hash=False)


def zone_of(schedule: Agenda) -> ZoneInfo:
    return ZoneInfo(schedule.event.timezone)


class _Planner:
    """Works in UTC throughout (aware datetimes sharing one zoneinfo compare and subtract by wall
    clock, which is wrong across a DST switch); cues and their data are shown in the event's zone."""

    def __init__(self, schedule: Agenda) -> None:
        self.schedule = schedule
        self.zone = zone_of(schedule)
        self.cues: list[Cue] = []

    def at(self, day: AgendaDay, clock: time) -> datetime:
        return agenda_time(day.date, clock, self.zone).astimezone(UTC)

    def iso(self, at: datetime) -> str:
        return at.astimezone(self.zone).isoformat()

    def add(self, cue_id: str, at: datetime, kind: CueKind, item: str, **data: object) -> None:
        self.cues.append(Cue(cue_id, at.astimezone(self.zone), kind, item, data))

    def run(self) -> list[Cue]:
        days = self.schedule.days
        self.plan_inputs()
        for index, day in enumerate(days):
            self.plan_day(day, days[index + 1] if index + 1 < len(days) else None)
        if not any(cue.kind is CueKind.EVENT_CLOSE for cue in self.cues):
            last_day = days[-1]
            last = max(last_day.items, key=lambda item: (item.end, item.start))
            self.add("event/close", self.at(last_day, last.end), CueKind.EVENT_CLOSE, last.id, speakers=[])
        order = {id(cue): n for n, cue in enumerate(self.cues)}
        return sorted(self.cues, key=lambda c: (c.at.astimezone(UTC), _RANK[c.kind], order[id(c)]))

    def plan_inputs(self) -> None:
        """The reminders that written inputs close soon (on the deadline's own wall time)."""
        rules = self.schedule.event.written_inputs
        if rules is None:
            return
        first = min(self.schedule.days[0].items, key=lambda item: item.start)
        closes = closes_at(rules.deadline, rules.until, self.zone)
        for n, at in enumerate(reminder_times(rules.deadline, rules.until, self.zone, rules.reminders), start=1):
            self.add(f"inputs/reminder/{n}", at, CueKind.INPUTS_REMINDER, first.id, closes=self.iso(closes))

    def plan_day(self, day: AgendaDay, next_day: AgendaDay | None) -> None:
        first = min(day.items, key=lambda item: item.start)
        day_start = self.at(day, first.start)
        reminder = self.schedule.reminders.before_day
        self.add(
            f"day/{day.date.isoformat()}/reminder",
            day_start - reminder,
            CueKind.DAY_REMINDER,
            first.id,
            date=day.date.isoformat(),
            starts=self.iso(day_start),
        )
        for item in day.items:
            if item.kind is ItemKind.OPENING:
                self.add(
                    f"{item.id}/start", self.at(day, item.start), CueKind.OPENING, item.id, speakers=list(item.speakers)
                )
            elif item.kind is ItemKind.SESSION:
                self.plan_session(day, item)
            elif item.kind is ItemKind.BREAK:
                self.plan_break(day, item)
            elif item.kind is ItemKind.CLOSING:
                self.add(
                    f"{item.id}/start",
                    self.at(day, item.start),
                    CueKind.EVENT_CLOSE,
                    item.id,
                    speakers=list(item.speakers),
                )
        if next_day is not None:
            last = max(day.items, key=lambda item: (item.end, item.start))
            following = min(next_day.items, key=lambda item: item.start)
            self.add(
                f"day/{day.date.isoformat()}/end",
                self.at(day, last.end),
                CueKind.DAY_END,
                last.id,
                date=day.date.isoformat(),
                next_date=next_day.date.isoformat(),
                next_item=following.id,
                next_starts=self.iso(self.at(next_day, following.start)),
            )

    def plan_break(self, day: AgendaDay, item: AgendaItem) -> None:
        later = sorted((i for i in day.items if i.start >= item.end and i.within is None), key=lambda i: i.start)
        data: dict[str, object] = {"until": self.iso(self.at(day, item.end))}
        if later:
            data["next_item"] = later[0].id
        self.add(f"{item.id}/start", self.at(day, item.start), CueKind.BREAK_START, item.id, **data)

    def plan_session(self, day: AgendaDay, item: AgendaItem) -> None:
        start, end = self.at(day, item.start), self.at(day, item.end)
        floor = self.schedule.floor
        reminder = self.schedule.reminders.before_session
        join_url = item.join_url or self.schedule.event.join_url
        reminder_data: dict[str, object] = {"starts": self.iso(start)}
        if join_url:
            reminder_data["join_url"] = join_url
        self.add(f"{item.id}/reminder", start - reminder, CueKind.SESSION_REMINDER, item.id, **reminder_data)
        panel = item.panel.speakers if item.panel else []
        self.add(
            f"{item.id}/open",
            start,
            CueKind.SESSION_OPEN,
            item.id,
            chairs=item.all_chairs,
            panel=list(panel),
            documents=len(item.background),
        )

        # Items nested at the start of the session (an opening) come before its panel.
        panel_start = start
        for nested in sorted((i for i in day.items if i.within == item.id), key=lambda i: i.start):
            if self.at(day, nested.start) <= panel_start:
                panel_start = max(panel_start, self.at(day, nested.end))
        each = item.panel.minutes_each if item.panel else None
        turn_start = panel_start
        if each:
            for index, speaker in enumerate(panel, start=1):
                turn_end = turn_start + each
                if turn_start >= end:
                    break  # a panel longer than its session (validation warns): the chair decides
                self.add(
                    f"{item.id}/panel/{index}",
                    turn_start,
                    CueKind.PANEL_TURN,
                    item.id,
                    speaker=speaker,
                    index=index,
                    of=len(panel),
                    ends=self.iso(turn_end),
                )
                if timedelta(0) < floor.warn_before < each and turn_end - floor.warn_before < end:
                    self.add(
                        f"{item.id}/panel/{index}/warning",
                        turn_end - floor.warn_before,
                        CueKind.PANEL_WARNING,
                        item.id,
                        speaker=speaker,
                        index=index,
                        remaining_seconds=int(floor.warn_before.total_seconds()),
                    )
                turn_start = turn_end

        discussion = item.discussion
        floor_open = self.at(day, discussion.start) if discussion and discussion.start else turn_start
        last_call = end - floor.last_call_before
        if floor_open < end:
            self.add(
                f"{item.id}/floor",
                floor_open,
                CueKind.FLOOR_OPEN,
                item.id,
                until=self.iso(end),
                speaking_seconds=int(floor.speaking_time.total_seconds()),
            )
            questions = discussion.questions if discussion else []
            for index, at in enumerate(
                self.question_times(
                    floor_open, last_call, end, len(questions), discussion.every if discussion else None
                ),
                start=1,
            ):
                self.add(f"{item.id}/question/{index}", at, CueKind.QUESTION, item.id, index=index, of=len(questions))
            if floor_open < last_call:
                self.add(f"{item.id}/last-call", last_call, CueKind.LAST_CALL, item.id, closes=self.iso(end))
        self.add(f"{item.id}/close", end, CueKind.SESSION_CLOSE, item.id)

    def question_times(
        self, opens: datetime, last_call: datetime, end: datetime, count: int, every: timedelta | None
    ) -> list[datetime]:
        if count == 0:
            return []
        if every is not None and every > timedelta(0):
            times = [opens + every * n for n in range(count)]
            return [at for at in times if at < end]  # a question after the session is for the chair to ask
        # Spread evenly over the discussion before the last call, on whole minutes.
        window_end = last_call if last_call > opens else end
        step = (window_end - opens) / count
        times = []
        for n in range(count):
            at = opens + step * n
            times.append(at - timedelta(seconds=at.second, microseconds=at.microsecond))
        return times


def plan(schedule: Agenda) -> list[Cue]:
    """Every cue of the event, sorted by time, then what ends before what begins, then file order."""
    return _Planner(schedule).run()
