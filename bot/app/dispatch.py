"""Dispatch: every inbound event, from any surface, to its use case — a command, the relay, a deletion.

The edge has already done what must be done once: deduplicated the delivery, taken the event's place in
its channel's order and parsed the grammar (`event.command`). Here the event only finds its use case.
An event that arrives without a place (a rehearsal's simulated attendee, a test) takes one now, before
any await, so it keeps arrival order too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.app.commands import Commands
from bot.app.context import EventContext
from bot.app.discussion import Discussions
from bot.app.places import FLOOR_STAGE, Places
from bot.app.ports.chat import CAUSE, InboundEvent, InboundKind
from bot.app.relay import Relay

log = logging.getLogger(__name__)

@dataclass
class Dispatch:
    ctx: EventContext
    commands: Commands
    relay: Relay
    discussions: Discussions
    places: Places

    async def handle(self, event: InboundEvent) -> None:
        """The one entry point of every surface."""
        place = event.place or self.places.take(event.source, event.channel_key)
        event = replace(event, place=place)
        place.arrive()
        cause = CAUSE.set(f"{event.source}:{event.event_id}")  # what the posts made for this event are keyed by
        try:
            if event.command is None:
                place.release(FLOOR_STAGE)  # plain chat: later requests of the channel need not wait for it
            else:
                for lang in self.ctx.languages:  # a command is never copied: later copies need not wait for it
                    place.release(lang)
            await self._handle(event)
        finally:
            CAUSE.reset(cause)
            place.release_all()

    async def _handle(self, event: InboundEvent) -> None:
        participant = await self.ctx.people.sighting(event, self.ctx.clock.now())
        command = event.command
        if event.kind in (InboundKind.MESSAGE, InboundKind.COMMAND, InboundKind.ACTION):
            if command is not None:
                await self.commands.run(command, event, participant)
            elif event.kind is InboundKind.MESSAGE:
                await self.relay.relay(event, participant)
            elif event.kind is InboundKind.COMMAND:
                await self.commands.effects.replies.reply(participant.person, event, "runtime.unknown_command",
                                                          text=event.text[:80])
        elif event.kind is InboundKind.REACTION:
            # The surface knows which of its reactions mean "I request the floor"; it counts on its post.
            if command is not None and self.discussions.is_floor_post(event.ref):
                await self.commands.run(command, event, participant)
        elif event.kind is InboundKind.EDIT and event.ref is not None:
            await self.relay.relay(event, participant, edit=True)
        elif event.kind is InboundKind.DELETE and event.ref is not None:
            await self.relay.delete(event.ref)
