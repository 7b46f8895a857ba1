"""Zoom webhooks over real HTTP: a uvicorn server on an ephemeral port, requests signed as Zoom does."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from starlette.applications import Starlette

from bot.adapters.zoom.presence import PresenceRegistry
from bot.adapters.zoom.webhooks import ZoomWebhook, delivery_key, sign, verify
from bot.app.clock import SimulatedClock
from bot.app.ports.meetings import Reply
from bot.config.loader import parse_schedule
from bot.config.model import Schedule
from bot.domain.grammar import Verb
from bot.domain.identity import IdentityResolver
from bot.testing.memory import MemorySeenEvents
from tests.doubles.meetings import RecordingFloorRequests

SECRET = "zoom-webhook-secret-CANARY"
NOW = datetime(2022, 3, 7, 9, 5, tzinfo=UTC)
HERE = Path(__file__).parent


def schedule() -> Schedule:
    text = (HERE / "schedule_zoom.yaml").read_text().replace(
        "chair-two: {name: Chair Two, group: un, email: chair.two@example.org}",
        "chair-two: {name: Chair Two, group: un, email: chair.two@example.org, language: fr}",
    )
    result = parse_schedule(text, "schedule_zoom.yaml")
    assert result.schedule is not None
    return result.schedule


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class WaitingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None, str, str]] = []
        self.arrived = asyncio.Event()

    async def notify(self, person: str, email: str | None, text: str, *, meeting_id: str) -> None:
        self.sent.append((person, email, text, meeting_id))
        self.arrived.set()


class FailingOnce(RecordingFloorRequests):
    def __init__(self) -> None:
        super().__init__(Reply("zoom.chat.received"))
        self.failed = False

    async def submit(self, request: Any) -> Reply | None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("database is down")
        return await super().submit(request)


@dataclass
class Harness:
    url: str
    http: httpx.AsyncClient
    hook: ZoomWebhook
    seen: MemorySeenEvents
    presence: PresenceRegistry
    identity: IdentityResolver
    floor: RecordingFloorRequests
    notifier: WaitingNotifier
    clock: SimulatedClock

    async def send(self, body: bytes | dict[str, Any], *, timestamp: int | None = None,
                   secret: str = SECRET, signature: str | None = None, signed: bool = True) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        ts = str(timestamp if timestamp is not None else int(self.clock.now().timestamp()))
        headers = {"content-type": "application/json"}
        if signed:
            digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
            headers["x-zm-request-timestamp"] = ts
            headers["x-zm-signature"] = signature or f"v0={digest}"
        return await self.http.post(self.url, content=raw, headers=headers)


async def _serve(hook: ZoomWebhook) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    app = Starlette(routes=[hook.route()])
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                    ws="none"))
    task = asyncio.create_task(server.serve())
    await asyncio.wait_for(server.ready.wait(), 10)
    port = server.servers[0].sockets[0].getsockname()[1]
    async with httpx.AsyncClient(timeout=10) as http:
        yield f"http://127.0.0.1:{port}/zoom/webhook", http
    server.should_exit = True
    await asyncio.wait_for(task, 10)




@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    people = schedule()
    identity = IdentityResolver(people.people)
    seen, presence = MemorySeenEvents(), PresenceRegistry(identity.canonical)
    floor, notifier, clock = RecordingFloorRequests(Reply("zoom.chat.received")), WaitingNotifier(), SimulatedClock(NOW)
    hook = ZoomWebhook(SecretStr(SECRET), seen, presence, identity, floor, notifier, people, clock)
    async for url, http in _serve(hook):
        yield Harness(url, http, hook, seen, presence, identity, floor, notifier, clock)


def joined(participant_uuid: str = "p-uuid-1", email: str = "chair.one@example.org", *, event_ts: int = 1646643900000,
           name: str = "Chair One", event: str = "meeting.participant_joined") -> dict[str, Any]:
    time_key = "join_time" if event.endswith("joined") else "leave_time"
    return {
        "event": event,
        "event_ts": event_ts,
        "payload": {
            "account_id": "acc",
            "object": {
                "id": "81234567890", "uuid": "inst-uuid==", "host_id": "h", "topic": "Session 1",
                "participant": {
                    "user_id": "16778240", "user_name": name, "id": "", "participant_uuid": participant_uuid,
                    time_key: "2022-03-07T09:01:00Z", "email": email,
                },
            },
        },
    }


def chat(text: str, *, email: str = "chair.two@example.org", message_id: str = "m-1") -> dict[str, Any]:
    return {
        "event": "meeting.chat_message_sent",
        "event_ts": 1646644000000,
        "payload": {
            "account_id": "acc",
            "object": {
                "id": "81234567890", "uuid": "inst-uuid==",
                "chat_message": {
                    "date_time": "2022-03-07T09:03:00Z", "sender_session_id": "s-9", "sender_name": "Chair Two",
                    "sender_email": email, "sender_type": "attendee", "recipient_type": "everyone",
                    "message_id": message_id, "message_content": text,
                },
            },
        },
    }


async def test_url_validation_is_answered_exactly(harness: Harness) -> None:
    response = await harness.send({"event": "endpoint.url_validation", "event_ts": 1,
                                   "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}})
    assert response.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


async def test_a_valid_join_makes_the_person_present(harness: Harness) -> None:
    response = await harness.send(joined())
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    # Matched by email to the schedule's person id: the same key Slack's U0CHAIR1 gives.
    assert harness.presence.present() == {"chair-one"}
    assert harness.identity.resolve("slack", "U0CHAIR1") == "chair-one"
    left = await harness.send(joined(event="meeting.participant_left", event_ts=1646647500000))
    assert left.status_code == 200
    assert harness.presence.present() == frozenset()


@pytest.mark.parametrize("case", ["unsigned", "stale", "future", "tampered", "wrong-secret", "garbage-signature"])
async def test_unauthentic_requests_are_refused_and_change_nothing(harness: Harness, case: str) -> None:
    body = json.dumps(joined()).encode()
    now = int(NOW.timestamp())
    if case == "unsigned":
        response = await harness.send(body, signed=False)
    elif case == "stale":
        response = await harness.send(body, timestamp=now - 301)
    elif case == "future":
        response = await harness.send(body, timestamp=now + 301)
    elif case == "tampered":
        good = hmac.new(SECRET.encode(), f"v0:{now}:".encode() + body, hashlib.sha256).hexdigest()
        tampered = body.replace(b"Chair One", b"Chair Onf")
        response = await harness.send(tampered, timestamp=now, signature=f"v0={good}")
    elif case == "wrong-secret":
        response = await harness.send(body, secret="not-the-secret")
    else:
        response = await harness.send(body, signature="v0=" + "0" * 64)
    assert response.status_code == 401
    assert SECRET not in response.text
    assert harness.presence.present() == frozenset() and harness.seen.seen == set()


async def test_a_timestamp_within_the_window_is_accepted(harness: Harness) -> None:
    response = await harness.send(joined(), timestamp=int(NOW.timestamp()) - 299)
    assert response.status_code == 200


async def test_without_a_secret_everything_is_refused() -> None:
    identity = IdentityResolver()
    hook = ZoomWebhook(None, MemorySeenEvents(), PresenceRegistry(), identity, clock=SimulatedClock(NOW))
    async for url, http in _serve(hook):
        raw = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "x"}}).encode()
        ts = str(int(NOW.timestamp()))
        digest = hmac.new(b"", f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
        response = await http.post(url, content=raw, headers={"x-zm-request-timestamp": ts,
                                                             "x-zm-signature": f"v0={digest}"})
        assert response.status_code == 401


async def test_redeliveries_are_processed_once(harness: Harness) -> None:
    first = await harness.send(joined())
    harness.clock.advance(timedelta(minutes=5))  # Zoom's first retry: new timestamp and signature
    again = await harness.send(joined())
    harness.clock.advance(timedelta(minutes=20))
    third = await harness.send(joined())
    assert [r.json()["status"] for r in (first, again, third)] == ["ok", "duplicate", "duplicate"]
    assert len(harness.presence.room("81234567890").stints()) == 1
    # A different participant joining in the same millisecond is a different event.
    other = await harness.send(joined("p-uuid-2", "ana@example.org", name="Ana"))
    assert other.json()["status"] == "ok"
    assert harness.presence.present() == {"chair-one", "email:ana@example.org"}


async def test_a_chat_request_goes_to_the_floor_with_source_zoom(harness: Harness) -> None:
    response = await harness.send(chat("main levée"))
    assert response.status_code == 200
    [request] = harness.floor.received
    assert request.command.verb is Verb.REQUEST
    assert request.person == "chair-two" and request.language == "fr" and request.source == "zoom"
    assert request.meeting_id == "81234567890" and request.at == datetime(2022, 3, 7, 9, 3, tzinfo=UTC)
    await asyncio.wait_for(harness.notifier.arrived.wait(), 5)
    [(person, email, text, meeting)] = harness.notifier.sent
    assert (person, email, meeting) == ("chair-two", "chair.two@example.org", "81234567890")
    assert text == "Floorbot a bien reçu votre demande envoyée dans le chat Zoom."
    duplicate = await harness.send(chat("main levée"))
    assert duplicate.json()["status"] == "duplicate" and len(harness.floor.received) == 1


async def test_ordinary_chat_is_not_a_request(harness: Harness) -> None:
    response = await harness.send(chat("I have a question about the main issue", message_id="m-2"))
    assert response.json()["status"] == "ignored"
    assert harness.floor.received == []


async def test_chair_verbs_from_zoom_chat_are_declined(harness: Harness) -> None:
    response = await harness.send(chat("/floor next", message_id="m-3"))
    assert response.status_code == 200
    assert harness.floor.received == []
    await asyncio.wait_for(harness.notifier.arrived.wait(), 5)
    assert "Slack" in harness.notifier.sent[0][2]


async def test_chat_without_email_is_matched_to_the_present_participant_by_name(harness: Harness) -> None:
    await harness.send(joined("p-uuid-7", "", name="Guest Seven"))
    body = chat("q+", email="", message_id="m-4")
    body["payload"]["object"]["chat_message"]["sender_name"] = "Guest Seven"
    await harness.send(body)
    [request] = harness.floor.received
    assert request.person in harness.presence.present()


async def test_unknown_events_are_acknowledged_and_ignored(harness: Harness) -> None:
    response = await harness.send({"event": "recording.completed", "event_ts": 5, "payload": {"object": {}}})
    assert response.status_code == 200 and response.json() == {"status": "ignored"}


MALFORMED = [b"{not json", b"[1, 2]", b'{"payload": {}}', b"\xff\xfe", b'{"event": "x", "payload": 3}']


@pytest.mark.parametrize("body", MALFORMED)
async def test_malformed_bodies_are_400_and_change_nothing(harness: Harness, body: bytes) -> None:
    response = await harness.send(body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert harness.seen.seen == set() and harness.presence.present() == frozenset()


async def test_a_failed_delivery_is_processed_when_zoom_retries() -> None:
    people = schedule()
    identity = IdentityResolver(people.people)
    floor = FailingOnce()
    clock = SimulatedClock(NOW)
    hook = ZoomWebhook(SecretStr(SECRET), MemorySeenEvents(), PresenceRegistry(), identity, floor, None, people, clock)
    async for url, http in _serve(hook):
        harness = Harness(url, http, hook, MemorySeenEvents(), PresenceRegistry(), identity, floor,
                          WaitingNotifier(), clock)
        failed = await harness.send(chat("hand"))
        assert failed.status_code == 500 and "database" not in failed.text
        clock.advance(timedelta(minutes=5))
        retried = await harness.send(chat("hand"))
        assert retried.status_code == 200 and len(floor.received) == 1
        clock.advance(timedelta(minutes=20))
        assert (await harness.send(chat("hand"))).json()["status"] == "duplicate"


def test_delivery_keys() -> None:
    a = joined()
    assert delivery_key(a, b"") == "meeting.participant_joined:1646643900000:inst-uuid==:p-uuid-1"
    assert delivery_key(joined("p-uuid-2"), b"") != delivery_key(a, b"")
    assert delivery_key(joined(event_ts=1646643900001), b"") != delivery_key(a, b"")
    assert delivery_key(chat("x"), b"").endswith(":m-1")
    without_ts = {"event": "meeting.started", "payload": {}}
    assert delivery_key(without_ts, b"abc") == delivery_key(without_ts, b"abc") != delivery_key(without_ts, b"abd")
    assert len(delivery_key({"event": "e", "event_ts": 1, "payload": {"object": {"uuid": "u" * 500}}}, b"")) <= 200


@given(st.binary(min_size=1, max_size=300), st.data())
def test_any_one_byte_change_breaks_the_signature(body: bytes, data: st.DataObject) -> None:
    ts = str(int(NOW.timestamp()))
    headers = {"x-zm-request-timestamp": ts, "x-zm-signature": sign(SECRET, ts, body)}
    assert verify(SECRET, headers, body, NOW) is None
    index = data.draw(st.integers(0, len(body) - 1))
    flipped = body[:index] + bytes([body[index] ^ data.draw(st.integers(1, 255))]) + body[index + 1:]
    assert verify(SECRET, headers, flipped, NOW) == "bad signature"
    assert verify(SECRET, headers, body, NOW + timedelta(seconds=301)) == "stale timestamp"
