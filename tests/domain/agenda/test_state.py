"""The agenda's state at any instant, derived from the planned cues alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config.loader import load_schedule
from bot.domain.agenda.state import AgendaState, Phase, state_at
from bot.domain.agenda.timeline import Cue, CueKind, plan
from tests.conftest import ROOT

ZONE = ZoneInfo("Europe/Zurich")
_schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
assert _schedule is not None
CUES = plan(_schedule)


def at(day: int, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2022-03-0{day}T{hhmm}").replace(tzinfo=ZONE)


@pytest.mark.parametrize(("instant", "expected"), [
    (at(7, "09:00"), AgendaState()),
    (at(7, "09:55"), AgendaState()),  # reminders say nothing about where the agenda is
    (at(7, "10:05"), AgendaState(Phase.WELCOME, "opening")),  # the opening is nested at session 1's start
    (at(8, "10:05"), AgendaState(Phase.PANEL, "session-3", 1, 7)),
    (at(7, "10:23"), AgendaState(Phase.PANEL, "session-1", 2, 5)),
    (at(7, "10:50"), AgendaState(Phase.DISCUSSION, "session-1", discussion="session-1", question=1)),
    (at(7, "11:06"), AgendaState(Phase.DISCUSSION, "session-1", discussion="session-1", question=2)),
    (at(7, "11:55"), AgendaState(Phase.LAST_CALL, "session-1", discussion="session-1", question=4)),
    (at(7, "12:00"), AgendaState(Phase.BREAK, "lunch-1")),
    (at(7, "15:50"), AgendaState(Phase.DISCUSSION, "session-2", discussion="session-2", question=1)),
    (at(7, "17:00"), AgendaState(Phase.BETWEEN, "session-2")),
    (at(8, "09:00"), AgendaState(Phase.BETWEEN, "session-2")),
    (at(8, "10:44"), AgendaState(Phase.PANEL, "session-3", 7, 7)),
    (at(8, "16:44"), AgendaState(Phase.LAST_CALL, "session-4", discussion="session-4", question=5)),
    (at(8, "16:45"), AgendaState(Phase.BETWEEN, "session-4")),
    (at(8, "16:50"), AgendaState(Phase.CLOSED, "closing")),
    (at(9, "10:00"), AgendaState(Phase.CLOSED, "closing")),
])
def test_state_of_the_ungp_schedule(instant: datetime, expected: AgendaState) -> None:
    assert state_at(CUES, instant) == expected


def test_the_welcome_phase() -> None:
    cues = [Cue("o/start", at(7, "10:00"), CueKind.OPENING, "o")]
    assert state_at(cues, at(7, "10:01")) == AgendaState(Phase.WELCOME, "o")


def test_a_session_opened_after_its_welcome_is_in_session_open() -> None:
    cues = [Cue("o/start", at(7, "09:50"), CueKind.OPENING, "o"),
            Cue("s/open", at(7, "10:00"), CueKind.SESSION_OPEN, "s")]
    assert state_at(cues, at(7, "10:01")) == AgendaState(Phase.SESSION_OPEN, "s")


def test_a_pause_within_a_discussion_keeps_its_list_open() -> None:
    cues = [Cue("s/floor", at(7, "10:00"), CueKind.FLOOR_OPEN, "s"),
            Cue("p/start", at(7, "10:10"), CueKind.BREAK_START, "p"),
            Cue("s/close", at(7, "10:30"), CueKind.SESSION_CLOSE, "s")]
    assert state_at(cues, at(7, "10:15")).discussion == "s"
    assert state_at(cues, at(7, "10:30")).discussion is None


instants = st.integers(min_value=0, max_value=3 * 24 * 60).map(lambda m: at(7, "00:00") + timedelta(minutes=m))


@given(instants)
def test_the_list_is_open_exactly_between_floor_open_and_session_close(instant: datetime) -> None:
    state = state_at(CUES, instant)
    opens = {c.item: c.at for c in CUES if c.kind is CueKind.FLOOR_OPEN}
    closes = {c.item: c.at for c in CUES if c.kind is CueKind.SESSION_CLOSE}
    should = [item for item in opens if opens[item] <= instant < closes[item]]
    assert [state.discussion] == (should or [None])
    assert state.list_open is bool(should)


@given(instants)
def test_the_question_is_the_last_one_due(instant: datetime) -> None:
    state = state_at(CUES, instant)
    due = [int(c.data["index"]) for c in CUES  # type: ignore[call-overload]
           if c.kind is CueKind.QUESTION and c.item == state.discussion and c.at <= instant]
    assert state.question == max(due, default=0)
    if state.discussion is None:
        assert state.question == 0


@given(instants, instants)
def test_the_state_depends_only_on_the_cues_due(a: datetime, b: datetime) -> None:
    first, second = sorted((a, b))
    between = [c for c in CUES if first < c.at <= second]
    if not between:
        assert state_at(CUES, first) == state_at(CUES, second)
