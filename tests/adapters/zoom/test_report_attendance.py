"""Attendance in the report, from Zoom's past-meeting (or past-webinar) participants of what `provision` stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.errors import ZoomNotFound
from bot.adapters.zoom.provision import NS_MEETING
from bot.cli.report import zoom_attendance
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.report.model import build_report
from bot.report.render import attendance_csv, to_markdown
from bot.testing.memory import MemoryKeyValues
from tests.conftest import ROOT
from tests.fakes.zoom_api import FakeZoom

NOW = datetime(2022, 3, 7, tzinfo=UTC)


async def provisioned(record: dict[str, Any]) -> tuple[Schedule, MemoryKeyValues]:
    """The reference event and a store holding what `provision` stored for its session 1."""
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    store = MemoryKeyValues()
    await store.set(NS_MEETING, "ungp-tech-2022/session-1", {**record, "items": ["opening", "session-1"]}, NOW)
    return schedule, store


async def test_report_lists_who_attended_each_meeting(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    schedule, store = await provisioned({"id": "811", "uuid": "s1/uuid=="})
    await store.set(NS_MEETING, "other-event/session-1", {"id": "999", "uuid": "x==", "items": []}, NOW)
    fake_zoom.add_participants("s1/uuid==", [
        {"id": "z1", "name": "Ana", "user_email": "ana@example.org", "join_time": "2022-03-07T09:00:00Z",
         "leave_time": "2022-03-07T10:30:00Z"},
        {"id": "z2", "name": "Ana (phone)", "user_email": "ANA@example.org", "join_time": "2022-03-07T10:00:00Z",
         "leave_time": "2022-03-07T11:00:00Z"},
    ])
    lines = await zoom_attendance(schedule, store, make_client())
    assert [(a.person, a.minutes) for a in lines] == [("email:ana@example.org", 120)], "two devices, one person"
    assert lines[0].meeting.startswith("Opening of the consultation / The State’s duty to protect")
    report = build_report("UNGPs", [], [], lines)
    zone = ZoneInfo("Europe/Zurich")
    md = to_markdown(report, "fr", zone, str)
    assert "## Participation (d'après Zoom)" in md and "| 120 | 10:00 | 12:00 |" in md
    assert attendance_csv(report, zone).splitlines()[1].startswith("Opening of the consultation")


async def test_report_attendance_of_a_webinar_reads_past_webinar_participants(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    schedule, store = await provisioned({"id": "911", "uuid": "w//uuid==", "kind": "webinar"})
    fake_zoom.add_webinar_participants("w//uuid==", [
        {"id": "z1", "name": "Ana", "user_email": "ana@example.org", "join_time": "2022-03-07T09:00:00Z",
         "leave_time": "2022-03-07T09:45:00Z"},
    ])
    lines = await zoom_attendance(schedule, store, make_client())
    assert [(a.person, a.minutes) for a in lines] == [("email:ana@example.org", 45)]
    assert fake_zoom.api_requests("GET", "^/v2/past_webinars/") and not fake_zoom.api_requests("GET", "past_meetings")
    fake_zoom.webinar_participants.clear()
    try:
        await zoom_attendance(schedule, store, make_client())
    except ZoomNotFound as error:
        assert error.code == 3001 and "Webinar does not exist" in str(error)
    else:
        raise AssertionError("a missing webinar is Zoom's 404")
