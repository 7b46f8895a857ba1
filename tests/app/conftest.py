"""The application layer on the real store (SQLite): a rig that plays the edge (it parses the grammar once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.store.audit import SqlAuditLog
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import InboundEvent, InboundKind, MessageRef
from bot.app.runtime import EventRuntime
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.grammar import Command, parse, parse_floor
from bot.rehearsal.recording import RecordingChat
from bot.wiring import build_runtime, open_store
from tests.conftest import ROOT

ZONE = ZoneInfo("Europe/Zurich")


def reference_schedule() -> Schedule:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    """The reference event (a module may override it with a variant)."""
    return reference_schedule()


def edge_command(kind: InboundKind, text: str) -> Command | None:
    """What a surface puts on the event: the chat grammar, parsed once."""
    if kind is InboundKind.MESSAGE:
        return parse(text)
    if kind is InboundKind.COMMAND:
        return parse_floor(text)
    return None


@dataclass
class Rig:
    runtime: EventRuntime
    chat: RecordingChat
    clock: SimulatedClock
    timers: SimulatedTimers
    audit: SqlAuditLog
    n: int = 0

    async def say(self, user: str, text: str, *, kind: InboundKind = InboundKind.MESSAGE, lang: str | None = None,
                  name: str = "", ref: MessageRef | None = None, event_id: str | None = None) -> None:
        self.n += 1
        await self.runtime.handle(InboundEvent(
            "web", event_id or f"e{self.n}", kind, user, self.clock.now(), text, display_name=name or user,
            language=lang, ref=ref, extra={"group": "civil-society"}, command=edge_command(kind, text),
        ))

    def private(self, user: str) -> list[str]:
        return self.chat.texts(op="private", user_id=user)


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    schedule = reference_schedule()
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZONE))
    chat = RecordingChat()
    timers = SimulatedTimers()
    runtime = build_runtime(schedule, chat, store, clock, timers, translator=None, publish_board=False)
    runtime.current = "session-1"
    try:
        yield Rig(runtime, chat, clock, timers, store.audit)
    finally:
        await store.close()
