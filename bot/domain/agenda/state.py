"""Where the agenda is at any instant, from the planned cues alone (pure, no I/O).

The floor's state follows from the plan, not from what was posted: a process started late, or restarted
after an outage that spanned a cue, must still open the list that should be open. `state_at` replays the
run of show up to an instant and says what phase the event is in, which discussion's list should be open,
and how many of its guiding questions are due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from bot.domain.agenda.timeline import Cue, CueKind


class Phase(StrEnum):
    BEFORE = "before"  # nothing has begun yet
    WELCOME = "welcome"  # an opening item (welcome words)
    SESSION_OPEN = "session-open"  # a session has opened, its panel not yet begun
    PANEL = "panel"  # panel turn `turn` of `turns`
    DISCUSSION = "discussion"  # the list of speakers is open
    LAST_CALL = "last-call"  # still open, closing soon
    BETWEEN = "between"  # a session closed, the next thing not yet begun (or the day is over)
    BREAK = "break"
    CLOSED = "closed"  # the event's closing: nothing more to run


@dataclass(frozen=True)
class AgendaState:
    phase: Phase = Phase.BEFORE
    item: str | None = None  # the item the phase belongs to
    turn: int | None = None  # panel turn k ...
    turns: int | None = None  # ... of n
    discussion: str | None = None  # the item whose list of speakers should be open
    question: int = 0  # guiding questions of `discussion` due so far (the current one's number; 0: none)
    since: datetime | None = field(default=None, compare=False)  # when the phase began (agenda time)

    @property
    def list_open(self) -> bool:
        return self.discussion is not None


# Cues that only remind or warn say nothing about where the agenda is.
_PHASE_OF: dict[CueKind, Phase] = {
    CueKind.OPENING: Phase.WELCOME,
    CueKind.SESSION_OPEN: Phase.SESSION_OPEN,
    CueKind.PANEL_TURN: Phase.PANEL,
    CueKind.FLOOR_OPEN: Phase.DISCUSSION,
    CueKind.LAST_CALL: Phase.LAST_CALL,
    CueKind.SESSION_CLOSE: Phase.BETWEEN,
    CueKind.BREAK_START: Phase.BREAK,
    CueKind.DAY_END: Phase.BETWEEN,
    CueKind.EVENT_CLOSE: Phase.CLOSED,
}


def state_at(cues: Iterable[Cue], at: datetime) -> AgendaState:
    """The agenda's state once every cue due at or before `at` has run (cues in `plan` order)."""
    moment = at.astimezone(UTC)
    phase, item = Phase.BEFORE, None
    turn: int | None = None
    turns: int | None = None
    discussion: str | None = None
    question = 0
    welcome_at: datetime | None = None
    since: datetime | None = None
    for cue in cues:
        if cue.at.astimezone(UTC) > moment:
            break
        kind = cue.kind
        if kind is CueKind.QUESTION:
            if cue.item == discussion:
                question = max(question, _int(cue.data.get("index")))
            continue
        if kind is CueKind.FLOOR_OPEN:
            discussion, question = cue.item, 0
        elif (kind is CueKind.SESSION_CLOSE and cue.item == discussion) or kind is CueKind.EVENT_CLOSE:
            discussion, question = None, 0
        new_phase = _PHASE_OF.get(kind)
        if new_phase is None:
            continue
        if kind in (CueKind.OPENING, CueKind.BREAK_START) and discussion is not None:
            continue  # a nested item (a welcome, a pause) does not end a running discussion's phase
        if kind is CueKind.SESSION_OPEN and phase is Phase.WELCOME and welcome_at == cue.at:
            continue  # a welcome at the session's start (an opening nested in it) is what runs first
        phase, item, since = new_phase, cue.item, cue.at
        welcome_at = cue.at if kind is CueKind.OPENING else None
        if kind is CueKind.PANEL_TURN:
            turn, turns = _int(cue.data.get("index")), _int(cue.data.get("of"))
        else:
            turn = turns = None
    return AgendaState(phase, item, turn, turns, discussion, question, since)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0
