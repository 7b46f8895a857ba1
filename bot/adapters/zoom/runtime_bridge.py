"""Zoom chat requests into the runtime: convert at the edge, dispatch once.

`RuntimeFloorRequests` is the `FloorRequests` the live app gives `ZoomWebhook`: it turns a chat-grammar
command typed in Zoom into the platform-neutral `InboundEvent` (source "zoom") and hands it to the one
inbound handler (`bot.app.runtime.EventRuntime.handle`), which applies it to the running discussion's list
(FloorService: serialised, authorised, audited) and answers the person itself. So it returns no reply of
its own, and the webhook should then be built without a notifier. The webhook has already verified,
deduplicated and parsed the delivery: the event carries the webhook's `Command`, never parsed again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.app.places import made_at
from bot.app.ports.chat import InboundEvent, InboundHandler, InboundKind
from bot.app.ports.meetings import Reply, ZoomFloorCommand


def to_inbound_event(request: ZoomFloorCommand, at: datetime | None = None) -> InboundEvent:
    """`at`: when the request was made on the floor's clock (default: Zoom's own time, as is)."""
    return InboundEvent(
        source=request.source,
        event_id=request.event_id,
        kind=InboundKind.MESSAGE,
        user_id=request.user_id or "",  # empty: the person is known by email only
        at=at or request.at,
        text=request.text,
        display_name=request.name,
        email=request.email,
        language=request.language,
        extra={"meeting_id": request.meeting_id, "meeting_uuid": request.meeting_uuid},
        command=request.command,
    )


class RuntimeFloorRequests:
    """FloorRequests backed by the runtime's single inbound entry point."""

    def __init__(self, handle: InboundHandler, *, now: Callable[[], datetime] | None = None,
                 to_agenda: Callable[[datetime], datetime] = lambda wall: wall) -> None:
        self._handle = handle
        self._now = now
        self._to_agenda = to_agenda  # Zoom's timestamps are wall time; the floor runs on agenda time

    async def submit(self, request: ZoomFloorCommand) -> Reply | None:
        # Zoom's event_ts orders the request, never after its receipt (see bot.app.places.made_at).
        at = made_at(self._to_agenda(request.at), self._now()) if self._now is not None else None
        await self._handle(to_inbound_event(request, at))
        return None
