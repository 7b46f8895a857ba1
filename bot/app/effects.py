"""The effects of a floor outcome: private replies, notices, public announcements, timers, the board.

Also the one place that answers people: a reply goes back where the event came from (when the surface
can be written to), in the language the person asked for, else the channel's, else the surface's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.app.board import board_view
from bot.app.context import EventContext
from bot.app.floor import SYSTEM_ACTOR, FloorService, tick_op
from bot.app.people import REPLYABLE_SOURCES
from bot.app.ports.chat import Button, InboundEvent
from bot.app.timers import Timers
from bot.domain.floor import explain, timer
from bot.domain.floor.events import FloorGiven, ListClosed, ListReopened, Outcome
from bot.domain.floor.state import FloorState, Participant

log = logging.getLogger(__name__)

FloorListener = Callable[[str, FloorState], Awaitable[None]]  # (discussion, the list as committed)


@dataclass
class Replies:
    """Private answers and public announcements, rendered per reader."""

    ctx: EventContext

    def _reply_to(self, person: str, event: InboundEvent) -> str | None:
        if event.source in REPLYABLE_SOURCES:
            return event.user_id
        return self.ctx.people.reach(person)

    def reachable(self, person: str, event: InboundEvent) -> bool:
        """Whether an answer to this event can reach the person (Zoom's meeting chat cannot be written to)."""
        return self._reply_to(person, event) is not None

    async def reply(self, person: str, event: InboundEvent, key: str, **values: Any) -> None:
        await self.reply_message(person, event, explain.Message(key, values))

    async def reply_message(self, person: str, event: InboundEvent, message: explain.Message, *,
                            actions: Sequence[Button] = ()) -> None:
        user_id = self._reply_to(person, event)
        if user_id is None:
            log.info("no surface to answer %s on", person)
            return
        lang = self.ctx.people.reply_language(person, event)
        await self.ctx.chat.reply_private(user_id, self.ctx.texts.message(message, lang), context=event.ref,
                                          actions=actions)

    async def tell(self, person: str, message: explain.Message) -> None:
        user_id = self.ctx.people.reach(person)
        if user_id is None:
            log.info("no way to reach %s privately", person)
            return
        lang = self.ctx.people.language(person)
        await self.ctx.chat.reply_private(user_id, self.ctx.texts.message(message, lang))

    def _localize(self, value: Any, lang: str) -> Any:
        if isinstance(value, LanguageName):
            return self.ctx.texts.language_name(value.code, lang)
        if isinstance(value, explain.GroupName):
            return self.ctx.texts.group_name(value.group, lang)
        return value

    async def announce(self, message_key: str, announce_key: str, **values: Any) -> None:
        texts = {
            lang: self.ctx.texts.render(message_key, lang, **{k: self._localize(v, lang) for k, v in values.items()})
            for lang in self.ctx.languages
        }
        await self.ctx.chat.announce(texts, key=announce_key)


@dataclass
class Effects:
    """What follows a floor outcome. `publish_board`: the chat shows the chairs a live board."""

    ctx: EventContext
    floor: FloorService
    timers: Timers
    replies: Replies
    publish_board: bool = False
    listeners: list[FloorListener] = field(default_factory=list)

    async def after(
        self, discussion: str, outcome: Outcome, *, actor: Participant | None, event: InboundEvent | None,
        chair: bool = False,
    ) -> None:
        now = self.ctx.clock.now()
        present = self.ctx.present()
        policy = self.ctx.policy
        if actor is not None and event is not None:
            if chair:
                if outcome.refusal is not None:
                    await self.replies.reply(actor.person, event, outcome.refusal.reason_key)
                elif outcome.noop_reason is not None:
                    await self.replies.reply(actor.person, event, outcome.noop_reason)
            else:
                message = explain.reply(outcome, actor.person, now, policy, present)
                await self.replies.reply_message(actor.person, event, message)
        for notice in explain.notices(outcome, now, policy, present):
            await self.replies.tell(notice.person, notice.message)
        version = outcome.state.version
        for happened in outcome.events:
            if isinstance(happened, FloorGiven):
                p = happened.request.participant
                await self.replies.announce("runtime.floor_given", f"floor:{discussion}:{happened.request.id}",
                                            name=p.name, group=explain.GroupName(p.group),
                                            language=LanguageName(p.language))
            elif isinstance(happened, ListClosed):
                await self.replies.announce("runtime.list_closed", f"closed:{discussion}:{version}")
            elif isinstance(happened, ListReopened):
                await self.replies.announce("runtime.list_reopened", f"reopened:{discussion}:{version}")
        if outcome.changed:
            self.arm_timers(outcome.state)
            await self.floor_changed(discussion, outcome.state)

    def arm_timers(self, state: FloorState) -> None:
        self.timers.disarm(timer_prefix(state.discussion))
        for deadline in timer.deadlines(state, self.ctx.policy):
            self.timers.arm(deadline.job_id, deadline.at, self._tick_job(state.discussion))

    def disarm_timers(self, discussion: str) -> None:
        self.timers.disarm(timer_prefix(discussion))

    def _tick_job(self, discussion: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            outcome = await self.floor.execute(discussion, tick_op(), SYSTEM_ACTOR, self.ctx.clock.now())
            await self.after(discussion, outcome, actor=None, event=None)

        return job

    async def floor_changed(self, discussion: str, state: FloorState) -> None:
        if self.publish_board:
            await self.ctx.chat.show_board(board_view(self.ctx, state))
        for listener in self.listeners:
            try:
                await listener(discussion, state)
            except Exception:  # a slow or broken viewer must never break the floor
                log.exception("floor listener failed")


def timer_prefix(discussion: str) -> str:
    return f"floor:{discussion}:"


@dataclass(frozen=True)
class LanguageName:
    """A language code in an announcement, shown in each reader's language."""

    code: str



