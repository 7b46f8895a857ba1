"""Written inputs' deadline and reminders on the event's clock, across a switch to summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config.loader import load_schedule
from bot.config.model import Schedule, WrittenInputs
from bot.domain.agenda.timeline import CueKind, plan
from bot.domain.inputs import closes_at, is_open, reminder_times
from bot.i18n.cues import render_cue
from tests.conftest import ROOT

ZURICH = ZoneInfo("Europe/Zurich")
SWITCH = date(2022, 3, 27)  # 02:00 CET -> 03:00 CEST


def test_the_deadline_is_the_wall_time_written_whatever_the_offset() -> None:
    assert closes_at(SWITCH, time(12, 0), ZURICH) == datetime(2022, 3, 27, 10, 1, tzinfo=UTC)  # CEST
    assert closes_at(date(2022, 3, 26), time(12, 0), ZURICH) == datetime(2022, 3, 26, 11, 1, tzinfo=UTC)  # CET
    # 02:30 does not exist that night: the deadline is the first instant that does.
    assert closes_at(SWITCH, time(2, 30), ZURICH) == datetime(2022, 3, 27, 1, 31, tzinfo=UTC)
    closing = closes_at(SWITCH, time(23, 59), ZURICH)
    assert is_open(datetime(2022, 3, 27, 21, 59, 59, tzinfo=UTC), closing)
    assert not is_open(datetime(2022, 3, 27, 22, 0, tzinfo=UTC), closing)


def test_reminders_keep_the_deadline_wall_time_across_the_switch() -> None:
    times = reminder_times(date(2022, 3, 29), time(18, 0), ZURICH, [timedelta(days=1), timedelta(days=7)])
    # Seven days of 24 hours before 18:00 CEST is 17:00 CET: an elapsed week, said on the clock it falls on.
    assert [t.isoformat() for t in times] == ["2022-03-22T17:00:00+01:00", "2022-03-28T18:00:00+02:00"]


def _with_reminders() -> Schedule:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    rules = WrittenInputs(deadline=date(2022, 2, 28), reminders=["7d", "1d"], url="https://example.org/inputs")
    return schedule.model_copy(update={"event": schedule.event.model_copy(update={"written_inputs": rules})})


def test_the_run_of_show_posts_the_reminders_in_every_language() -> None:
    schedule = _with_reminders()
    cues = [c for c in plan(schedule) if c.kind is CueKind.INPUTS_REMINDER]
    assert [(c.id, c.at.isoformat()) for c in cues] == [("inputs/reminder/1", "2022-02-21T23:59:00+01:00"),
                                                        ("inputs/reminder/2", "2022-02-27T23:59:00+01:00")]
    assert plan(schedule)[0].id == "inputs/reminder/1"  # before the day's own reminders
    fr = render_cue(cues[0], schedule, "fr")
    assert fr.startswith("Rappel\u00a0: les contributions écrites à la consultation sont acceptées jusqu'au "
                         "lundi 28 février 2022 à 23\u00a0h\u00a059 (CET).") and fr.endswith("https://example.org/inputs")
    assert "hasta el lunes 28 de febrero de 2022 a las 23:59" in render_cue(cues[1], schedule, "es")
