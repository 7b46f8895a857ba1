"""The chairs' live changes to the plan, folded into the run of show (pure, no I/O).

A day rarely runs to the minute: the chair delays the rest of the day (or pulls it forward), extends the
discussion, ends a panel turn or the whole panel early. Each change is an `Adjustment` kept in the store;
`retime(plan, adjustments)` replays them, in the order they were made, over the planned cues and gives every
remaining cue its new time (and the times its text quotes: "until 12:10"). Only cues still ahead move; what is
past stays where it happened. `state_at(retimed.cues, at)` is then where the agenda is, and the conductor
schedules what remains from the same cues, so a restart on the same store sees the same times.

How each change moves the plan (the way live-rundown tools do it: a change pushes what follows):
- delay N / delay -N: every cue still ahead today moves by N minutes; pulled forward, nothing moves into the
  past (a cue brought before now is due now).
- extend-discussion N: the running discussion's last call and close, and everything after them today, move N
  minutes later.
- next-panellist: the next panel turn starts now; the rest of the panel and the discussion's opening and
  questions move forward with it, the session's last call and close stay put (the discussion gains the time);
  the warning of the turn cut short is skipped. At the last turn it opens the discussion.
- start-discussion: the same from the discussion's opening: the panel turns still ahead are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from bot.domain.agenda.state import Phase, state_at
from bot.domain.agenda.timeline import Cue, CueKind

# Keys of a cue's `data` that hold instants (ISO 8601) the cue's text quotes; they move with the plan.
TIME_KEYS = ("starts", "ends", "until", "closes", "next_starts")
MAX_MINUTES = 240  # a chair's change of more than four hours is a typo, not a delay


class AdjustmentKind(StrEnum):
    DELAY = "delay"  # `minutes` may be negative: pull forward
    EXTEND_DISCUSSION = "extend-discussion"
    NEXT_PANELLIST = "next-panellist"
    START_DISCUSSION = "start-discussion"


@dataclass(frozen=True)
class Adjustment:
    """One change a chair made, at agenda time `at`."""

    kind: AdjustmentKind
    at: datetime
    minutes: int = 0


@dataclass(frozen=True)
class Retimed:
    """The run of show once the chairs' changes are applied."""

    cues: tuple[Cue, ...]  # what the conductor runs, in time order (skipped cues left out)
    planned: Mapping[str, datetime] = field(default_factory=dict)  # every cue's time in the plan
    skipped: frozenset[str] = frozenset()  # cut short by next-panellist / start-discussion

    def offset(self, cue: Cue) -> timedelta:
        """How much later (negative: earlier) than planned the cue now runs."""
        return cue.at.astimezone(UTC) - self.planned.get(cue.id, cue.at).astimezone(UTC)

    def offset_at(self, at: datetime) -> timedelta:
        """How late the day runs at `at`: the offset of the next cue still ahead (none ahead: on time)."""
        moment = at.astimezone(UTC)
        ahead = next((c for c in self.cues if c.at.astimezone(UTC) > moment), None)
        return self.offset(ahead) if ahead is not None else timedelta(0)


def planned(cues: Iterable[Cue]) -> Retimed:
    ordered = tuple(cues)
    return Retimed(ordered, {c.id: c.at for c in ordered})


def retime(plan: Sequence[Cue], adjustments: Iterable[Adjustment]) -> Retimed:
    """The plan with every adjustment applied in order; one that no longer applies (refused when it is made,
    so only a changed schedule file can cause it) is ignored."""
    result = planned(plan)
    for adjustment in adjustments:
        moved = apply(result, adjustment)
        if isinstance(moved, Retimed):
            result = moved
    return result


def apply(current: Retimed, adjustment: Adjustment) -> Retimed | str:
    """`current` with one more adjustment, or why it cannot apply now (a message key, ``plan.refused.*``)."""
    if not current.cues:
        return "plan.refused.nothing_ahead"
    at = adjustment.at.astimezone(UTC)
    kind = adjustment.kind
    if kind in (AdjustmentKind.DELAY, AdjustmentKind.EXTEND_DISCUSSION):
        if adjustment.minutes == 0 or abs(adjustment.minutes) > MAX_MINUTES:
            return "plan.refused.minutes"
        by = timedelta(minutes=adjustment.minutes)
        if kind is AdjustmentKind.DELAY:
            return _shift_day(current, at, at, by)
        if by < timedelta(0):
            return "plan.refused.minutes"
        discussion = state_at(current.cues, at).discussion
        end = next((c for c in current.cues if c.item == discussion and c.at.astimezone(UTC) > at
                    and c.kind in (CueKind.LAST_CALL, CueKind.SESSION_CLOSE)), None)
        if discussion is None or end is None:
            return "plan.refused.no_discussion"
        return _shift_day(current, end.at.astimezone(UTC), at, by, inclusive=True)
    state = state_at(current.cues, at)
    if state.phase not in (Phase.PANEL, Phase.SESSION_OPEN) or state.item is None:
        return "plan.refused.no_panel"
    wanted = (CueKind.FLOOR_OPEN,) if kind is AdjustmentKind.START_DISCUSSION else (CueKind.PANEL_TURN,
                                                                                     CueKind.FLOOR_OPEN)
    target = next((c for c in current.cues if c.item == state.item and c.kind in wanted
                   and c.at.astimezone(UTC) > at), None)
    if target is None:
        return "plan.refused.no_panel"
    return _bring_forward(current, state.item, target, at)


def _shift_day(current: Retimed, pivot: datetime, now: datetime, by: timedelta, *,
               inclusive: bool = False) -> Retimed | str:
    """Every cue after `pivot` (at it too when `inclusive`) on the same day moves by `by`, never before `now`."""
    zone = current.cues[0].at.tzinfo or UTC
    day = pivot.astimezone(zone).date()

    def moves(t: datetime) -> bool:
        u = t.astimezone(UTC)
        return (u >= pivot if inclusive else u > pivot) and u.astimezone(zone).date() == day

    def move(t: datetime) -> datetime:
        return max(t.astimezone(UTC) + by, now) if moves(t) else t

    if not any(moves(c.at) for c in current.cues):
        return "plan.refused.nothing_ahead"
    return _rebuild(current, (_moved(c, move, zone) for c in current.cues), frozenset())


def _bring_forward(current: Retimed, item: str, target: Cue, now: datetime) -> Retimed:
    """`target` (the next turn, or the discussion's opening) is due now; the item's cues between now and
    it are skipped, those after it up to the last call move forward with it."""
    zone = current.cues[0].at.tzinfo or UTC
    start = target.at.astimezone(UTC)
    limit = next((c.at.astimezone(UTC) for c in current.cues if c.item == item
                  and c.kind in (CueKind.LAST_CALL, CueKind.SESSION_CLOSE) and c.at.astimezone(UTC) >= start),
                 None)
    by = now - start

    def within(t: datetime) -> bool:
        u = t.astimezone(UTC)
        return start <= u and (limit is None or u < limit)

    def move(t: datetime) -> datetime:
        return t.astimezone(UTC) + by if within(t) else t

    skipped = frozenset(c.id for c in current.cues
                        if c.item == item and now < c.at.astimezone(UTC) < start)
    kept = (c for c in current.cues if c.id not in skipped)
    return _rebuild(current, (_moved(c, move, zone) if c.item == item else c for c in kept), skipped)


def _moved(cue: Cue, move: Callable[[datetime], datetime], zone: tzinfo) -> Cue:
    data = dict(cue.data)
    for key in TIME_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            try:
                instant = datetime.fromisoformat(value)
            except ValueError:
                continue
            if instant.tzinfo is not None:
                data[key] = move(instant).astimezone(zone).isoformat()
    return replace(cue, at=move(cue.at).astimezone(zone), data=data)


def _rebuild(current: Retimed, cues: Iterable[Cue], skipped: frozenset[str]) -> Retimed:
    order = {cue.id: n for n, cue in enumerate(current.cues)}
    # Stable: cues that land on the same instant keep the plan's order (what ends before what begins).
    ordered = tuple(sorted(cues, key=lambda c: (c.at.astimezone(UTC), order[c.id])))
    return Retimed(ordered, current.planned, current.skipped | skipped)

