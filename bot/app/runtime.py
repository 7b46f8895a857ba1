"""The bot's application layer behind one small façade: `EventRuntime(...)` builds the use cases and wires them.

Convert at the edge, dispatch once: Slack, Zoom, the web console and the rehearsal's simulated attendees
all hand an `InboundEvent` to `EventRuntime.handle` (bot/app/dispatch.py). A floor command is carried out by
bot/app/commands.py and its outcome becomes replies, announcements, timers and a refreshed board
(bot/app/effects.py); plain chat is translated and copied by bot/app/relay.py; the conductor's cues reach
the floor through `on_cue` (bot/app/discussion.py). Everything runs on agenda time (`clock`); only the
timers' scheduler sees wall time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.app.announcement import Announcer
from bot.app.booth_signals import BoothSignals
from bot.app.booths import Booths
from bot.app.clock import Clock
from bot.app.commands import Commands
from bot.app.context import EventContext
from bot.app.discussion import Discussions
from bot.app.dispatch import Dispatch
from bot.app.effects import Effects, FloorListener, Replies
from bot.app.floor import SYSTEM_ACTOR, Authorizer, FloorService, schedule_authorizer
from bot.app.people import People
from bot.app.places import Places
from bot.app.plan import LivePlan, PlanCommands
from bot.app.ports.chat import ChatPort, InboundEvent, MessageRef
from bot.app.ports.metrics import Meter, NoMeter
from bot.app.ports.store import AuditLog, KeyValues
from bot.app.ports.texts import Texts
from bot.app.relay import Relay
from bot.app.timers import Timers
from bot.app.translation.service import ChatTranslator
from bot.config.model import Item, Schedule, Text
from bot.domain.agenda.state import AgendaState
from bot.domain.agenda.timeline import plan as cues_of
from bot.domain.floor.events import Outcome
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import Participant
from bot.domain.grammar import Command

log = logging.getLogger(__name__)


class EventRuntime:
    """The use cases of one running event, built from its ports. See the module docstring."""

    def __init__(
        self,
        schedule: Schedule,
        chat: ChatPort,
        floor: FloorService,
        kv: KeyValues,
        clock: Clock,
        timers: Timers,
        texts: Texts,
        translator: ChatTranslator | None = None,
        audit: AuditLog | None = None,
        publish_board: bool = False,  # the surface shows one live board per discussion (Slack's chairs channel)
        present: Callable[[], frozenset[str] | None] = lambda: None,  # who is in the meeting (Zoom presence)
        places: Places | None = None,  # the sequencer of events that arrive without a place
        plan: LivePlan | None = None,  # the run of show with the chairs' changes (the planned cues alone if None)
        meter: Meter | None = None,
    ) -> None:
        self.meter = meter or NoMeter()
        self.schedule = schedule
        self.floor = floor
        self.kv = kv
        self.clock = clock
        self.people = People(schedule, kv)
        self.context = EventContext(schedule, chat, clock, self.people, texts, present)
        replies = Replies(self.context)
        self.effects = Effects(self.context, floor, timers, replies, publish_board)
        self.plan = plan or LivePlan(cues_of(schedule))
        self.discussions = Discussions(self.context, floor, kv, self.effects, self.plan)
        self.relay = Relay(self.context, translator)
        self.announcer = Announcer(self.context, translator)
        self.commands = Commands(self.context, floor, self.effects, self.discussions, self.announcer, audit,
                                 plan=PlanCommands(self.context, self.plan, replies, self.settle, audit))
        # The interpreters' view: the next speaker told to the booths, their signals to the chairs.
        self.booths = Booths(self.context, floor, kv, self.plan, lambda: self.discussions.current)
        self.effects.listeners.append(self.booths.on_floor)
        self.signals = BoothSignals(self.context, kv, replies)
        self.commands.signals = self.signals
        self.dispatch = Dispatch(self.context, self.commands, self.relay, self.discussions, places or Places())

    # -- what the composition root and the surfaces use ----------------------------------------------------

    @property
    def listeners(self) -> list[FloorListener]:
        """Called with the discussion id whenever its floor changes (the console's live view)."""
        return self.effects.listeners

    @property
    def policy(self) -> FloorPolicy:
        return self.context.policy

    @property
    def languages(self) -> list[str]:
        return self.context.languages

    @property
    def groups(self) -> Mapping[str, Text]:
        return self.context.groups

    @property
    def question_index(self) -> dict[str, int]:
        return self.discussions.question_index

    @property
    def present(self) -> Callable[[], frozenset[str] | None]:
        """Who is in the meeting (Zoom presence), None when unknown; set once presence is wired."""
        return self.context.present

    @present.setter
    def present(self, present: Callable[[], frozenset[str] | None]) -> None:
        self.context.present = present

    @property
    def timers(self) -> Timers:
        return self.effects.timers

    @timers.setter
    def timers(self, timers: Timers) -> None:
        self.effects.timers = timers

    @property
    def current(self) -> str | None:
        return self.discussions.current

    @current.setter
    def current(self, item_id: str | None) -> None:
        self.discussions.current = item_id

    @property
    def translator(self) -> ChatTranslator | None:
        return self.relay.translator

    @translator.setter
    def translator(self, translator: ChatTranslator | None) -> None:
        self.relay.translator = translator

    async def handle(self, event: InboundEvent) -> None:
        self.meter.inbound_event(event.source)
        await self.dispatch.handle(event)

    async def run(self, command: Command, event: InboundEvent, who: Participant) -> Outcome | None:
        return await self.commands.run(command, event, who)

    async def restore(self) -> None:
        """Pick up where a previous process stopped: the chairs' changes to the plan, then the floor."""
        await self.plan.load()
        await self.people.restore()
        await self.discussions.restore()

    async def settle(self) -> AgendaState:
        """The floor as the plan says it should be now (on every start, whatever was posted)."""
        state = await self.discussions.settle()
        await self.booths.refresh()  # what the booths were told survives a restart: only news is posted
        return state

    async def refresh_board(self) -> None:
        """Show the chairs' board again from the list itself: an update a crash cut short is redone (on every
        start and take-over; the board is a view of the list, so showing it twice changes nothing)."""
        try:
            if self.effects.publish_board and self.current is not None:
                state = await self.floor.state(self.current)
                if state is not None:
                    await self.effects.floor_changed(self.current, state)
        except Exception:
            log.exception("could not refresh the chairs' board")

    async def on_cue(self, cue: Any, now: datetime) -> None:
        await self.discussions.on_cue(cue, now)
        await self.booths.on_cue(cue, now)

    async def place_of(self, source: str, user_id: str, email: str | None = None) -> int | None:
        return await self.discussions.place_of(source, user_id, email)

    def remember_floor_posts(self, refs: list[MessageRef]) -> None:
        self.discussions.remember_floor_posts(refs)

    def item(self, item_id: str | None) -> Item | None:
        return self.context.item(item_id)


def runtime_authorizer(schedule: Schedule) -> Authorizer:
    """The schedule's chairs and organisers, plus the bot itself for the run of show's own operations
    (opening the list at the discussion, closing it at the session's end)."""
    from bot.domain.authz import Permission

    schedule_check = schedule_authorizer(schedule)

    def check(actor: str, verb: str, discussion_id: str) -> Permission:
        if actor == SYSTEM_ACTOR:
            return Permission(True, "floor.authz.system")
        return schedule_check(actor, verb, discussion_id)

    return check
