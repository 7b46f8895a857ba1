"""Doubles of the Zoom side's ports (bot.app.ports.meetings)."""

from __future__ import annotations

from bot.app.ports.meetings import Reply, ZoomFloorCommand


class RecordingFloorRequests:
    """FloorRequests that records what it was given and answers with a fixed reply."""

    def __init__(self, reply: Reply | None = None) -> None:
        self.received: list[ZoomFloorCommand] = []
        self.reply = reply

    async def submit(self, request: ZoomFloorCommand) -> Reply | None:
        self.received.append(request)
        return self.reply
