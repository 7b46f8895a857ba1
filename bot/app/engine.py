"""The event engine: every inbound event dispatched once, into the floor or into translated chat.

Convert at the edge, dispatch once: Slack, Zoom, the web console and the rehearsal's simulated attendees
all hand an `InboundEvent` to `Engine.handle`. A floor command goes through the FloorService (serialised,
authorised, audited) and its outcome becomes private replies, notices, public announcements, timers and a
refreshed board; plain chat goes through the translator to the other language audiences. The conductor's
cues reach the floor through `on_cue` (open the list at the discussion, close it at the session's end).
Everything runs on agenda time (`clock`); only the timers' scheduler sees wall time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.app.clock import Clock
from bot.app.floor import (
    SYSTEM_ACTOR,
    Authorizer,
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
    schedule_authorizer,
    skip_op,
    stop_op,
    tick_op,
    withdraw_op,
)
from bot.app.people import REPLYABLE_SOURCES, People
from bot.app.ports.chat import Action, AudienceKind, Author, ChatPort, InboundEvent, InboundKind, MessageRef, Post
from bot.app.ports.store import AuditLog, AuditRecord, KeyValues, SeenEvents
from bot.app.ports.translation import LANGS, Lang
from bot.app.timers import Timers
from bot.app.translation.service import ChatTranslator, notice_key
from bot.config.model import DEFAULT_GROUPS, Item, Question, Schedule, Text, text_in
from bot.domain import authz
from bot.domain.agenda.timeline import CueKind
from bot.domain.floor import explain, timer
from bot.domain.floor.events import (
    FloorEvent,
    FloorGiven,
    ListClosed,
    ListReopened,
    Outcome,
    RequestCarried,
    RequestUnserved,
)
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.rules import position, queue
from bot.domain.floor.state import FloorState, Participant, RequestKind, Source
from bot.domain.grammar import Command, Verb, parse, parse_floor
from bot.i18n import catalog as i18n
from bot.i18n.cues import question_text
from bot.i18n.messages import group_name
from bot.i18n.messages import render as render_message

log = logging.getLogger(__name__)

RUNTIME_NS = "runtime"
HAND_REACTIONS = frozenset({"raised_hand", "hand", "✋"})
CONTEXT_LINES = 5
MAX_TRACKED_ORIGINALS = 5000
PRIVATE_AUDIENCES = frozenset({"chairs", "direct"})


FloorListener = Callable[[str], Awaitable[None]]


def _sources() -> dict[str, Source]:
    return {s.value: s for s in Source}


@dataclass
class Engine:
    schedule: Schedule
    chat: ChatPort
    floor: FloorService
    kv: KeyValues
    dedupe: SeenEvents
    clock: Clock
    timers: Timers
    translator: ChatTranslator | None = None
    audit: AuditLog | None = None
    publish_board: bool = False  # the surface shows one live board per discussion (Slack's chairs channel)
    present: Callable[[], frozenset[str] | None] = lambda: None  # who is in the meeting (Zoom presence)
    listeners: list[FloorListener] = field(default_factory=list)
    people: People = field(init=False)
    current: str | None = None  # the item id whose discussion is running
    question_index: dict[str, int] = field(default_factory=dict)  # item id -> questions posted so far
    floor_posts: set[tuple[str, str]] = field(default_factory=set)  # (channel, id) of "the floor is open"
    carried: list[tuple[Participant, RequestKind, str | None, Source]] = field(default_factory=list)
    _context: dict[str, deque[str]] = field(default_factory=dict)
    _tails: dict[str, asyncio.Future[None]] = field(default_factory=dict)  # the last relay in each language
    # Mirrored copies of each original message (by surface, channel, id), so edits and deletions follow.
    _copies: dict[tuple[str, str, str], dict[str, MessageRef]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.people = People(self.schedule, self.kv)
        self.policy = FloorPolicy.from_schedule(self.schedule.floor)
        self.languages: list[str] = [str(lang) for lang in self.schedule.event.languages]
        self.groups: Mapping[str, Text] = {
            **{gid: dict(names) for gid, names in DEFAULT_GROUPS.items()},  # type: ignore[misc]
            **{gid: g.name for gid, g in self.schedule.groups.items()},
        }

    # ------------------------------------------------------------------ start / restore

    async def restore(self) -> None:
        """Pick up where a previous process stopped: the running discussion, questions posted, timers."""
        self.current = await self.kv.get(RUNTIME_NS, "current", None)
        self.question_index = dict(await self.kv.get(RUNTIME_NS, "questions", {}) or {})
        self.floor_posts = {(str(c), str(i)) for c, i in await self.kv.get(RUNTIME_NS, "floor_posts", []) or []}
        if self.current is not None:
            self._arm_timers(await self.floor.state(self.current))

    async def _save(self) -> None:
        now = self.clock.now()
        await self.kv.set(RUNTIME_NS, "current", self.current, now)
        await self.kv.set(RUNTIME_NS, "questions", self.question_index, now)
        await self.kv.set(RUNTIME_NS, "floor_posts", sorted(self.floor_posts), now)

    # ------------------------------------------------------------------ inbound

    async def handle(self, event: InboundEvent) -> None:
        """The one entry point of every surface. Exactly once per (source, event id)."""
        now = self.clock.now()
        if await self.dedupe.seen_before(event.source, event.event_id, now):
            log.info("duplicate %s event %s ignored", event.source, event.event_id)
            return
        participant = await self.people.sighting(event, now)
        if event.kind is InboundKind.MESSAGE:
            command = parse(event.text)
            if command is None:
                await self._relay(event, participant)
            else:
                await self.run(command, event, participant)
        elif event.kind is InboundKind.COMMAND:
            command = parse_floor(event.text)
            if command is None:
                await self._reply(participant.person, event, "runtime.unknown_command", text=event.text[:80])
            else:
                await self.run(command, event, participant)
        elif event.kind is InboundKind.REACTION:
            if event.text in HAND_REACTIONS and self._is_floor_post(event.ref):
                await self.run(Command(Verb.REQUEST, kind=RequestKind.NEW), event, participant)
        elif event.kind is InboundKind.ACTION:
            # A button carries its command line as its value (Slack: action id + value; console: the text).
            command = parse_floor(event.extra.get("value") or event.text)
            if command is not None:
                await self.run(command, event, participant)
        elif event.kind is InboundKind.EDIT and event.ref is not None:
            await self._relay(event, participant, edit=True)
        elif event.kind is InboundKind.DELETE and event.ref is not None:
            copies = self._copies.pop(_ref_key(event.ref), {})
            for copy in copies.values():
                await self.chat.delete(copy)
            if not copies:  # made before a restart: the surface may still know its copies
                await self.chat.delete(event.ref)

    def _is_floor_post(self, ref: MessageRef | None) -> bool:
        if ref is None:
            return self.current is not None
        return (ref.channel, ref.id) in self.floor_posts or not self.floor_posts

    # ------------------------------------------------------------------ commands

    async def run(self, command: Command, event: InboundEvent, who: Participant) -> Outcome | None:
        """Carry out one command from `who` (the platform user id in `event` is what authorises it)."""
        source = _sources().get(event.source, Source.WEB)
        if command.verb is Verb.HELP:
            await self._reply(who.person, event, "floor.help.attendee")
            if authz.authorize(self._actor(event), Verb.NEXT, self.item(self.current), self.schedule).allowed:
                await self._reply(who.person, event, "floor.help.chair")
            return None
        if command.verb is Verb.LANG:
            if command.language in self.languages:
                self.people.set_language(who.person, command.language)
                await self._reply(who.person, event, "floor.reply.language_set")
            return None
        if command.verb is Verb.QUESTION:
            await self._guarded(event, who, command, self._post_question, command.number)
            return None
        if command.verb is Verb.ANNOUNCE:
            await self._guarded(event, who, command, self._announce_from_chair, who, command.text or "")
            return None
        discussion = self.current
        if discussion is None:
            await self._reply(who.person, event, "runtime.no_discussion")
            return None
        if command.verb is Verb.POSITION:
            state = await self.floor.state(discussion)
            message = explain.reply(Outcome(state), who.person, self.clock.now(), self.policy, self.present())
            await self._reply_message(who.person, event, message)
            return None
        op = self._operation(command, who, source, await self.floor.state(discussion))
        if op is None:
            await self._reply(who.person, event, "runtime.unknown_person",
                              name=command.target.handle if command.target else "")
            return None
        outcome = await self.floor.execute(discussion, op, self._actor(event), self.clock.now())
        await self._after(discussion, outcome, actor=who, event=event, chair=command.is_chair)
        return outcome

    def _actor(self, event: InboundEvent) -> str:
        # Authorisation matches the platform user id exactly as signed by the platform (Slack id, web:<id>).
        return event.user_id

    def _operation(self, command: Command, who: Participant, source: Source, state: FloorState) -> FloorOp | None:
        verb = command.verb
        present = self.present()
        if verb is Verb.REQUEST:
            return request_op(who, command.kind or RequestKind.NEW, note=command.note, source=source)
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
            return extend_op(command.duration or self.policy.warn_before * 2)
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
        if command.target is None:
            return None
        source, _, user_id = command.target.handle.partition(":")
        if source == "slack" and user_id:  # a mention, as the Slack adapter writes it: resolved by Slack id
            key = self.people.identity.resolve("slack", user_id)
            return self.people.participant(key)
        return self.people.find(command.target.handle)

    async def _guarded(
        self, event: InboundEvent, who: Participant, command: Command,
        action: Callable[..., Awaitable[None]], *args: Any,
    ) -> None:
        """Chair verbs outside the list of speakers: authorised and audited like the floor's own."""
        item = self.item(self.current)
        decision = authz.authorize(self._actor(event), command.verb, item, self.schedule)
        if self.audit is not None:
            await self.audit.append(AuditRecord(
                at=self.clock.now(), actor=self._actor(event), verb=command.verb.value, target=self.current or "-",
                allowed=decision.allowed, reason=decision.reason_key,
                details={"person": who.person, "number": command.number},
            ))
        if not decision.allowed:
            await self._reply(who.person, event, decision.reason_key)
            return
        await action(*args)

    # ------------------------------------------------------------------ effects of an outcome

    async def _after(
        self, discussion: str, outcome: Outcome, *, actor: Participant | None, event: InboundEvent | None,
        chair: bool = False,
    ) -> None:
        now = self.clock.now()
        present = self.present()
        if actor is not None and event is not None:
            if chair:
                if outcome.refusal is not None:
                    await self._reply(actor.person, event, outcome.refusal.reason_key)
                elif outcome.noop_reason is not None:
                    await self._reply(actor.person, event, outcome.noop_reason)
            else:
                message = explain.reply(outcome, actor.person, now, self.policy, present)
                await self._reply_message(actor.person, event, message)
        for notice in explain.notices(outcome, now, self.policy, present):
            await self._tell(notice.person, notice.message)
        for happened in outcome.events:
            if isinstance(happened, FloorGiven):
                p = happened.request.participant
                await self._announce("runtime.floor_given", f"floor:{discussion}:{happened.request.id}",
                                     name=p.name, group=explain.GroupName(p.group), language=_LanguageName(p.language))
            elif isinstance(happened, ListClosed):
                await self._announce("runtime.list_closed", f"closed:{discussion}:{state_version(outcome)}")
            elif isinstance(happened, ListReopened):
                await self._announce("runtime.list_reopened", f"reopened:{discussion}:{state_version(outcome)}")
        if outcome.changed:
            self._arm_timers(outcome.state)
            await self._floor_changed(discussion, outcome.state)

    def _arm_timers(self, state: FloorState) -> None:
        prefix = f"floor:{state.discussion}:"
        self.timers.disarm(prefix)
        for deadline in timer.deadlines(state, self.policy):
            self.timers.arm(deadline.job_id, deadline.at, self._tick_job(state.discussion))

    def _tick_job(self, discussion: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            outcome = await self.floor.execute(discussion, tick_op(), SYSTEM_ACTOR, self.clock.now())
            await self._after(discussion, outcome, actor=None, event=None)

        return job

    async def _floor_changed(self, discussion: str, state: FloorState) -> None:
        if self.publish_board:
            texts = {lang: self.board_text(state, lang) for lang in self.languages}
            await self.chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"board:{discussion}",
                                     actions=self._board_actions())
        for listener in self.listeners:
            try:
                await listener(discussion)
            except Exception:  # a slow or broken viewer must never break the floor
                log.exception("floor listener failed")

    def board_text(self, state: FloorState, lang: str) -> str:
        lines = [i18n.render("runtime.board.title", lang, title=self._title(state.discussion, lang))]
        if state.speaking is not None:
            p = state.speaking.request.participant
            lines.append(i18n.render("runtime.board.speaking", lang, name=p.name,
                                     group=group_name(p.group, lang, self.groups),
                                     language=_language_name(p.language, lang),
                                     until=state.speaking.ends_at.astimezone(self._zone()).strftime("%H:%M:%S")))
        order = queue(state, self.policy)
        if not order:
            lines.append(i18n.render("runtime.board.empty", lang))
        for place, r in enumerate(order, start=1):
            p = r.participant
            lines.append(i18n.render(
                "runtime.board.entry", lang, place=place, name=p.name,
                group=group_name(p.group, lang, self.groups), language=_language_name(p.language, lang),
                kind=i18n.render(f"floor.kind.{r.kind.value}", lang), note=f" — {r.note}" if r.note else "",
            ))
        if order:
            lines.append(i18n.render("runtime.board.next_language", lang,
                                     language=_language_name(order[0].participant.language, lang)))
        if not state.is_open:
            lines.append(i18n.render("runtime.board.closed", lang))
        return "\n".join(lines)

    def _board_actions(self) -> list[Action]:
        lang = self.languages[0]
        verbs = [("next", "primary"), ("skip", ""), ("stop", ""), ("extend", ""), ("close", "danger"),
                 ("open", ""), ("question", "")]
        return [Action(f"floor:{verb}", i18n.render(f"runtime.button.{verb}", lang), verb, style)
                for verb, style in verbs]

    # ------------------------------------------------------------------ cues

    async def on_cue(self, cue: Any, now: datetime) -> None:
        """A cue's effects on the floor, before its text is posted."""
        kind = CueKind(cue.kind)
        if kind is CueKind.FLOOR_OPEN:
            await self._open_discussion(cue.item, now)
        elif kind is CueKind.QUESTION:
            # Question cues are numbered from 1; question_index counts the questions posted so far.
            self.question_index[cue.item] = max(self.question_index.get(cue.item, 0), int(cue.data.get("index", 0)))
            await self._save()
        elif kind is CueKind.SESSION_CLOSE:
            await self._close_discussion(cue.item, now)

    async def _open_discussion(self, item_id: str, now: datetime) -> None:
        previous = self.current
        if previous is not None and previous != item_id:
            await self._close_discussion(previous, now)
        self.current = item_id
        state = await self.floor.state(item_id)
        if not state.is_open:
            await self.floor.execute(item_id, open_op(), SYSTEM_ACTOR, now)
        carried, self.carried = self.carried, []
        for participant, kind, note, source in carried:
            await self.floor.execute(item_id, request_op(participant, kind, note=note, source=source),
                                     SYSTEM_ACTOR, now)
        await self._save()
        await self._floor_changed(item_id, await self.floor.state(item_id))

    async def _close_discussion(self, item_id: str, now: datetime) -> None:
        """The session ends: the speaker's turn is recorded, and whoever is still waiting is told their
        request was not served (or, under `carry_over`, that it moves to the next discussion)."""
        state = await self.floor.state(item_id)
        if state.speaking is not None:
            outcome = await self.floor.execute(item_id, stop_op(), SYSTEM_ACTOR, now)
            await self._after(item_id, outcome, actor=None, event=None)
        carry = self.policy.carry_over and bool(state.pending)
        if carry:
            self.carried = [(r.participant, r.kind, r.note, r.source) for r in queue(state, self.policy)]
        outcome = await self.floor.execute(item_id, end_discussion_op(carried=carry), SYSTEM_ACTOR, now)
        await self._after(item_id, outcome, actor=None, event=None)
        self.timers.disarm(f"floor:{item_id}:")
        if self.current == item_id:
            self.current = None
        await self._save()

    async def place_of(self, source: str, user_id: str, email: str | None = None) -> int | None:
        """A user's 1-based place in the running discussion's list, if they are on it (for App Home)."""
        if self.current is None:
            return None
        person = self.people.key_for(source, user_id, email)
        state = await self.floor.state(self.current)
        return position(state, person, self.clock.now(), self.policy, self.present()).place

    def remember_floor_posts(self, refs: list[MessageRef]) -> None:
        self.floor_posts.update((r.channel, r.id) for r in refs)

    async def _post_question(self, number: int | None) -> None:
        item = self.item(self.current)
        if item is None or item.discussion is None or not item.discussion.questions:
            return
        questions = item.discussion.questions
        index = (number - 1) if number else self.question_index.get(item.id, 0)
        if not 0 <= index < len(questions):
            return
        self.question_index[item.id] = max(self.question_index.get(item.id, 0), index + 1)
        await self._save()
        question: Question | Text = questions[index]
        texts = {lang: i18n.render("runtime.question", lang, number=index + 1, total=len(questions),
                                   question=question_text(question, lang)) for lang in self.languages}
        await self.chat.announce(texts, key=f"question:{item.id}:{index + 1}:{self.clock.now().isoformat()}")

    async def _announce_from_chair(self, who: Participant, text: str) -> None:
        texts: dict[str, str] = {}
        translations = None
        if self.translator is not None:
            translations = await self.translator.translate_message(
                text, event_languages=self._langs(), author_lang=_lang(self.people.language(who.person)))
        for lang in self.languages:
            body = text
            if translations is not None and lang in translations.translations:
                t = translations.translations[lang]
                body = t.text
                key = notice_key(t.status)
                if key:
                    body = f"{body}\n_{i18n.render(key, lang)}_"
            texts[lang] = i18n.render("runtime.announcement", lang, name=who.name, text=body)
        await self.chat.announce(texts, key=f"announce:{self.clock.now().isoformat()}")

    # ------------------------------------------------------------------ chat relay

    async def _relay(self, event: InboundEvent, who: Participant, *, edit: bool = False) -> None:
        """A participant's message, translated into every other event language, in the order messages
        arrived: a later message (a cached translation, say) never overtakes an earlier one in a channel."""
        text = event.text
        if not text.strip() or event.extra.get("audience") in PRIVATE_AUDIENCES:
            return  # nothing to say, or said in the chairs' channel or a direct message: never mirrored
        source_lang = event.channel_language or (event.language if event.language in self.languages else None)
        # Take our place in each target language's line before awaiting anything.
        turns = {lang: self._take_turn(lang) for lang in self.languages if lang != source_lang}
        try:
            context = self._context.setdefault(source_lang or "?", deque(maxlen=CONTEXT_LINES))
            if self.translator is None:
                targets: dict[str, tuple[str, str | None]] = {
                    lang: (text, "translate.notice.untranslated") for lang in turns
                }
            else:
                result = await self.translator.translate_message(
                    text, event_languages=self._langs(), channel_lang=_lang(event.channel_language),
                    author_lang=_lang(event.language), context=list(context),
                )
                targets = {lang: (t.text, notice_key(t.status)) for lang, t in result.translations.items()}
            context.append(text)
            author = Author(who.name, event.extra.get("avatar_url") or None)
            copies = self._copies.setdefault(_ref_key(event.ref), {}) if event.ref is not None else {}
            while len(self._copies) > MAX_TRACKED_ORIGINALS:
                self._copies.pop(next(iter(self._copies)))
            for lang, (body, notice) in targets.items():
                previous, mine = turns.get(lang, (None, None))
                if previous is not None:
                    await previous
                shown = f"{body}\n_{i18n.render(notice, lang)}_" if notice else body
                if edit and event.ref is not None:
                    # The copies change with their original; one the engine does not know (posted before a
                    # restart) is left to the surface, which keeps its own index of copies.
                    target = copies.get(lang, event.ref)
                    await self.chat.edit(target, Post(shown, author=author, key=f"mirror-edit:{lang}",
                                                      reply_to=event.ref))
                else:
                    post = Post(shown, author=author, key=f"mirror:{event.event_id}", reply_to=event.ref)
                    copies[lang] = await self.chat.post(lang, post)
                if mine is not None and not mine.done():
                    mine.set_result(None)
        finally:
            for _, mine in turns.values():
                if not mine.done():
                    mine.set_result(None)

    def _take_turn(self, lang: str) -> tuple[asyncio.Future[None] | None, asyncio.Future[None]]:
        """(the previous message's turn to wait for, our own turn to release) in `lang`'s line."""
        previous = self._tails.get(lang)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[lang] = mine
        return (previous if previous is not None and not previous.done() else None), mine

    # ------------------------------------------------------------------ replies and announcements

    def _reply_to(self, person: str, event: InboundEvent) -> str | None:
        if event.source in REPLYABLE_SOURCES:
            return event.user_id
        return self.people.reach(person)

    async def _reply(self, person: str, event: InboundEvent, key: str, **values: Any) -> None:
        await self._reply_message(person, event, explain.Message(key, values))

    async def _reply_message(self, person: str, event: InboundEvent, message: explain.Message) -> None:
        user_id = self._reply_to(person, event)
        if user_id is None:
            log.info("no surface to answer %s on", person)
            return
        lang = self.people.reply_language(person, event)
        await self.chat.reply_private(user_id, render_message(message, lang, self.groups), context=event.ref)

    async def _tell(self, person: str, message: explain.Message) -> None:
        user_id = self.people.reach(person)
        if user_id is None:
            log.info("no way to reach %s privately", person)
            return
        await self.chat.reply_private(user_id, render_message(message, self.people.language(person), self.groups))

    async def _announce(self, message_key: str, announce_key: str, **values: Any) -> None:
        texts = {
            lang: i18n.render(message_key, lang, **{k: _localize(v, lang, self.groups) for k, v in values.items()})
            for lang in self.languages
        }
        await self.chat.announce(texts, key=announce_key)

    # ------------------------------------------------------------------ helpers

    def item(self, item_id: str | None) -> Item | None:
        if item_id is None:
            return None
        try:
            return self.schedule.item(item_id)
        except KeyError:
            return None

    def _title(self, item_id: str, lang: str) -> str:
        item = self.item(item_id)
        return text_in(item.title, lang) if item is not None and item.title else item_id

    def _langs(self) -> list[Lang]:
        return [lang for lang in (_lang(code) for code in self.languages) if lang is not None]

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.event.timezone)


def runtime_authorizer(schedule: Schedule) -> Authorizer:
    """The schedule's chairs and organisers, plus the bot itself for the run of show's own operations
    (opening the list at the discussion, closing it at the session's end)."""
    from bot.domain.authz import Decision

    schedule_check = schedule_authorizer(schedule)

    def check(actor: str, verb: str, discussion_id: str) -> Decision:
        if actor == SYSTEM_ACTOR:
            return Decision(True, "floor.authz.system")
        return schedule_check(actor, verb, discussion_id)

    return check


def _ref_key(ref: MessageRef) -> tuple[str, str, str]:
    return (ref.surface, ref.channel, ref.id)


def _lang(code: str | None) -> Lang | None:
    for lang in LANGS:
        if code == lang:
            return lang
    return None


def state_version(outcome: Outcome) -> int:
    return outcome.state.version


def end_discussion_op(*, carried: bool) -> FloorOp:
    """Close a list for good at the end of its session: pending requests become unserved (or carried)."""

    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        if not state.pending and not state.is_open:
            return Outcome(state, noop_reason="floor.noop.list_empty")
        events: tuple[FloorEvent, ...] = tuple(
            RequestCarried(now, r, "next") if carried else RequestUnserved(now, r) for r in state.pending
        )
        return Outcome(replace(state, is_open=False, pending=(), version=state.version + 1), events)

    return FloorOp("close", apply, {"end_of_session": True, "carried": carried})


@dataclass(frozen=True)
class _LanguageName:
    code: str


def _language_name(code: str, reader: str) -> str:
    key = f"common.language_name.{code}"
    return i18n.render(key, reader) if i18n.has(key) else code


def _localize(value: Any, lang: str, groups: Mapping[str, Text]) -> Any:
    if isinstance(value, _LanguageName):
        return _language_name(value.code, lang)
    if isinstance(value, explain.GroupName):
        return group_name(value.group, lang, groups)
    return value
