"""`floorbot ics`: the agenda as iCalendar, checked by parsing it back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar
from typer.testing import CliRunner

from bot.cli.main import app
from bot.config.loader import load_schedule
from bot.i18n.ics import agenda_calendar, agenda_ics

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
STAMP = datetime(2022, 2, 1, 9, 0, tzinfo=UTC)


def _calendar(lang: str = "en") -> Calendar:
    schedule = load_schedule(REFERENCE).schedule
    assert schedule is not None
    return Calendar.from_ical(agenda_ics(schedule, STAMP, lang))


def test_one_vevent_per_item_with_stable_uids() -> None:
    schedule = load_schedule(REFERENCE).schedule
    assert schedule is not None
    events = _calendar().walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{item.id}@ungp-tech-2022.floorbot" for _, item in schedule.items()
                                               ] + ["written-inputs@ungp-tech-2022.floorbot"]
    assert agenda_ics(schedule, STAMP) == agenda_ics(schedule, STAMP)  # reproducible


def test_the_written_inputs_deadline_is_an_entry_at_its_last_minute() -> None:
    schedule = load_schedule(REFERENCE).schedule
    assert schedule is not None
    events = {str(e["UID"]).split("@")[0]: e for e in agenda_calendar(schedule, STAMP, "fr").walk("VEVENT")}
    deadline = events["written-inputs"]
    assert deadline.decoded("DTSTART") == datetime(2022, 2, 28, 23, 59, tzinfo=ZoneInfo("Europe/Zurich"))
    assert str(deadline["SUMMARY"]).startswith("Date limite de réception des contributions écrites — Examen")


def test_times_carry_the_zone_and_a_vtimezone_is_included() -> None:
    calendar = _calendar()
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Zurich"]
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    start = events["session-1"].decoded("DTSTART")
    assert start == datetime(2022, 3, 7, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))
    assert start.utcoffset().total_seconds() == 3600
    assert events["session-1"]["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert events["closing"].decoded("DTEND") == datetime(2022, 3, 8, 17, 0, tzinfo=ZoneInfo("Europe/Zurich"))


def test_summary_and_description() -> None:
    events = {str(e["UID"]).split("@")[0]: e for e in _calendar().walk("VEVENT")}
    session = events["session-3"]
    assert str(session["SUMMARY"]).startswith("Session 3: The corporate responsibility")
    description = str(session["DESCRIPTION"])
    assert "Chair: Mark Hodge" in description
    assert "Guiding questions:" in description
    assert "a) Policy commitment" in description  # sub-points of question 2
    assert "Panellists: " in description
    assert "Speakers: Peggy Hicks" in str(events["opening"]["DESCRIPTION"])


def test_other_languages() -> None:
    events = {str(e["UID"]).split("@")[0]: e for e in _calendar("fr").walk("VEVENT")}
    assert str(events["session-1"]["SUMMARY"]).startswith("Séance 1\u00a0: ")
    assert "Présidence\u00a0: Lene Wendland" in str(events["session-1"]["DESCRIPTION"])


def test_cli_stdout_and_out_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ics", str(REFERENCE)])
    assert result.exit_code == 0
    assert len(Calendar.from_ical(result.stdout).walk("VEVENT")) == 9  # 8 items and the written inputs' deadline
    target = tmp_path / "agenda.ics"
    result = CliRunner().invoke(app, ["ics", str(REFERENCE), "--out", str(target), "--lang", "es"])
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert "Sesión 1: " in str(Calendar.from_ical(target.read_bytes()).walk("VEVENT")[1]["SUMMARY"])


def test_cli_invalid_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("event: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ics", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:")
    assert result.stdout == ""
