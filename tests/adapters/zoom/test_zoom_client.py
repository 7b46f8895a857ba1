"""The reliable Zoom client: real zoomus against the loopback fake, asserting what reaches the wire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.zoom.budget import DailyBudget
from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.errors import (
    ZoomAuthError,
    ZoomBudgetExceeded,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomServerError,
    ZoomUnavailable,
    parse_retry_after,
)
from bot.app.clock import SimulatedClock
from tests.adapters.zoom.conftest import RecordingSleep
from tests.fakes.zoom_api import FakeZoom

ZURICH = ZoneInfo("Europe/Zurich")


async def test_create_sends_utc_start_time_and_bearer_token(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    client = make_client()
    start = datetime(2022, 3, 7, 10, 0, tzinfo=ZURICH)
    created = await client.create_meeting("me", {"topic": "Session 1", "type": 2, "start_time": start,
                                                  "duration": 120, "timezone": "Europe/Zurich"})
    assert created["join_url"].startswith("https://zoom.us/j/")
    [post] = fake_zoom.api_requests("POST", r"/users/me/meetings$")
    # 10:00 in Zurich (CET, UTC+1) is 09:00 UTC: zoomus's literal Z must carry a UTC time.
    assert post.body["start_time"] == "2022-03-07T09:00:00Z"
    assert post.headers["authorization"].startswith("Bearer tok-")
    [token_request] = fake_zoom.token_requests()
    assert token_request.body == {"grant_type": "account_credentials", "account_id": "fake-account"}
    assert token_request.headers["authorization"].startswith("Basic ")


async def test_webinar_start_time_is_sent_as_utc_string(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    client = make_client()
    start = datetime(2022, 3, 8, 15, 0, tzinfo=ZURICH)
    await client.create_webinar("me", {"topic": "W", "type": 5, "start_time": start, "duration": 60})
    [post] = fake_zoom.api_requests("POST", r"/users/me/webinars$")
    assert post.body["start_time"] == "2022-03-08T14:00:00Z"


async def test_expired_token_is_refreshed_after_code_124(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    client = make_client()
    created = await client.create_meeting("me", {"topic": "T", "type": 2})
    fake_zoom.expire_tokens()
    got = await client.get_meeting(created["id"])
    assert got["id"] == created["id"]
    assert len(fake_zoom.token_requests()) == 2
    gets = fake_zoom.api_requests("GET")
    assert len(gets) == 2 and gets[0].headers["authorization"] != gets[1].headers["authorization"]


async def test_token_is_refreshed_before_it_expires(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], clock: SimulatedClock
) -> None:
    client = make_client()
    await client.list_meetings("me")
    clock.advance(timedelta(minutes=56))  # within the 5-minute margin of the 3,599 s lifetime
    await client.list_meetings("me")
    assert len(fake_zoom.token_requests()) == 2
    # No request was wasted on a stale token.
    assert all(r.headers["authorization"].startswith("Bearer ") for r in fake_zoom.api_requests())
    assert len(fake_zoom.api_requests()) == 2


async def test_refused_credentials_are_a_typed_error_without_secrets(fake_zoom: FakeZoom) -> None:
    client = ZoomClient("fake-client", "wrong-secret-CANARY", "fake-account",
                        base_uri=fake_zoom.api_url, oauth_uri=fake_zoom.oauth_url)
    with pytest.raises(ZoomAuthError) as caught:
        await client.list_meetings("me")
    assert caught.value.status == 401
    assert "Invalid client_id or client_secret" in str(caught.value)
    assert "CANARY" not in str(caught.value) and "CANARY" not in repr(client)


async def test_a_token_refused_twice_is_an_auth_error(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    client = make_client()
    await client.connect()
    fake_zoom.fail_next(401, {"code": 124, "message": "Invalid access token."}, times=2, path="^/v2")
    with pytest.raises(ZoomAuthError) as caught:
        await client.list_meetings("me")
    assert caught.value.code == 124
    token_values = [t for t in fake_zoom.tokens]
    assert all(t not in str(caught.value) for t in token_values)


async def test_429_waits_for_retry_after_then_succeeds(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], sleeper: RecordingSleep
) -> None:
    client = make_client()
    fake_zoom.fail_next(429, {"code": 429, "message": "You have reached the maximum per-second rate limit."},
                        headers={"Retry-After": "7"}, path="meetings")
    await client.create_meeting("me", {"topic": "T", "type": 2})
    assert sleeper.delays == [7.0]
    assert len(fake_zoom.meetings) == 1


async def test_429_without_retry_after_backs_off_exponentially(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], sleeper: RecordingSleep
) -> None:
    client = make_client()
    fake_zoom.fail_next(429, {"code": 429, "message": "slow down"}, times=2, path="meetings")
    await client.list_meetings("me")
    assert sleeper.delays == [1.0, 2.0]


async def test_a_long_retry_after_is_not_waited_out(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], sleeper: RecordingSleep
) -> None:
    client = make_client()
    fake_zoom.fail_next(429, {"code": 429, "message": "daily limit"}, headers={"Retry-After": "36000"},
                        path="^/v2")
    with pytest.raises(ZoomRateLimited) as caught:
        await client.create_meeting("me", {"topic": "T", "type": 2})
    assert caught.value.retry_after == 36000.0
    assert sleeper.delays == []


async def test_server_errors_are_retried_a_bounded_number_of_times(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], sleeper: RecordingSleep
) -> None:
    client = make_client()
    fake_zoom.fail_next(503, {"code": 503, "message": "busy"}, times=2, path="meetings")
    assert await client.list_meetings("me") == []
    assert sleeper.delays == [1.0, 2.0]
    fake_zoom.fail_next(500, {"code": 500, "message": "boom"}, times=10, path="meetings")
    with pytest.raises(ZoomServerError) as caught:
        await client.list_meetings("me")
    assert caught.value.status == 500 and caught.value.message == "boom"
    assert len(fake_zoom.api_requests("GET")) == 3 + 4


async def test_create_is_not_blindly_retried_on_5xx(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    client = make_client()
    fake_zoom.fail_next(502, {"code": 502, "message": "bad gateway"}, method="POST", path="meetings")
    with pytest.raises(ZoomServerError):
        await client.create_meeting("me", {"topic": "T", "type": 2})
    assert len(fake_zoom.api_requests("POST")) == 1


async def test_dropped_connections_become_unavailable(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], sleeper: RecordingSleep
) -> None:
    client = make_client()
    await client.connect()
    fake_zoom.fail_next(0, drop=True, times=4, path="^/v2")
    with pytest.raises(ZoomUnavailable):
        await client.list_meetings("me")
    assert len(sleeper.delays) == 3


async def test_not_found_carries_zoom_code_and_message(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    with pytest.raises(ZoomNotFound) as caught:
        await make_client().get_meeting(999)
    assert caught.value.code == 3001
    assert "Meeting does not exist: 999." in str(caught.value)


async def test_daily_budget_is_counted_per_user(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient], clock: SimulatedClock
) -> None:
    client = make_client(budget=DailyBudget(limit=2))
    first = await client.create_meeting("me", {"topic": "A", "type": 2})
    await client.update_meeting(first["id"], {"topic": "A2"}, user_id="me")
    assert client.budget_remaining("me") == 0
    with pytest.raises(ZoomBudgetExceeded):
        await client.create_meeting("me", {"topic": "B", "type": 2})
    assert len(fake_zoom.meetings) == 1
    await client.create_meeting("other@example.org", {"topic": "C", "type": 2})  # another user's budget
    clock.advance(timedelta(days=1))
    assert client.budget_remaining("me") == 2


async def test_lists_follow_next_page_token(fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]) -> None:
    fake_zoom.add_participants("uuid/with//slashes==", [
        {"id": f"u{i}", "name": f"P{i}", "user_email": "", "join_time": "2022-03-07T09:00:00Z",
         "leave_time": "2022-03-07T10:00:00Z", "duration": 3600} for i in range(650)
    ])
    records = await make_client().past_meeting_participants("uuid/with//slashes==")
    assert [r["id"] for r in records] == [f"u{i}" for i in range(650)]
    pages = fake_zoom.api_requests("GET", "participants")
    assert [p.query.get("next_page_token") for p in pages] == [None, "300", "600"]


def test_parse_retry_after_forms() -> None:
    now = datetime(2022, 3, 7, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after("Mon, 07 Mar 2022 09:01:00 GMT", now) == 60.0
    assert parse_retry_after("2022-03-07T09:00:30Z", now) == 30.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
