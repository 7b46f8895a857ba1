"""A request typed in Zoom chat takes its place by Zoom's own time (mapped to agenda time), never after it
reached the bot: a late webhook keeps its place, a far-future stamp counts as the receipt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.adapters.zoom.runtime_bridge import RuntimeFloorRequests
from bot.app.ports.chat import InboundEvent
from bot.app.ports.meetings import ZoomFloorCommand
from bot.domain.agenda.timemap import TimeMap
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import Command, Verb

WALL = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
AGENDA = datetime(2022, 3, 7, 9, 52, tzinfo=UTC)  # the event runs on its own agenda clock


def typed(at: datetime) -> ZoomFloorCommand:
    return ZoomFloorCommand(Command(Verb.REQUEST, RequestKind.NEW), "ana", "Ana", None, "es", "111", "uuid",
                            at, f"zoom:{at.isoformat()}", "mano")


async def test_zoom_time_orders_the_request_on_the_agenda_clock() -> None:
    seen: list[InboundEvent] = []

    async def handle(event: InboundEvent) -> None:
        seen.append(event)

    timemap = TimeMap(AGENDA, WALL, speed=2.0)
    received = timemap.to_agenda(WALL + timedelta(seconds=60))
    bridge = RuntimeFloorRequests(handle, now=lambda: received, to_agenda=timemap.to_agenda)
    await bridge.submit(typed(WALL + timedelta(seconds=30)))  # delivered 30 s (wall) late
    await bridge.submit(typed(WALL + timedelta(days=2)))  # a stamp far ahead
    assert [e.at for e in seen] == [AGENDA + timedelta(seconds=60), received]
