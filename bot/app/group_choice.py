"""Someone says which stakeholder group they belong to: `/floor group <name>`, a button of the group prompt, the
App Home picker. All three arrive as the same command (the buttons' value is `group <id>`), so this is the one
code path: the choice is kept in their record, and their request already listed takes the new group (the
balanced order, the budgets and the chairs' board count it there from now on).

The group prompt: the first time someone the schedule does not list, who never gave a group, asks for the
floor, the request is listed at once ("group not stated") and they are asked privately, with a button per
stakeholder group of the event and "I prefer not to say". Once per person: remembered in their record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.app.context import EventContext
from bot.app.discussion import Discussions
from bot.app.effects import Effects
from bot.app.floor import FloorService, regroup_op
from bot.app.groups import group_named
from bot.app.places import FLOOR_STAGE
from bot.app.ports.chat import Button, InboundEvent
from bot.config.model import NOT_STATED, text_in
from bot.domain.floor.explain import Message
from bot.domain.floor.state import Participant
from bot.domain.grammar import normalize

GROUP_ACTION = "group"  # the buttons' and the picker's action id


def group_value(group: str) -> str:
    """What a group button or option carries: the `/floor group` command that chooses it."""
    return f"{GROUP_ACTION} {group}"


def _says_not_stated(said: str) -> bool:
    return normalize(said).replace("-", " ").split() == ["not", "stated"]


@dataclass
class GroupChoice:
    ctx: EventContext
    floor: FloorService
    effects: Effects
    discussions: Discussions

    def choices(self, lang: str) -> list[tuple[str, str]]:
        """(value, label) of every group of the event in `lang`, then "I prefer not to say"."""
        named = [(group_value(gid), text_in(name, lang)) for gid, name in self.ctx.groups.items()]
        return [*named, (group_value(NOT_STATED), self.ctx.texts.render("console.join.group_not_stated", lang))]

    async def choose(self, said: str, event: InboundEvent, who: Participant) -> None:
        """The schedule's people keep the programme's group; others choose theirs."""
        replies, names = self.effects.replies, self.ctx.groups
        lang = self.ctx.people.reply_language(who.person, event)
        if who.person in self.ctx.schedule.people:
            listed_as = text_in(names.get(who.group), lang)
            await replies.reply(who.person, event, "groups.reply.from_schedule", group=listed_as)
            return
        group = NOT_STATED if _says_not_stated(said) else group_named(self.ctx.schedule, said)
        if group is None:
            listed = ", ".join(text_in(name, lang) for name in names.values())
            await replies.reply(who.person, event, "groups.reply.unknown", name=said, groups=listed)
            return
        if event.place is not None:
            # In the channel's order with the requests: "group X" then "hand" lists the hand under X.
            await event.place.turn(FLOOR_STAGE)
        try:
            now = self.ctx.clock.now()
            now_as = await self.ctx.people.set_group(who.person, group, now) or replace(who, group=group)
            await self._regroup(now_as, event)
        finally:
            if event.place is not None:
                event.place.release(FLOOR_STAGE)
        if group == NOT_STATED:
            await replies.reply(who.person, event, "group_prompt.set_not_stated")
        else:
            await replies.reply(who.person, event, "groups.reply.set", group=text_in(names[group], lang))

    async def _regroup(self, who: Participant, event: InboundEvent) -> None:
        discussion = self.discussions.current
        if discussion is None:
            return
        outcome = await self.floor.execute(discussion, regroup_op(who), event.user_id, self.ctx.clock.now())
        await self.effects.after(discussion, outcome, actor=None, event=None)

    async def ask_once(self, event: InboundEvent, who: Participant) -> None:
        """The group prompt, if this person is to be asked (see the module docstring)."""
        if who.group != NOT_STATED or not self.effects.replies.reachable(who.person, event):
            return  # not asked: they may be asked where they can answer
        if not await self.ctx.people.ask_group_once(who.person, self.ctx.clock.now()):
            return
        lang = self.ctx.people.reply_language(who.person, event)
        buttons = [Button(GROUP_ACTION, label, value) for value, label in self.choices(lang)]
        await self.effects.replies.reply_message(who.person, event, Message("group_prompt.ask"), actions=buttons)
