"""Provisioning: plans from the schedule, and what reaches Zoom's wire on first and later runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.errors import ZoomServerError
from bot.adapters.zoom.meeting_plan import plan_meetings
from bot.adapters.zoom.provision import (
    NS_BY_ID,
    NS_ITEM,
    NS_MEETING,
    Provisioner,
    links_for_item,
)
from bot.config.loader import load_schedule, parse_schedule
from bot.config.model import Schedule
from bot.testing.memory import MemoryKeyValues
from tests.conftest import ROOT
from tests.fakes.zoom_api import FakeZoom

HERE = Path(__file__).parent


def load(text_changes: dict[str, str] | None = None) -> Schedule:
    text = (HERE / "schedule_zoom.yaml").read_text()
    for old, new in (text_changes or {}).items():
        assert old in text
        text = text.replace(old, new)
    result = parse_schedule(text, "schedule_zoom.yaml")
    assert result.ok and result.schedule, [p.format() for p in result.problems]
    return result.schedule


def test_plan_groups_nested_and_trailing_items_into_sessions() -> None:
    plans = plan_meetings(load())
    assert [(p.key, p.items) for p in plans] == [
        ("session-1", ("opening", "session-1")),
        ("session-2", ("session-2", "closing")),
    ]
    first, second = plans
    assert first.start == datetime(2022, 3, 7, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert first.duration == 120
    assert second.start == datetime(2022, 3, 7, 14, 0, tzinfo=UTC) and second.duration == 120  # + closing
    assert first.topic == "Test consultation — First session"
    assert first.alternative_hosts == ("chair.one@example.org",)
    assert first.interpreters == (("interp.es@example.org", "US,ES"), ("interp.fr@example.org", "US,FR"))
    assert "Chair: Chair One" in first.agenda and "Présidence\u00a0: Chair One" in first.agenda
    assert "Panel: Speaker A" in first.agenda


def test_plan_per_day_and_the_reference_event() -> None:
    [day] = plan_meetings(load({"scope: per-session": "scope: per-day"}))
    assert day.key == "2022-03-07" and day.duration == 7 * 60
    assert day.items == ("opening", "session-1", "session-2", "closing")
    assert day.topic == "Test consultation — Day 1 (2022-03-07)"
    reference = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert reference is not None
    plans = plan_meetings(reference)
    assert [p.key for p in plans] == ["session-1", "session-2", "session-3", "session-4"]
    assert all(len(p.topic) <= 200 and len(p.agenda) <= 2000 for p in plans)
    assert plans[3].items == ("session-4", "closing")


async def test_first_run_creates_with_the_right_settings_on_the_wire(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    outcomes = await Provisioner(load(), store, make_client()).run()
    assert [o.action for o in outcomes] == ["create", "create"]
    posts = fake_zoom.api_requests("POST", r"^/v2/users/host@example.org/meetings$")
    assert len(posts) == 2
    body = posts[0].body
    assert body["start_time"] == "2022-03-07T09:00:00Z"
    assert body["timezone"] == "Europe/Zurich"
    assert body["duration"] == 120
    assert body["type"] == 2
    assert body["settings"]["approval_type"] == 0
    assert body["settings"]["alternative_hosts"] == "chair.one@example.org"
    assert body["settings"]["language_interpretation"] == {
        "enable": True,
        "interpreters": [
            {"email": "interp.es@example.org", "languages": "US,ES"},
            {"email": "interp.fr@example.org", "languages": "US,FR"},
        ],
    }
    # Links are stored for cues and webhooks.
    links = await links_for_item(store, "zoom-test", "opening")
    assert links is not None and links.join_url == outcomes[0].join_url
    assert links.registration_url and links.registration_url.startswith("https://zoom.us/meeting/register/")
    assert store.data[(NS_BY_ID, outcomes[1].meeting_id)]["items"] == ["session-2", "closing"]
    assert (NS_MEETING, "zoom-test/session-1") in store.data
    assert (NS_ITEM, "zoom-test/closing") in store.data
    assert (NS_BY_ID, outcomes[0].meeting_id) in store.data


async def test_second_run_changes_nothing_and_never_duplicates(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    await Provisioner(load(), store, make_client()).run()
    outcomes = await Provisioner(load(), store, make_client()).run()
    assert [o.action for o in outcomes] == ["unchanged", "unchanged"]
    assert len(fake_zoom.api_requests("POST")) == 2
    assert fake_zoom.api_requests("PATCH", r"/meetings/\d+$") == []
    assert len(fake_zoom.meetings) == 2


async def test_a_changed_schedule_updates_in_place(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    await Provisioner(load(), store, make_client()).run()
    changed = load({'start: "15:00"\n        end: "16:45"': 'start: "15:30"\n        end: "16:45"',
                    "approval: automatic": "approval: manual"})
    outcomes = await Provisioner(changed, store, make_client()).run()
    assert [o.action for o in outcomes] == ["update", "update"]
    assert len(fake_zoom.meetings) == 2 and len(fake_zoom.api_requests("POST")) == 2
    patches = fake_zoom.api_requests("PATCH", r"/meetings/\d+$")
    assert [p.body["settings"]["approval_type"] for p in patches] == [1, 1]
    assert patches[1].body["start_time"] == "2022-03-07T14:30:00Z"
    assert {c.field for c in outcomes[1].changes} == {"start_time", "duration", "approval_type"}


async def test_a_lost_store_adopts_the_existing_meetings(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    await Provisioner(load(), MemoryKeyValues(), make_client()).run()
    fresh = MemoryKeyValues()
    outcomes = await Provisioner(load(), fresh, make_client()).run()
    assert [o.action for o in outcomes] == ["adopt", "adopt"]
    assert len(fake_zoom.meetings) == 2
    assert await links_for_item(fresh, "zoom-test", "session-1") is not None


async def test_a_meeting_deleted_in_zoom_is_created_again(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    first = await Provisioner(load(), store, make_client()).run()
    del fake_zoom.meetings[int(first[0].meeting_id or 0)]
    outcomes = await Provisioner(load(), store, make_client()).run()
    assert [o.action for o in outcomes] == ["create", "unchanged"]
    assert len(fake_zoom.meetings) == 2


async def test_an_ambiguous_create_failure_does_not_duplicate(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    # Zoom creates the meeting but the answer is lost in a 502.
    fake_zoom.fail_next(502, {"code": 502, "message": "Bad Gateway"}, method="POST", path="meetings$", after=True)
    outcomes = await Provisioner(load(), MemoryKeyValues(), make_client()).run()
    assert [o.action for o in outcomes] == ["create", "create"]
    assert len(fake_zoom.meetings) == 2
    assert len(fake_zoom.api_requests("POST")) == 2


async def test_a_create_that_keeps_failing_raises(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    fake_zoom.fail_next(500, {"code": 500, "message": "Internal"}, method="POST", path="meetings$", times=3)
    with pytest.raises(ZoomServerError):
        await Provisioner(load(), MemoryKeyValues(), make_client()).run()
    assert fake_zoom.meetings == {}


async def test_dry_run_calls_neither_create_nor_update(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    planned = await Provisioner(load(), store, make_client()).run(dry_run=True)
    assert [o.action for o in planned] == ["create", "create"]
    assert fake_zoom.api_requests("POST") == [] and store.data == {}
    await Provisioner(load(), store, make_client()).run()
    changed = load({"First session": "Opening session"})
    preview = await Provisioner(changed, store, make_client()).run(dry_run=True)
    assert [o.action for o in preview] == ["update", "unchanged"]
    [change] = preview[0].changes
    assert change.field == "topic"
    assert change.current == "Test consultation — First session"
    assert change.wanted == "Test consultation — Opening session"
    assert fake_zoom.api_requests("PATCH", r"/meetings/\d+$") == []


async def test_dry_run_without_credentials_shows_the_plan() -> None:
    outcomes = await Provisioner(load(), MemoryKeyValues(), None).run(dry_run=True)
    assert [o.action for o in outcomes] == ["create", "create"]
    assert {c.field for c in outcomes[0].changes} >= {"topic", "start_time", "interpreters"}


async def test_webinars_go_to_the_webinar_endpoints(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    schedule = load({"kind: meeting": "kind: webinar"})
    await Provisioner(schedule, store, make_client()).run()
    posts = fake_zoom.api_requests("POST", r"/webinars$")
    assert len(posts) == 2 and posts[0].body["type"] == 5
    assert posts[0].body["start_time"] == "2022-03-07T09:00:00Z"
    again = await Provisioner(schedule, store, make_client()).run()
    assert [o.action for o in again] == ["unchanged", "unchanged"]
    assert fake_zoom.api_requests("POST", "meetings") == []
