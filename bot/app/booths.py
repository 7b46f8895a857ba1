"""The interpreters' view: who speaks now and who speaks next, in which floor language, told to the booths.

At any moment the booths need two facts: the current speaker (name, affiliation, floor language, time left) and
the next one as soon as it is known. Panel turns come from the run of show as the chairs moved it (the next
panel turn of the running item); floor turns from the list of speakers (the first waiting request, in serving
order). Whenever the next speaker changes, one notice goes to the INTERPRETERS audience — "Next: …, floor
language: French" — with an alert line when that language differs from the current speaker's. The panel's
first notice goes out when the session opens, each later one when the previous turn starts, a floor turn's
when the list's head changes.

A notice is never repeated: the last one told is kept in the key-value store (so a restart, which computes the
same next speaker, tells nothing again), and its chat key names it, so a surface with a durable outbox
(Slack) sends it once even when the process dies between posting and remembering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.app.context import EventContext
from bot.app.floor import FloorService
from bot.app.plan import LivePlan
from bot.app.ports.chat import AudienceKind
from bot.app.ports.store import KeyValues
from bot.config.model import Text, text_in
from bot.domain.agenda.state import AgendaState, Phase, state_at
from bot.domain.agenda.timeline import Cue, CueKind
from bot.domain.floor.rules import queue
from bot.domain.floor.state import FloorState, Participant

log = logging.getLogger(__name__)

NAMESPACE = "booths"
NOTICE_KEY = "notice"
# What ends the search for the next panel turn among the cues ahead.
_PANEL_ENDS = frozenset({CueKind.FLOOR_OPEN, CueKind.SESSION_CLOSE, CueKind.SESSION_OPEN, CueKind.BREAK_START,
                         CueKind.DAY_END, CueKind.EVENT_CLOSE})


@dataclass(frozen=True)
class BoothSpeaker:
    """One speaker as the booths need them. `key` names the turn (a panel turn, a request): the dedupe key."""

    key: str
    turn: str  # "panel" | "floor" | "chair"
    name: str
    language: str  # the floor language (a code)
    affiliation: Text | None = None
    ends_at: datetime | None = None  # when the turn ends, for the countdown (None: open-ended)
    index: int | None = None  # panel turn k ...
    of: int | None = None  # ... of n


@dataclass(frozen=True)
class BoothView:
    current: BoothSpeaker | None = None
    next: BoothSpeaker | None = None

    @property
    def language_change(self) -> bool:
        """The next speaker takes the floor in another language than the current one: the booths' alert."""
        return self.current is not None and self.next is not None and self.current.language != self.next.language


@dataclass
class Booths:
    """Computes the booths' view and tells the INTERPRETERS audience each new next speaker."""

    ctx: EventContext
    floor: FloorService
    kv: KeyValues
    plan: LivePlan
    current_discussion: Callable[[], str | None]
    on_change: list[Callable[[], None]] = field(default_factory=list)  # the console refreshes its pages
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def view(self, at: datetime | None = None, *, upto: str | None = None,
                   state: FloorState | None = None) -> BoothView:
        """Who speaks and who is next at `at` (now by default); `upto`: as the run of show stands once that
        cue has run, not the cues due at the same instant after it (a panel's first turn, at its session's
        opening, is still ahead when the opening is posted); `state`: the running list's, when the caller has it."""
        now = at or self.ctx.clock.now()
        cues = self.plan.cues
        if upto is not None and (found := next((n for n, c in enumerate(cues) if c.id == upto), None)) is not None:
            done, ahead = cues[: found + 1], cues[found + 1:]
        else:
            moment = now.astimezone(UTC)
            done = [c for c in cues if c.at.astimezone(UTC) <= moment]
            ahead = [c for c in cues if c.at.astimezone(UTC) > moment]
        agenda = state_at(done, now)
        if state is None:
            state = await self._floor_state()
        return BoothView(self._current(state, agenda), self._next(state, ahead))

    # -- hooks: the conductor's cues and the list's changes -------------------------------------------------

    async def on_cue(self, cue: Any, now: datetime) -> None:
        """After a cue's floor effects, before its text: a turn starting makes the following one known."""
        if CueKind(cue.kind) in (CueKind.SESSION_OPEN, CueKind.PANEL_TURN, CueKind.FLOOR_OPEN,
                                 CueKind.SESSION_CLOSE, CueKind.OPENING):
            await self.refresh(max(now.astimezone(UTC), cue.at.astimezone(UTC)), upto=str(cue.id))

    async def on_floor(self, discussion: str, state: FloorState) -> None:
        if discussion == self.current_discussion():
            await self.refresh(state=state)  # the list just committed: no second read of it

    async def refresh(self, at: datetime | None = None, *, upto: str | None = None,
                      state: FloorState | None = None) -> None:
        """Tell the booths the next speaker if it changed since the last notice. Never raises: the booths'
        notice must not break the floor or a cue."""
        try:
            async with self._lock:
                told = await self._refresh(at, upto, state)
        except Exception:
            log.exception("could not tell the booths the next speaker")
            return
        if told:  # only news: a page refetching on every change of the list is the list's own stream's job
            for hook in self.on_change:
                hook()

    async def _refresh(self, at: datetime | None, upto: str | None, state: FloorState | None) -> bool:
        view = await self.view(at, upto=upto, state=state)
        upcoming = view.next
        if upcoming is None:
            return False
        told = await self.kv.get(NAMESPACE, NOTICE_KEY, None) or {}
        if told.get("key") == upcoming.key:
            return False
        count = int(told.get("count", 0)) + 1
        texts = {lang: self.notice(view, lang) for lang in self.ctx.languages}
        # The count lets the same speaker be told again after someone else was announced in between (a
        # request that jumped ahead, then was withdrawn); the durable outbox dedupes by this key.
        await self.ctx.chat.announce(texts, audience=AudienceKind.INTERPRETERS,
                                     key=f"booths:{count}:{upcoming.key}")
        await self.kv.set(NAMESPACE, NOTICE_KEY, {"key": upcoming.key, "count": count}, self.ctx.clock.now())
        return True

    def notice(self, view: BoothView, lang: str) -> str:
        upcoming = view.next
        if upcoming is None:
            return ""
        texts = self.ctx.texts
        language = texts.language_name(upcoming.language, lang)
        affiliation = text_in(upcoming.affiliation, lang) if upcoming.affiliation else ""
        who = texts.render("interpreters.who", lang, name=upcoming.name, affiliation=affiliation) \
            if affiliation else upcoming.name
        turn = texts.render(f"interpreters.turn.{upcoming.turn}", lang, index=upcoming.index or 0,
                            of=upcoming.of or 0)
        line = texts.render("interpreters.next", lang, who=who, language=language, turn=turn)
        if view.language_change:
            line += "\n" + texts.render("interpreters.language_change", lang, language=language)
        return line

    # -- who speaks -----------------------------------------------------------------------------------------

    async def _floor_state(self) -> FloorState | None:
        discussion = self.current_discussion()
        return await self.floor.state(discussion) if discussion is not None else None

    def _current(self, state: FloorState | None, agenda: AgendaState) -> BoothSpeaker | None:
        if state is not None and state.speaking is not None:
            return self._from_floor(state.speaking.request.id, state.discussion, state.speaking.request.participant,
                                    state.speaking.ends_at)
        if agenda.phase is Phase.PANEL and agenda.item is not None:
            turn = next((c for c in self._panel_turns(agenda.item) if c.data.get("index") == agenda.turn), None)
            return self._from_panel(turn) if turn is not None else None
        if agenda.phase is Phase.SESSION_OPEN and agenda.item is not None:
            item = self.ctx.item(agenda.item)
            chair = item.all_chairs[0] if item is not None and item.all_chairs else None
            person = self.ctx.schedule.people.get(chair) if chair else None
            if chair is not None and person is not None:
                return BoothSpeaker(f"chair:{agenda.item}:{chair}", "chair", person.name, person.language,
                                    person.affiliation)
        return None

    def _next(self, state: FloorState | None, ahead: list[Cue]) -> BoothSpeaker | None:
        # The next panel turn, unless the panel's session ends (or its floor opens) first: a panel turn of
        # the next session is told when that session opens.
        for cue in ahead:
            if cue.kind is CueKind.PANEL_TURN:
                return self._from_panel(cue)
            if cue.kind in _PANEL_ENDS:
                break
        if state is not None and (state.is_open or state.pending):
            waiting = queue(state, self.ctx.policy)
            if waiting:
                head = waiting[0]
                return self._from_floor(head.id, state.discussion, head.participant, None)
        return None

    def _panel_turns(self, item: str) -> list[Cue]:
        turns = [c for c in self.plan.cues if c.kind is CueKind.PANEL_TURN and c.item == item]
        return sorted(turns, key=_index)

    def _from_panel(self, cue: Cue) -> BoothSpeaker:
        speaker = str(cue.data.get("speaker", ""))
        person = self.ctx.schedule.people.get(speaker)
        ends = cue.data.get("ends")
        return BoothSpeaker(
            f"panel:{cue.item}:{_index(cue)}", "panel", person.name if person else speaker,
            person.language if person else self.ctx.languages[0], person.affiliation if person else None,
            datetime.fromisoformat(ends) if isinstance(ends, str) else None, _index(cue),
            _int(cue.data.get("of")),
        )

    def _from_floor(self, request_id: str, discussion: str, who: Participant,
                    ends_at: datetime | None) -> BoothSpeaker:
        person = self.ctx.schedule.people.get(who.person)
        affiliation: Text | None = person.affiliation if person is not None and person.affiliation else None
        if affiliation is None:
            affiliation = self.ctx.groups.get(who.group)
        return BoothSpeaker(f"floor:{discussion}:{request_id}", "floor", who.name, who.language, affiliation,
                            ends_at)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _index(cue: Cue) -> int:
    return _int(cue.data.get("index"))
