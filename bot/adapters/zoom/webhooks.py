"""Zoom webhooks: `POST /zoom/webhook`, signed, deduplicated, turned into presence and floor requests.

Every request must carry ``x-zm-signature = "v0=" + hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))``
with ``x-zm-request-timestamp`` within 300 s of our clock; the HMAC is computed over the raw bytes as
received (never a re-serialised JSON) and compared in constant time. With no secret configured every
request is refused. ``endpoint.url_validation`` is answered exactly as Zoom expects. A webinar's events
(``webinar.started``, ``webinar.participant_joined``, ``webinar.chat_message_sent``...) carry the same
payload as a meeting's and are handled alike.

Zoom retries a delivery it thinks failed (about +5, +20 and +60 minutes) with a new timestamp and
signature but the same body, so redeliveries are recognised by a key derived from the body: the event
name, its ``event_ts`` (milliseconds), the meeting instance (``object.uuid``, else ``object.id``) and the
sub-object the event is about (the participant's session, or the chat message id). Two different
participants joining in the same millisecond differ by participant; a rejoin differs by time; a recurring
meeting's instances differ by uuid. A body without ``event_ts`` falls back to a hash of the raw body.
A delivery whose processing failed answers 500 and is processed again when Zoom retries it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.adapters.zoom.presence import PresenceRegistry
from bot.adapters.zoom.times import zoom_time
from bot.app.clock import Clock, SystemClock
from bot.app.ports.meetings import FloorRequests, Notifier, Reply, ZoomFloorCommand
from bot.app.ports.store import Inbox
from bot.config.model import Schedule
from bot.domain.grammar import parse
from bot.domain.identity import IdentityResolver
from bot.i18n.catalog import CatalogError, render

log = logging.getLogger(__name__)

SOURCE = "zoom"
# The one dedupe of a Zoom delivery (the dispatcher does not dedupe again). The name is kept as it was so
# that deliveries recorded before an upgrade are still recognised.
DELIVERY_SOURCE = "zoom.webhook"
TOLERANCE = timedelta(seconds=300)
MAX_BODY_BYTES = 256 * 1024  # Zoom's events are a few kilobytes
MAX_KEY_LENGTH = 200  # the store's event id column

URL_VALIDATION = "endpoint.url_validation"
PARTICIPANT_JOINED = "meeting.participant_joined"
PARTICIPANT_LEFT = "meeting.participant_left"
MEETING_STARTED = "meeting.started"
MEETING_ENDED = "meeting.ended"
CHAT_MESSAGE_SENT = "meeting.chat_message_sent"
# A webinar's events are a meeting's under another prefix, with the same payload: handled alike.
WEBINAR_PREFIX = "webinar."
MEETING_PREFIX = "meeting."


def meeting_event(name: str) -> str:
    """The meeting event a webinar event corresponds to (`webinar.participant_joined` -> meeting.*)."""
    if name.startswith(WEBINAR_PREFIX):
        return MEETING_PREFIX + name.removeprefix(WEBINAR_PREFIX)
    return name

JSON = dict[str, Any]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The x-zm-signature Zoom sends for this body at this timestamp."""
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def url_validation_answer(secret: str, plain_token: str) -> dict[str, str]:
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


def _timestamp_seconds(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number / 1000 if number > 1e11 else number  # tolerate milliseconds


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: datetime,
           tolerance: timedelta = TOLERANCE) -> str | None:
    """Why the request is not authentic, or None when it is."""
    timestamp = headers.get("x-zm-request-timestamp", "")
    signature = headers.get("x-zm-signature", "")
    if not timestamp or not signature:
        return "unsigned"
    seconds = _timestamp_seconds(timestamp)
    if seconds is None:
        return "bad timestamp"
    if abs(now.timestamp() - seconds) > tolerance.total_seconds():
        return "stale timestamp"
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode()):
        return "bad signature"
    return None


def _object(parent: JSON, name: str) -> JSON:
    child = parent.get(name)
    return child if isinstance(child, dict) else {}


def delivery_key(event: JSON, raw: bytes) -> str:
    """A key that is the same for every redelivery of one event and differs between events."""
    name = str(event.get("event", ""))
    event_ts = event.get("event_ts")
    if event_ts is None:
        return f"{name}:sha256:{hashlib.sha256(raw).hexdigest()}"[:MAX_KEY_LENGTH]
    obj = _object(_object(event, "payload"), "object")
    instance = obj.get("uuid") or obj.get("id") or ""
    participant = _object(obj, "participant")
    chat = _object(obj, "chat_message")
    subject = (
        participant.get("participant_uuid") or participant.get("user_id") or participant.get("id")
        or chat.get("message_id") or ""
    )
    key = f"{name}:{event_ts}:{instance}:{subject}"
    if len(key) > MAX_KEY_LENGTH:
        key = f"{name}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


@dataclass
class ZoomWebhook:
    """Handles Zoom's webhook requests. Build one per app and mount `route()`."""

    secret: SecretStr | None
    seen: Inbox  # the durable inbox: a delivery is recorded before it is handled, done once handled
    presence: PresenceRegistry
    identity: IdentityResolver
    floor: FloorRequests | None = None
    notifier: Notifier | None = None
    schedule: Schedule | None = None
    clock: Clock = field(default_factory=SystemClock)
    tolerance: timedelta = TOLERANCE
    # Optional hooks for the conductor: a meeting started or ended (meeting id, at).
    on_meeting: Callable[[str, str, datetime], Awaitable[None]] | None = None
    _failed: set[str] = field(default_factory=set)

    def route(self, path: str = "/zoom/webhook") -> Route:
        return Route(path, self.endpoint, methods=["POST"])

    async def endpoint(self, request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return JSONResponse({"error": "body too large"}, status_code=413)
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return JSONResponse({"error": "body too large"}, status_code=413)
        if self.secret is None or not self.secret.get_secret_value():
            return JSONResponse({"error": "Zoom webhooks are not configured"}, status_code=401)
        problem = verify(self.secret.get_secret_value(), request.headers, raw, self.clock.now(), self.tolerance)
        if problem:
            log.warning("Zoom webhook refused: %s", problem)
            return JSONResponse({"error": problem}, status_code=401)
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return JSONResponse({"error": "the body is not valid JSON"}, status_code=400)
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            return JSONResponse({"error": "expected a JSON object with an \"event\" name"}, status_code=400)
        name = event["event"]
        payload = event.get("payload")
        if payload is not None and not isinstance(payload, dict):
            return JSONResponse({"error": "\"payload\" must be an object"}, status_code=400)
        if name == URL_VALIDATION:
            plain = (payload or {}).get("plainToken")
            if not isinstance(plain, str) or not plain:
                return JSONResponse({"error": "url_validation without a plainToken"}, status_code=400)
            return JSONResponse(url_validation_answer(self.secret.get_secret_value(), plain))
        key = delivery_key(event, raw)
        # Recorded before it is handled: a crash before the answer leaves it to the next start (`resume`).
        if not await self.seen.record(DELIVERY_SOURCE, key, event, self.clock.now()) and key not in self._failed:
            return JSONResponse({"status": "duplicate"})
        try:
            handled, background = await self._dispatch(name, payload or {}, key, event)
        except Exception:
            log.exception("Zoom webhook %s failed; Zoom will retry it", name)
            self._failed.add(key)
            return JSONResponse({"error": "processing failed"}, status_code=500)
        self._failed.discard(key)
        await self.seen.done(DELIVERY_SOURCE, key, self.clock.now())
        return JSONResponse({"status": "ok" if handled else "ignored"}, background=background)

    async def resume(self) -> int:
        """On start: handle the deliveries recorded and never handled (the process died meanwhile; Zoom's retry
        would be taken for a duplicate). Returns how many."""
        unfinished = await self.seen.unfinished(DELIVERY_SOURCE)
        for key, event in unfinished:
            payload = event.get("payload")
            try:
                _, background = await self._dispatch(str(event.get("event", "")),
                                                      payload if isinstance(payload, dict) else {}, key, event)
                if background is not None:
                    await background()
            except Exception:
                log.exception("Zoom delivery %s failed again after a restart", key)
            await self.seen.done(DELIVERY_SOURCE, key, self.clock.now())
        return len(unfinished)

    async def _dispatch(self, name: str, payload: JSON, key: str,
                        event: JSON) -> tuple[bool, BackgroundTask | None]:
        obj = payload.get("object") if isinstance(payload.get("object"), dict) else None
        if obj is None:
            return False, None
        name = meeting_event(name)
        meeting_id = str(obj.get("id", ""))
        fallback_at = self._event_time(event)
        if name in (MEETING_STARTED, MEETING_ENDED):
            room = self.presence.room(meeting_id)
            if name == MEETING_STARTED:
                room.started(zoom_time(obj.get("start_time")) or fallback_at)
            else:
                room.ended(zoom_time(obj.get("end_time")) or fallback_at)
            if self.on_meeting:
                await self.on_meeting(name, meeting_id, fallback_at)
            return True, None
        if name in (PARTICIPANT_JOINED, PARTICIPANT_LEFT):
            participant = obj.get("participant")
            if not isinstance(participant, dict):
                return False, None
            person = self._person_of(participant)
            session = str(participant.get("participant_uuid") or participant.get("user_id") or person)
            display = str(participant.get("user_name") or "")
            room = self.presence.room(meeting_id)
            if name == PARTICIPANT_JOINED:
                room.joined(person, display, session, zoom_time(participant.get("join_time")) or fallback_at)
            else:
                room.left(person, display, session, zoom_time(participant.get("leave_time")) or fallback_at)
            return True, None
        if name == CHAT_MESSAGE_SENT:
            chat = obj.get("chat_message")
            if not isinstance(chat, dict):
                return False, None
            return await self._chat(meeting_id, str(obj.get("uuid", "")), chat, key, fallback_at)
        return False, None

    def _event_time(self, event: JSON) -> datetime:
        event_ts = event.get("event_ts")
        if isinstance(event_ts, int | float) and not isinstance(event_ts, bool):
            return datetime.fromtimestamp(event_ts / 1000, UTC)
        return self.clock.now()

    def _person_of(self, participant: JSON) -> str:
        """The canonical person key of a participant: their Zoom user, registration, or this session."""
        email = participant.get("email") or None
        user_id = (
            participant.get("id")
            or (f"registrant-{participant['registrant_id']}" if participant.get("registrant_id") else None)
            or participant.get("participant_uuid")
            or participant.get("user_id")
        )
        return self.identity.resolve(
            SOURCE, str(user_id) if user_id else None, str(email) if email else None,
            str(participant.get("user_name") or ""),
        )

    def _language_of(self, person: str) -> str:
        if self.schedule is None:
            return "en"
        known = self.schedule.people.get(person)
        return known.language if known else self.schedule.event.languages[0]

    async def _chat(self, meeting_id: str, meeting_uuid: str, chat: JSON, key: str,
                    fallback_at: datetime) -> tuple[bool, BackgroundTask | None]:
        text = str(chat.get("message_content") or chat.get("message") or "")
        command = parse(text)
        if command is None:
            return False, None  # ordinary chat
        name = str(chat.get("sender_name") or "")
        email = str(chat.get("sender_email") or "") or None
        user_id: str | None = None
        if email:
            person = self.identity.resolve(SOURCE, None, email, name)
        else:
            # Without an email, the one participant present under that name (chat carries no user id
            # that join events share); failing that, a key of its own for this sender.
            named = self.presence.room(meeting_id).present_named(name) if name else None
            user_id = f"chat-{chat.get('sender_session_id') or name or 'unknown'}"
            person = named or self.identity.resolve(SOURCE, user_id, None, name)
            if named and named.startswith(f"{SOURCE}:"):
                user_id = named.removeprefix(f"{SOURCE}:")
        language = self._language_of(self.identity.canonical(person))
        at = zoom_time(chat.get("date_time")) or fallback_at
        reply: Reply | None
        if command.is_chair:
            # Chairs act from Slack or the console, where their identity is signed; Zoom chat is not.
            reply = Reply("zoom.chat.chair_elsewhere")
        elif self.floor is None:
            reply = None
        else:
            reply = await self.floor.submit(ZoomFloorCommand(
                command=command, person=person, name=name, email=email, language=language,
                meeting_id=meeting_id, meeting_uuid=meeting_uuid, at=at, event_id=key, text=text,
                user_id=user_id,
            ))
        if self.notifier is None:
            return True, None
        message = self._render(reply, language)
        return True, BackgroundTask(self._notify, person, email, message, meeting_id)

    def _render(self, reply: Reply | None, language: str) -> str:
        if reply is not None:
            try:
                return render(reply.key, language, **dict(reply.values))
            except CatalogError:
                log.error("no message %r for a Zoom chat reply; sending the generic one", reply.key)
        return render("zoom.chat.received", language)

    async def _notify(self, person: str, email: str | None, text: str, meeting_id: str) -> None:
        assert self.notifier is not None
        try:
            await self.notifier.notify(person, email, text, meeting_id=meeting_id)
        except Exception:
            log.exception("could not tell %s about their Zoom chat request", person)

