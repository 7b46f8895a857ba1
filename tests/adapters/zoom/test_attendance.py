"""Attendance from Zoom's paginated past-participants list and from webhook-fed presence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.adapters.zoom.attendance import Stay, meeting_attendance, summarize
from bot.adapters.zoom.client import ZoomClient
from bot.config.model import Person
from bot.domain.identity import IdentityResolver
from tests.fakes.zoom_api import FakeZoom

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def iso(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_overlapping_stays_are_not_counted_twice() -> None:
    stays = [
        Stay("ana", "Ana", T0, T0 + timedelta(minutes=30)),
        Stay("ana", "Ana (phone)", T0 + timedelta(minutes=20), T0 + timedelta(minutes=40)),
        Stay("ana", "Ana", T0 + timedelta(minutes=60), T0 + timedelta(minutes=70)),
    ]
    [ana] = summarize(stays).values()
    assert ana.minutes == 50 and ana.stays == 3
    assert (ana.first_join, ana.last_leave) == (T0, T0 + timedelta(minutes=70))


async def test_attendance_across_pages_with_identities_merged(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    records = [
        {"id": f"guest-{i}", "name": f"Guest {i}", "user_email": "", "join_time": iso(0), "leave_time": iso(10),
         "duration": 600} for i in range(400)
    ]
    records += [
        {"id": "zu-1", "name": "Lene", "user_email": "LENE@un.org", "join_time": iso(0), "leave_time": iso(45)},
        {"id": "zu-2", "name": "Lene (phone)", "user_email": "lene@un.org", "join_time": iso(30),
         "leave_time": iso(90)},
        {"id": "zu-3", "name": "Broken", "user_email": "", "join_time": iso(5), "leave_time": ""},
    ]
    fake_zoom.add_participants("inst/uuid==", records)
    identity = IdentityResolver({"lene-wendland": Person(name="Lene Wendland", group="un", email="lene@un.org",
                                                         slack="U0LENE")})
    attendance = await meeting_attendance(make_client(), "inst/uuid==", identity)
    assert len(fake_zoom.api_requests("GET", "participants")) == 2  # 300 + 103
    assert len(attendance) == 401
    lene = attendance["lene-wendland"]
    assert lene.minutes == 90 and lene.first_join == T0 and lene.last_leave == T0 + timedelta(minutes=90)
    assert attendance["zoom:guest-7"].minutes == 10
    # The same person seen on Slack is the same key the report uses.
    assert identity.resolve("slack", "U0LENE") == "lene-wendland"

