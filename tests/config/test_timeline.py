"""plan(): the run of show as pure data, on the reference event and on DST switch days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.timeline import Cue, CueKind, plan

ZURICH = ZoneInfo("Europe/Zurich")


@pytest.fixture(scope="module")
def reference() -> Schedule:
    root = Path(__file__).resolve().parents[2]
    result = load_schedule(root / "schedules" / "ungp-tech-2022.yaml")
    assert result.schedule is not None, [p.format() for p in result.problems]
    return result.schedule


@pytest.fixture(scope="module")
def cues(reference: Schedule) -> list[Cue]:
    return plan(reference)


def by_id(cues: list[Cue]) -> dict[str, Cue]:
    return {cue.id: cue for cue in cues}


def test_reference_session_1_and_closing_times(cues: list[Cue]) -> None:
    index = by_id(cues)
    assert index["session-1/open"].at.isoformat() == "2022-03-07T10:00:00+01:00"
    assert index["closing/start"].at.isoformat() == "2022-03-08T16:50:00+01:00"
    assert index["closing/start"].kind is CueKind.EVENT_CLOSE


def test_ids_unique_times_aware_and_sorted(cues: list[Cue]) -> None:
    assert len({cue.id for cue in cues}) == len(cues)
    assert all(cue.at.tzinfo is not None and cue.at.utcoffset() is not None for cue in cues)
    instants = [cue.at.astimezone(UTC) for cue in cues]
    assert instants == sorted(instants)


def test_plan_is_deterministic(reference: Schedule) -> None:
    assert plan(reference) == plan(reference)


def test_every_kind_appears_in_the_reference(cues: list[Cue]) -> None:
    # The reference sets no reminders for its written inputs (tests/domain/test_inputs.py plans them).
    assert {cue.kind for cue in cues} == set(CueKind) - {CueKind.INPUTS_REMINDER}


def test_opening_nested_in_session_1_pushes_the_panel_back(cues: list[Cue], reference: Schedule) -> None:
    index = by_id(cues)
    opening, session = index["opening/start"], index["session-1/open"]
    assert opening.at == session.at
    assert cues.index(opening) < cues.index(session)  # the consultation opens, then its first session
    first_turn = index["session-1/panel/1"]
    assert first_turn.at.isoformat() == "2022-03-07T10:15:00+01:00"
    assert first_turn.data["speaker"] == reference.item("session-1").panel.speakers[0]  # type: ignore[union-attr]


def test_panel_turns_and_warnings(cues: list[Cue], reference: Schedule) -> None:
    session = reference.item("session-1")
    assert session.panel is not None and session.panel.minutes_each is not None
    turns = [c for c in cues if c.item == "session-1" and c.kind is CueKind.PANEL_TURN]
    warnings = [c for c in cues if c.item == "session-1" and c.kind is CueKind.PANEL_WARNING]
    assert [c.data["speaker"] for c in turns] == session.panel.speakers
    assert len(warnings) == len(turns)
    for turn, following in zip(turns, turns[1:], strict=False):
        assert following.at - turn.at == session.panel.minutes_each
    for turn, warning in zip(turns, warnings, strict=True):
        assert warning.at == turn.at + session.panel.minutes_each - reference.floor.warn_before


def test_reminders(cues: list[Cue], reference: Schedule) -> None:
    index = by_id(cues)
    assert index["day/2022-03-07/reminder"].at == index["opening/start"].at - reference.reminders.before_day
    reminder = index["session-2/reminder"]
    assert reminder.at == index["session-2/open"].at - reference.reminders.before_session


def test_questions_every_and_last_call(cues: list[Cue], reference: Schedule) -> None:
    session = reference.item("session-1")
    assert session.discussion is not None
    questions = [c for c in cues if c.item == "session-1" and c.kind is CueKind.QUESTION]
    index = by_id(cues)
    assert questions[0].at == index["session-1/floor"].at
    assert [c.id for c in questions] == [f"session-1/question/{n}" for n in range(1, len(questions) + 1)]
    if session.discussion.every:
        assert all(b.at - a.at == session.discussion.every for a, b in zip(questions, questions[1:], strict=False))
    assert index["session-1/last-call"].at == index["session-1/close"].at - reference.floor.last_call_before
    assert index["session-1/close"].at.isoformat() == "2022-03-07T12:00:00+01:00"


def test_break_and_day_end_preview(cues: list[Cue]) -> None:
    index = by_id(cues)
    lunch = index["lunch-1/start"]
    assert lunch.kind is CueKind.BREAK_START
    assert lunch.data["until"] == "2022-03-07T15:00:00+01:00"
    assert lunch.data["next_item"] == "session-2"
    day_end = index["day/2022-03-07/end"]
    assert day_end.at.isoformat() == "2022-03-07T17:00:00+01:00"
    assert day_end.data["next_date"] == "2022-03-08"
    assert day_end.data["next_item"] == "session-3"
    assert "day/2022-03-08/end" not in index  # the last day ends with the event's close


def test_same_instant_order_close_before_break(cues: list[Cue]) -> None:
    index = by_id(cues)
    assert cues.index(index["session-1/close"]) < cues.index(index["lunch-1/start"])


def _schedule(day: str, items: list[dict[str, object]], **extra: object) -> Schedule:
    people = {
        "chair": {"name": "Chair", "group": "un"},
        "p1": {"name": "P One", "group": "states"},
        "p2": {"name": "P Two", "group": "business"},
    }
    return Schedule.model_validate(
        {
            "event": {"id": "dst", "title": "DST", "timezone": "Europe/Zurich", "languages": ["en"]},
            "people": people,
            "days": [{"date": day, "items": items}],
            **extra,
        }
    )


def test_spring_forward_day_offsets_and_real_durations() -> None:
    # 2022-03-27: at 02:00 CET the clocks jump to 03:00 CEST.
    schedule = _schedule(
        "2022-03-27",
        [
            {
                "id": "s",
                "kind": "session",
                "start": "01:00",
                "end": "04:00",
                "chair": "chair",
                "panel": {"speakers": ["p1", "p2"], "minutes_each": "30m"},
                "discussion": {"every": "30m", "questions": ["q1", "q2", "q3"]},
            }
        ],
    )
    index = by_id(plan(schedule))
    assert index["s/open"].at.isoformat() == "2022-03-27T01:00:00+01:00"
    assert index["s/panel/1"].at.isoformat() == "2022-03-27T01:00:00+01:00"
    # 30 real minutes after 01:30 CET is 03:00 CEST, not a non-existent 02:00.
    assert index["s/panel/2"].at.isoformat() == "2022-03-27T01:30:00+01:00"
    assert index["s/floor"].at.isoformat() == "2022-03-27T03:00:00+02:00"
    assert [index[f"s/question/{n}"].at.isoformat() for n in (1, 2)] == [
        "2022-03-27T03:00:00+02:00",
        "2022-03-27T03:30:00+02:00",
    ]
    assert "s/question/3" not in index  # it would fall at the session's end: left to the chair
    assert index["s/close"].at.isoformat() == "2022-03-27T04:00:00+02:00"
    # Three wall-clock hours, two real ones. (Subtracting two datetimes that share a zoneinfo gives the
    # wall-clock difference in Python, so compare in UTC.)
    assert index["s/close"].at - index["s/open"].at == timedelta(hours=3)
    assert index["s/close"].at.astimezone(UTC) - index["s/open"].at.astimezone(UTC) == timedelta(hours=2)
    assert index["s/reminder"].at.isoformat() == "2022-03-27T00:50:00+01:00"


def test_fall_back_day_offsets() -> None:
    # 2022-10-30: at 03:00 CEST the clocks go back to 02:00 CET; 01:00 to 04:00 lasts four real hours.
    schedule = _schedule(
        "2022-10-30",
        [
            {
                "id": "s",
                "kind": "session",
                "start": "01:00",
                "end": "04:00",
                "chair": "chair",
                "discussion": {"every": "1h", "questions": ["q1", "q2", "q3", "q4"]},
            }
        ],
    )
    cues = plan(schedule)
    index = by_id(cues)
    assert index["s/open"].at.isoformat() == "2022-10-30T01:00:00+02:00"
    assert index["s/close"].at.isoformat() == "2022-10-30T04:00:00+01:00"
    assert index["s/close"].at.astimezone(UTC) - index["s/open"].at.astimezone(UTC) == timedelta(hours=4)
    assert [index[f"s/question/{n}"].at.isoformat() for n in (1, 2, 3, 4)] == [
        "2022-10-30T01:00:00+02:00",
        "2022-10-30T02:00:00+02:00",
        "2022-10-30T02:00:00+01:00",  # the same wall time again, one real hour later
        "2022-10-30T03:00:00+01:00",
    ]
    instants = [cue.at.astimezone(UTC) for cue in cues]
    assert instants == sorted(instants)


def test_questions_spread_evenly_without_every() -> None:
    schedule = _schedule(
        "2022-03-07",
        [
            {
                "id": "s",
                "kind": "session",
                "start": "15:00",
                "end": "17:00",
                "chair": "chair",
                "discussion": {"start": "15:20", "questions": ["a", "b", "c", "d", "e"]},
            }
        ],
    )
    index = by_id(plan(schedule))
    # Floor from 15:20 to the last call at 16:50: 90 minutes for five questions.
    assert [index[f"s/question/{n}"].at.strftime("%H:%M") for n in range(1, 6)] == [
        "15:20",
        "15:38",
        "15:56",
        "16:14",
        "16:32",
    ]
    assert index["s/last-call"].at.strftime("%H:%M") == "16:50"


def test_no_closing_item_still_closes_the_event() -> None:
    schedule = _schedule(
        "2022-03-07", [{"id": "s", "kind": "session", "start": "10:00", "end": "11:00", "chair": "chair"}]
    )
    cues = plan(schedule)
    assert cues[-1].kind is CueKind.EVENT_CLOSE
    assert cues[-1].at == datetime(2022, 3, 7, 11, 0, tzinfo=ZURICH)


def test_join_link_in_session_reminder() -> None:
    schedule = _schedule(
        "2022-03-07",
        [
            {
                "id": "s",
                "kind": "session",
                "start": "10:00",
                "end": "11:00",
                "chair": "chair",
                "join_url": "https://zoom.example/j/1",
            }
        ],
    )
    assert by_id(plan(schedule))["s/reminder"].data["join_url"] == "https://zoom.example/j/1"


def test_a_panel_longer_than_its_session_stops_at_the_end() -> None:
    schedule = _schedule(
        "2022-03-07",
        [
            {
                "id": "s",
                "kind": "session",
                "start": "10:00",
                "end": "10:15",
                "chair": "chair",
                "panel": {"speakers": ["p1", "p2", "chair"], "minutes_each": "7m"},
            }
        ],
    )
    cues = plan(schedule)
    close = by_id(cues)["s/close"].at
    assert [c.id for c in cues if c.at > close] == []
    assert [c.id for c in cues if c.kind in (CueKind.PANEL_TURN, CueKind.PANEL_WARNING)] == [
        "s/panel/1",
        "s/panel/1/warning",
        "s/panel/2",
        "s/panel/2/warning",
        "s/panel/3",
    ]
