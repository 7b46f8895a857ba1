"""Slack fixtures: the fake Web API, the real bolt app served by uvicorn, and Slack-style signed requests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.routing import Route

from bot.adapters.slack.runtime import SlackRuntime, build_slack
from bot.app.clock import Clock, SimulatedClock
from bot.app.ports.board import BoardEntry, BoardPerson, BoardView
from bot.app.ports.chat import InboundEvent
from bot.app.ports.store import Inbox as DurableInbox
from bot.app.ports.store import KeyValues, PostJournal
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.testing.memory import MemoryKeyValues
from bot.testing.memory import MemorySeenEvents as MemoryDedupe
from bot.testing.timing import VirtualWaits
from tests.fakes.slack_api import FakeSlack, FakeSlackServer

SECRET = "test-signing-secret-0123456789"
TOKEN = "xoxb-test-token"

SCHEDULE: dict[str, Any] = {
    "event": {
        "id": "ungp-tech-2022",
        "title": {"en": "UNGPs and technology", "fr": "Les Principes directeurs et la technologie",
                  "es": "Los Principios Rectores y la tecnología"},
        "timezone": "Europe/Zurich", "timezone_label": "CET", "languages": ["en", "fr", "es"],
        "organizers": ["lene"],
    },
    "chat": {"mode": "mirror", "channels": {"en": "CEN", "fr": "CFR", "es": "CES"}, "chairs_channel": "CCHAIRS"},
    "people": {
        "lene": {"name": "Lene Wendland", "group": "un", "slack": "ULENE", "language": "en"},
        "peggy": {"name": "Peggy Hicks", "group": "un", "email": "peggy@ohchr.example", "language": "en"},
    },
    "days": [{"date": "2022-03-07", "items": [
        {"id": "session-1", "kind": "session", "start": "10:00", "end": "12:00", "chair": "lene",
         "title": {"en": "Session 1: the State duty to protect", "fr": "Séance 1 : l'obligation de protéger",
                   "es": "Sesión 1: el deber del Estado de proteger"}},
        {"id": "lunch-1", "kind": "break", "start": "12:00", "end": "15:00"},
    ]}],
}


def make_schedule(**chat: Any) -> Schedule:
    data = json.loads(json.dumps(SCHEDULE))
    data["chat"].update(chat)
    return Schedule.model_validate(data)


@dataclass
class Inbox:
    """The dispatcher stand-in: records InboundEvents; an optional `react` coroutine acts on each."""

    events: list[InboundEvent] = field(default_factory=list)
    react: Callable[[InboundEvent], Any] | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, event: InboundEvent) -> None:
        self.events.append(event)
        if self.react is not None:
            await self.react(event)
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, count: int) -> list[InboundEvent]:
        async with asyncio.timeout(10), self._changed:
            await self._changed.wait_for(lambda: len(self.events) >= count)
        return self.events


def signed(body: str, *, secret: str = SECRET, timestamp: int | None = None,
           content_type: str = "application/json") -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}


def event_body(event: dict[str, Any], event_id: str) -> str:
    return json.dumps({
        "token": "legacy", "team_id": "T0FAKE", "api_app_id": "A0FLOOR", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": "T0FAKE", "user_id": "UBOT", "is_bot": True}],
    })


def command_body(text: str, *, user: str = "UANA", channel: str = "CEN", trigger: str = "trig-1") -> str:
    return urlencode({"token": "legacy", "team_id": "T0FAKE", "channel_id": channel, "user_id": user,
                      "command": "/floor", "text": text, "trigger_id": trigger,
                      "response_url": "https://hooks.slack.test/commands/1", "api_app_id": "A0FLOOR"})


def action_body(action_id: str, value: str, *, user: str = "ULENE", trigger: str = "trig-a1") -> str:
    payload = {
        "type": "block_actions", "team": {"id": "T0FAKE"}, "user": {"id": user}, "api_app_id": "A0FLOOR",
        "trigger_id": trigger, "channel": {"id": "CCHAIRS"},
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": "CCHAIRS"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "action_ts": "1700000001.000100"}],
    }
    return urlencode({"payload": json.dumps(payload)})


@dataclass
class SlackRig:
    fake: FakeSlack
    slack: SlackRuntime
    inbox: Inbox
    time: VirtualWaits
    url: str
    http: httpx.AsyncClient
    dedupe: DurableInbox

    async def send(self, body: str, headers: dict[str, str] | None = None, **sign: Any) -> httpx.Response:
        return await self.http.post(f"{self.url}/slack/events", content=body,
                                    headers=headers if headers is not None else signed(body, **sign))

    async def event(self, event: dict[str, Any], event_id: str, **extra_headers: str) -> httpx.Response:
        body = event_body(event, event_id)
        return await self.send(body, {**signed(body), **extra_headers})

    async def settle(self) -> None:
        # bolt starts its listener as a task just before answering: let such tasks take their first step.
        await self.time.settle()
        await self.slack.intake.drain()
        await self.slack.outbox.drain()


@contextlib.asynccontextmanager
async def serve(routes: list[Route]) -> AsyncIterator[str]:
    """Serve routes with uvicorn on an ephemeral port; the socket is bound before serving, so no waiting."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=routes), log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def add_people(fake: FakeSlack) -> None:
    fake.add_user("ULENE", "Lene Wendland", email="lene@ohchr.example", locale="en-GB")
    fake.add_user("UPEGGY", "Peggy Hicks", email="peggy@ohchr.example", tz="America/New_York")
    fake.add_user("UANA", "Ana García", email="ana@example.org", tz="America/Bogota", locale="es-LA")
    fake.add_user("UJULES", "Jules Martin", email="jules@example.org", locale="fr-FR")
    fake.add_user("UEVE", "Eve <!channel>", email="eve@example.org")
    fake.add_user("UOTHERBOT", "Some bot", is_bot=True)


@contextlib.asynccontextmanager
async def slack_rig(schedule: Schedule | None = None, *, instant: bool = True,
                    app_token: str | None = None, dedupe: DurableInbox | None = None,
                    kv: KeyValues | None = None, clock: Clock | None = None, journal: PostJournal | None = None,
                    owner: str = "test") -> AsyncIterator[SlackRig]:
    vt = VirtualWaits(instant=instant)
    async with FakeSlackServer(FakeSlack(clock=vt.now)) as fake:
        add_people(fake)
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url, slack_app_token=app_token)
        inbox = Inbox()
        dedupe = dedupe or MemoryDedupe()
        slack = build_slack(settings, schedule or make_schedule(), inbox=dedupe, kv=kv or MemoryKeyValues(),
                            clock=clock or SimulatedClock(datetime(2022, 3, 7, 9, 0, tzinfo=UTC)), waits=vt,
                            journal=journal, owner=owner)
        slack.intake.handler = inbox.handle
        async with serve(slack.routes()) as url, httpx.AsyncClient(timeout=10) as http:
            try:
                yield SlackRig(fake, slack, inbox, vt, url, http, dedupe)
            finally:
                for gate in fake._held.values():  # a failed test must not leave requests hanging
                    gate.set()
                await slack.aclose()


@pytest.fixture
async def rig() -> AsyncIterator[SlackRig]:
    async with slack_rig() as r:
        yield r


def board_view(*names: str, discussion: str = "session-1", note: str | None = None) -> BoardView:
    """A chairs' board with these people waiting (what the dispatcher hands `show_board`)."""
    entries = tuple(BoardEntry(i, BoardPerson(name, "business", {"en": "Business", "fr": "Entreprises"}, "fr"),
                               "new", note) for i, name in enumerate(names, start=1))
    return BoardView(discussion, {"en": "Session 1", "fr": "Séance 1"}, "Europe/Zurich", True, None, entries,
                     languages=("en", "fr", "es"))
