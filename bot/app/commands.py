"""A command's use case: a parsed `Command` from a participant, carried out.

Floor verbs become one floor operation run by the FloorService (serialised, authorised, audited) and
their outcome goes to the effects; the chair verbs outside the list of speakers (a question, an
announcement) are authorised and audited the same way here (`_guarded`); help, language, group and
position are answered directly.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.app.announcement import Announcer
from bot.app.booth_signals import BoothSignals
from bot.app.context import EventContext, as_lang
from bot.app.discussion import Discussions
from bot.app.effects import Effects
from bot.app.floor import (
    FloorOp,
    FloorService,
    close_op,
    extend_op,
    give_op,
    move_op,
    next_op,
    open_op,
    remove_op,
    request_op,
    skip_op,
    stop_op,
    withdraw_op,
)
from bot.app.group_choice import GroupChoice
from bot.app.places import FLOOR_STAGE
from bot.app.plan import PLAN_VERBS, PlanCommands
from bot.app.ports.chat import InboundEvent
from bot.app.ports.store import AuditLog, AuditRecord
from bot.app.run_of_show import Repost
from bot.domain import authz
from bot.domain.floor import explain
from bot.domain.floor.events import Outcome
from bot.domain.floor.state import FloorState, Participant, RequestKind, Surface
from bot.domain.grammar import Command, Verb

log = logging.getLogger(__name__)


def _sources() -> dict[str, Surface]:
    return {s.value: s for s in Surface}


@dataclass
class Commands:
    ctx: EventContext
    floor: FloorService
    effects: Effects
    discussions: Discussions
    announcer: Announcer
    audit: AuditLog | None = None
    reposter: Callable[[str], Awaitable[Repost]] | None = None  # the conductor's (wiring sets it)
    plan: PlanCommands | None = None  # the chair moves the plan live (delay, next-panellist...)
    signals: BoothSignals | None = None  # interpreters' signals to the chair (`/floor signal slower`)
    groups: GroupChoice = field(init=False)  # `/floor group`, the group prompt and the App Home picker

    def __post_init__(self) -> None:
        self.groups = GroupChoice(self.ctx, self.floor, self.effects, self.discussions)

    async def run(self, command: Command, event: InboundEvent, who: Participant) -> Outcome | None:
        """Carry out one command from `who` (the platform user id in `event` is what authorises it)."""
        replies = self.effects.replies
        source = _sources().get(event.source, Surface.WEB)
        if command.verb is Verb.HELP:
            await replies.reply(who.person, event, "floor.help.attendee")
            item = self.ctx.item(self.discussions.current)
            if authz.authorize(event.user_id, Verb.NEXT, item, self.ctx.schedule).allowed:
                await replies.reply(who.person, event, "floor.help.chair")
                await replies.reply(who.person, event, "plan.help.chair")
            if self.signals is not None and self.signals.may_signal(event):
                await replies.reply(who.person, event, "interpreters.help")
            return None
        if command.verb is Verb.LANG:
            if command.language in self.ctx.languages:
                await self.ctx.people.set_language(who.person, command.language, self.ctx.clock.now())
                await replies.reply(who.person, event, "floor.reply.language_set")
            return None
        if command.verb is Verb.GROUP:
            await self.groups.choose(command.text or "", event, who)
            return None
        if command.verb is Verb.QUESTION:
            await self._guarded(event, who, command, self.discussions.post_question, command.number)
            return None
        if command.verb is Verb.ANNOUNCE:
            await self._guarded(event, who, command, self._announce_from_chair, who, event, command.text or "")
            return None
        if command.verb is Verb.REPOST:
            await self._guarded(event, who, command, self._repost, who, event, command.cue or "")
            return None
        if command.verb is Verb.SIGNAL and self.signals is not None:
            await self.signals.from_chat(command, event, who)
            return None
        if command.verb in PLAN_VERBS and self.plan is not None:
            await self.plan.run(command, event, who)
            return None
        discussion = self.discussions.current
        if discussion is None:
            await replies.reply(who.person, event, "runtime.no_discussion")
            return None
        if event.place is not None:
            # Requests keep the platform's order: the channel's earlier events reach the list first.
            await event.place.turn(FLOOR_STAGE)
            # ...and as those left them: a group just chosen ahead of this request in the channel.
            who = self.ctx.people.participant(who.person) or who
        try:
            state = await self.floor.state(discussion)
            if command.verb is Verb.POSITION:
                now = self.ctx.clock.now()
                message = explain.reply(Outcome(state), who.person, now, self.ctx.policy, self.ctx.present())
                await replies.reply_message(who.person, event, message)
                return None
            op = self._operation(command, who, source, state, event)
            if op is None:
                await replies.reply(who.person, event, "runtime.unknown_person",
                                    name=command.target.handle if command.target else "")
                return None
            outcome = await self.floor.execute(discussion, op, event.user_id, self.ctx.clock.now())
        finally:
            if event.place is not None:
                event.place.release(FLOOR_STAGE)
        await self.effects.after(discussion, outcome, actor=who, event=event, chair=command.is_chair)
        if command.verb is Verb.REQUEST and outcome.changed:
            await self.groups.ask_once(event, who)
        return outcome

    def _operation(self, command: Command, who: Participant, source: Surface, state: FloorState,
                   event: InboundEvent) -> FloorOp | None:
        verb = command.verb
        present = self.ctx.present()
        if verb is Verb.REQUEST:
            return request_op(who, command.kind or RequestKind.NEW, note=command.note, source=source,
                              made_at=event.at)
        if verb is Verb.WITHDRAW:
            return withdraw_op(who.person)
        if verb is Verb.NEXT:
            return next_op(present)
        if verb is Verb.SKIP:
            return skip_op(present)
        if verb is Verb.CLOSE:
            return close_op()
        if verb is Verb.OPEN:
            return open_op()
        if verb is Verb.STOP:
            return stop_op()
        if verb is Verb.EXTEND:
            return extend_op(command.duration or self.ctx.policy.warn_before * 2)
        target = self._target(command)
        if target is None:
            return None
        if verb is Verb.GIVE:
            return give_op(target, source=source)
        if verb is Verb.REMOVE:
            return remove_op(target.person)
        if verb is Verb.MOVE:
            mine = [r for r in state.pending if r.person == target.person]
            if not mine:
                return None
            return move_op(mine[0].id, command.number or 1)
        return None

    def _target(self, command: Command) -> Participant | None:
        people = self.ctx.people
        if command.target is None:
            return None
        source, _, user_id = command.target.handle.partition(":")
        if source == "slack" and user_id:  # a mention, as the Slack adapter writes it: resolved by Slack id
            key = people.identity.resolve("slack", user_id)
            return people.participant(key)
        return people.find(command.target.handle)

    async def _guarded(
        self, event: InboundEvent, who: Participant, command: Command,
        action: Callable[..., Awaitable[None]], *args: Any,
    ) -> None:
        """Chair verbs outside the list of speakers: authorised and audited like the floor's own.
        Authorisation matches the platform user id exactly as signed by the platform (Slack id, web:<id>)."""
        current = self.discussions.current
        decision = authz.authorize(event.user_id, command.verb, self.ctx.item(current), self.ctx.schedule)
        if self.audit is not None:
            await self.audit.append(AuditRecord(
                at=self.ctx.clock.now(), actor=event.user_id, verb=command.verb.value, target=current or "-",
                allowed=decision.allowed, reason=decision.reason_key,
                details={"person": who.person, "number": command.number}
                | ({"cue": command.cue} if command.cue else {}),
            ))
        if not decision.allowed:
            log.info("refused %s by %s on %s: %s", command.verb.value, event.user_id, current or "-",
                     decision.reason_key)
            await self.effects.replies.reply(who.person, event, decision.reason_key)
            return
        await action(*args)

    async def _announce_from_chair(self, who: Participant, event: InboundEvent, text: str) -> None:
        """The chair's own text per language (the console's fields: `text.<lang>` in the event), the command's
        text in its author's language; `Announcer` fills the rest."""
        author_lang = as_lang(event.language) or as_lang(self.ctx.people.language(who.person))
        own = {lang: event.extra.get(f"text.{lang}", "") for lang in self.ctx.languages}
        if not any(t.strip() for t in own.values()):
            # One text: its author's language, or (nothing says which) the event's first language.
            own[author_lang or self.ctx.languages[0]] = text
        bodies = await self.announcer.bodies(own, author_lang)
        texts = {lang: self.ctx.texts.render("runtime.announcement", lang, name=who.name, text=body)
                 for lang, body in bodies.items()}
        if texts:
            await self.ctx.chat.announce(texts, key=f"announce:{self.ctx.clock.now().isoformat()}")

    async def _repost(self, who: Participant, event: InboundEvent, cue_id: str) -> None:
        result = Repost.UNKNOWN if self.reposter is None else await self.reposter(cue_id)
        key = {Repost.POSTED: "floor.reply.reposted", Repost.UNKNOWN: "floor.reply.repost_unknown",
               Repost.NOT_MISSED: "floor.reply.repost_not_missed"}[result]
        await self.effects.replies.reply(who.person, event, key, cue=cue_id)
