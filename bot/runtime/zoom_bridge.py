"""Requests for the floor typed in Zoom's meeting chat join the same list as Slack's and the console's."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.port import InboundEvent, InboundKind
from bot.meetings.ports import Reply, ZoomFloorCommand
from bot.runtime.engine import Engine


@dataclass
class EngineZoomFloor:
    """The Zoom webhook's `FloorRequests`: hands the parsed command to the engine (already deduplicated by
    the webhook's delivery key). The engine answers the person where it can reach them (Slack or the
    console); Zoom's API cannot write into the meeting's chat."""

    engine: Engine

    async def submit(self, request: ZoomFloorCommand) -> Reply | None:
        user_id = request.user_id or (f"email:{request.email}" if request.email else request.person)
        event = InboundEvent(
            "zoom", request.event_id, InboundKind.MESSAGE, user_id, request.at, request.text,
            display_name=request.name, email=request.email, language=request.language,
        )
        participant = await self.engine.people.sighting(event, self.engine.clock.now())
        await self.engine.run(request.command, event, participant)
        return None
