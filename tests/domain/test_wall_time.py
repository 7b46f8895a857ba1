"""Agenda time -> instant, and which agenda times a DST switch skips or repeats."""

from __future__ import annotations

from datetime import UTC, date, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.agenda.wall_time import WallTime, agenda_time, wall_time_status

ZURICH = ZoneInfo("Europe/Zurich")


def test_agenda_time_is_the_instant_on_the_event_clock() -> None:
    at = agenda_time(date(2022, 3, 7), time(10, 0), ZURICH)
    assert at.isoformat() == "2022-03-07T10:00:00+01:00"
    assert at.astimezone(UTC).isoformat() == "2022-03-07T09:00:00+00:00"


def test_agenda_time_in_a_gap_is_converted_not_rejected() -> None:
    at = agenda_time(date(2022, 3, 27), time(2, 30), ZURICH)
    assert at.isoformat() == "2022-03-27T03:30:00+02:00"


def test_agenda_time_in_a_fold_takes_the_earlier_offset() -> None:
    at = agenda_time(date(2022, 10, 30), time(2, 30), ZURICH)
    assert at.isoformat() == "2022-10-30T02:30:00+02:00"


@pytest.mark.parametrize(
    ("day", "at", "status"),
    [
        (date(2022, 3, 27), time(2, 30), WallTime.MISSING),
        (date(2022, 3, 27), time(3, 0), WallTime.OK),
        (date(2022, 3, 27), time(1, 59), WallTime.OK),
        (date(2022, 10, 30), time(2, 30), WallTime.AMBIGUOUS),
        (date(2022, 10, 30), time(3, 0), WallTime.OK),
        (date(2022, 3, 7), time(10, 0), WallTime.OK),
    ],
)
def test_wall_time_status(day: date, at: time, status: WallTime) -> None:
    assert wall_time_status(day, at, ZURICH) is status
