"""The Zoom side wired to the real store (SQLite file), and no secret in any log line at DEBUG."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from bot.adapters.store.engine import create_engine
from bot.adapters.store.intake import InboundEvents
from bot.adapters.store.key_values import SqlKeyValues
from bot.adapters.store.migrate import upgrade_to_head
from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.errors import ZoomAuthError
from bot.adapters.zoom.presence import PresenceRegistry
from bot.adapters.zoom.provision import Provisioner, links_for_item
from bot.adapters.zoom.webhooks import ZoomWebhook
from bot.app.clock import SimulatedClock
from bot.app.ports.store import KeyValues as KeyValueStore
from bot.app.ports.store import SeenEvents
from bot.config.loader import parse_schedule
from bot.domain.grammar import parse
from bot.domain.identity import IdentityResolver
from tests.fakes.zoom_api import FakeZoom

HERE = Path(__file__).parent
CANARY = "CANARY-7f3e9a"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


async def test_provisioning_with_the_real_key_value_store(
    engine: AsyncEngine, fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    result = parse_schedule((HERE / "schedule_zoom.yaml").read_text(), "schedule_zoom.yaml")
    assert result.schedule is not None
    store: KeyValueStore = SqlKeyValues(engine)
    await Provisioner(result.schedule, store, make_client()).run()
    again = await Provisioner(result.schedule, SqlKeyValues(engine), make_client()).run()
    assert [o.action for o in again] == ["unchanged", "unchanged"]
    links = await links_for_item(store, "zoom-test", "session-2")
    assert links is not None and links.join_url and links.join_url.startswith("https://zoom.us/j/")


def _client(hook: ZoomWebhook) -> httpx.AsyncClient:
    app = Starlette(routes=[hook.route()])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zoom.test")


async def test_webhook_dedupe_with_the_real_intake_table(engine: AsyncEngine) -> None:
    seen: SeenEvents = InboundEvents(engine)
    clock = SimulatedClock(datetime(2022, 3, 7, 9, 5, tzinfo=UTC))
    presence = PresenceRegistry()
    hook = ZoomWebhook(SecretStr("s3cret"), seen, presence, IdentityResolver(), clock=clock)
    body = json.dumps({"event": "meeting.started", "event_ts": 1646643600000,
                       "payload": {"object": {"id": "1", "uuid": "u", "start_time": "2022-03-07T09:00:00Z"}}}).encode()
    ts = str(int(clock.now().timestamp()))
    signature = "v0=" + hmac.new(b"s3cret", f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"x-zm-request-timestamp": ts, "x-zm-signature": signature, "content-type": "application/json"}
    async with _client(hook) as client:
        first = await client.post("/zoom/webhook", content=body, headers=headers)
        second = await client.post("/zoom/webhook", content=body, headers=headers)
    assert (first.json()["status"], second.json()["status"]) == ("ok", "duplicate")
    assert presence.room("1").started_at == datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


async def test_no_secret_reaches_the_logs(
    fake_zoom: FakeZoom, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_zoom.client_secret = f"secret-{CANARY}"
    client = ZoomClient(fake_zoom.client_id, f"wrong-{CANARY}", fake_zoom.account_id,
                        base_uri=fake_zoom.api_url, oauth_uri=fake_zoom.oauth_url)
    with pytest.raises(ZoomAuthError) as caught:
        await client.list_meetings("me")
    good = ZoomClient(fake_zoom.client_id, f"secret-{CANARY}", fake_zoom.account_id,
                      base_uri=fake_zoom.api_url, oauth_uri=fake_zoom.oauth_url)
    await good.list_meetings("me")
    fake_zoom.expire_tokens()
    fake_zoom.fail_next(503, {"code": 503, "message": "busy"}, path="^/v2")
    await good.list_meetings("me")
    tokens = list(fake_zoom.tokens)
    hook = ZoomWebhook(SecretStr(f"hook-{CANARY}"), _NeverSeen(), PresenceRegistry(), IdentityResolver())
    async with _client(hook) as http:
        stale = {"x-zm-request-timestamp": "1", "x-zm-signature": "v0=0"}
        await http.post("/zoom/webhook", content=b"{}", headers=stale)
    captured = caplog.text + str(caught.value) + repr(good)
    assert CANARY not in captured
    assert all(token not in captured for token in tokens)


class _NeverSeen:
    async def seen_before(self, source: str, event_id: str, now: datetime) -> bool:
        return False


async def test_chat_requests_reach_the_engine_once_deduplicated_and_parsed_by_the_webhook(engine: AsyncEngine) -> None:
    from bot.adapters.zoom.runtime_bridge import RuntimeFloorRequests
    from bot.app.ports.chat import InboundEvent, InboundKind

    intake = InboundEvents(engine)
    handled: list[InboundEvent] = []

    async def engine_handle(event: InboundEvent) -> None:  # the dispatcher trusts the edge: no second dedupe
        handled.append(event)

    clock = SimulatedClock(datetime(2022, 3, 7, 9, 5, tzinfo=UTC))
    hook = ZoomWebhook(SecretStr("s3cret"), intake, PresenceRegistry(), IdentityResolver(),
                       RuntimeFloorRequests(engine_handle), clock=clock)
    body = json.dumps({"event": "meeting.chat_message_sent", "event_ts": 1646644000000, "payload": {"object": {
        "id": "81234567890", "uuid": "inst==", "chat_message": {
            "date_time": "2022-03-07T09:03:00Z", "sender_name": "Ana", "sender_email": "Ana@Example.org",
            "message_id": "m-1", "message_content": "q+ to ask about remedy"}}}}).encode()
    ts = str(int(clock.now().timestamp()))
    signature = "v0=" + hmac.new(b"s3cret", f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"x-zm-request-timestamp": ts, "x-zm-signature": signature}
    async with _client(hook) as client:
        statuses = [(await client.post("/zoom/webhook", content=body, headers=headers)).json()["status"]
                    for _ in range(2)]
    assert statuses == ["ok", "duplicate"]
    [event] = handled
    assert (event.source, event.kind, event.text) == ("zoom", InboundKind.MESSAGE, "q+ to ask about remedy")
    assert event.command == parse("q+ to ask about remedy")  # the webhook's parse travels on the event
    assert event.email == "Ana@Example.org" and event.user_id == "" and event.display_name == "Ana"
    assert event.extra["meeting_id"] == "81234567890"


async def test_a_delivery_recorded_but_never_handled_is_handled_on_the_next_start(engine: AsyncEngine) -> None:
    """The process died between recording a chat request and answering Zoom: Zoom's retry would be taken for a
    duplicate, so the next start handles it from the inbox, once; a delivery handled normally is done."""
    from bot.adapters.zoom.runtime_bridge import RuntimeFloorRequests
    from bot.adapters.zoom.webhooks import DELIVERY_SOURCE, delivery_key
    from bot.app.ports.chat import InboundEvent

    intake = InboundEvents(engine)
    handled: list[InboundEvent] = []

    async def engine_handle(event: InboundEvent) -> None:
        handled.append(event)

    clock = SimulatedClock(datetime(2022, 3, 7, 9, 5, tzinfo=UTC))
    event = {"event": "meeting.chat_message_sent", "event_ts": 1646644000000, "payload": {"object": {
        "id": "81234567890", "uuid": "inst==", "chat_message": {
            "date_time": "2022-03-07T09:03:00Z", "sender_name": "Ana", "sender_email": "ana@example.org",
            "message_id": "m-9", "message_content": "main"}}}}
    body = json.dumps(event).encode()
    key = delivery_key(event, body)
    assert await intake.record(DELIVERY_SOURCE, key, event, clock.now())  # what the dead process got to do
    hook = ZoomWebhook(SecretStr("s3cret"), intake, PresenceRegistry(), IdentityResolver(),
                       RuntimeFloorRequests(engine_handle), clock=clock)
    assert await hook.resume() == 1
    assert [(e.event_id, e.text) for e in handled] == [(key, "main")]
    assert await intake.unfinished(DELIVERY_SOURCE) == []
    assert await hook.resume() == 0, "once"
