"""Attendance in the report, from Zoom's past-meeting participants of the meetings `provision` stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.provision import NS_MEETING
from bot.cli.report import zoom_attendance
from bot.config.loader import load_schedule
from bot.report.model import build_report
from bot.report.render import attendance_csv, to_markdown
from bot.testing.memory import MemoryKeyValues
from tests.conftest import ROOT
from tests.fakes.zoom_api import FakeZoom


async def test_report_lists_who_attended_each_meeting(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    store = MemoryKeyValues()
    now = datetime(2022, 3, 7, tzinfo=UTC)
    await store.set(NS_MEETING, "ungp-tech-2022/session-1",
                    {"id": "811", "uuid": "s1/uuid==", "items": ["opening", "session-1"]}, now)
    await store.set(NS_MEETING, "other-event/session-1", {"id": "999", "uuid": "x==", "items": []}, now)
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
