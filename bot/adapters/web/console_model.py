"""The web console's read model, from the real services: the runtime's floor, the ledger and the plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.web.views import (
    CueStatus,
    CueView,
    EventView,
    FloorView,
    Localized,
    PersonView,
    PlaceView,
    Powers,
    QuestionView,
    RequestView,
    TimerView,
)
from bot.app.board import budget_uses
from bot.app.booth_signals import BoothSignal, Sent
from bot.app.booths import BoothView
from bot.app.plan import LivePlan, offset_minutes
from bot.app.ports.store import CueLedger
from bot.app.runtime import EventRuntime
from bot.config.model import Question, Text
from bot.domain import authz
from bot.domain.agenda.recovery import LedgerState
from bot.domain.floor import explain
from bot.domain.floor.order import Position, positions
from bot.domain.floor.rules import queue
from bot.domain.floor.state import FloorState
from bot.i18n.cues import item_title
from bot.i18n.messages import render


def _localized(text: Text | None, languages: Sequence[str]) -> Localized:
    if text is None:
        return {}
    if isinstance(text, str):
        return {lang: text for lang in languages}
    return {str(k): v for k, v in text.items()}


@dataclass
class RuntimeConsoleModel:
    runtime: EventRuntime
    ledger: CueLedger
    plan: LivePlan  # the run of show as the chairs moved it
    _view: tuple[tuple[object, ...], FloorState, FloorView] | None = field(default=None, init=False, repr=False)
    _places: tuple[tuple[object, ...], FloorState, dict[str, Position]] | None = field(
        default=None, init=False, repr=False)
    _people: list[PersonView] | None = field(default=None, init=False, repr=False)

    @property
    def _languages(self) -> list[str]:
        return self.runtime.languages

    async def event(self) -> EventView:
        s = self.runtime.schedule
        groups = {gid: _localized(name, self._languages) for gid, name in s.group_names().items()}
        return EventView(s.event.id, _localized(s.event.title, self._languages), s.event.timezone,
                         s.event.timezone_label, tuple(self._languages), groups)

    async def people(self) -> Sequence[PersonView]:
        if self._people is None:  # the schedule's people: the same for every page and fetch
            self._people = [
                PersonView(pid, p.name, p.group, p.language, _localized(p.role, self._languages) if p.role else None)
                for pid, p in self.runtime.schedule.people.items()
            ]
        return self._people

    async def person_key(self, user_id: str) -> str:
        return self.runtime.people.key_for("web", user_id)

    async def announcement_drafts(self, text: str, lang: str) -> dict[str, str] | None:
        announcer = self.runtime.announcer
        return await announcer.drafts(text, lang) if announcer.translates else None

    async def powers(self, user_id: str) -> Powers:
        s = self.runtime.schedule
        item = self.runtime.item(self.runtime.current)
        person = authz.person_for(user_id, s)
        organizer = person is not None and person in s.event.organizers
        chair = organizer or (person is not None and person in authz.chairs_of(item, s))
        return Powers(chair=chair, organizer=organizer)

    async def _state(self, discussion: str | None) -> FloorState | None:
        discussion = discussion or self.runtime.current
        if discussion is None:
            return None
        return await self.runtime.floor.state(discussion)

    async def floor_view(self, discussion: str | None = None) -> FloorView:
        """The list as the console shows it, built once per list version: every open page fetching the state
        after a change shares it. The waits count down with the speaker's time, so that is in the key too."""
        state = await self._state(discussion)
        if state is None:
            return FloorView(None)
        now = self.runtime.clock.now()
        present = self.runtime.present()
        left = int((state.speaking.ends_at - now).total_seconds()) if state.speaking else 0
        key = (state.discussion, state.version, max(left, 0), present)
        if self._view is not None and self._view[0] == key and self._view[1] is state:
            return self._view[2]
        view = self._build_view(state, now, present)
        self._view = (key, state, view)
        self._places = None
        return view

    def _positions(self, state: FloorState, now: datetime, present: frozenset[str] | None) -> dict[str, Position]:
        """Everyone's place with its reasons, once per list version and second (each page asks for its own)."""
        left = int((state.speaking.ends_at - now).total_seconds()) if state.speaking else 0
        key = (state.discussion, state.version, max(left, 0), present)
        if self._places is None or self._places[0] != key or self._places[1] is not state:
            self._places = (key, state, positions(state, now, self.runtime.policy, present))
        return self._places[2]

    def _build_view(self, state: FloorState, now: datetime, present: frozenset[str] | None) -> FloorView:
        policy = self.runtime.policy
        requests = []
        places = positions(state, now, policy, present, reasons=False)  # one walk down the order, not one per row
        for place, r in enumerate(queue(state, policy), start=1):
            pos = places[r.person]
            p = r.participant
            requests.append(RequestView(
                r.id, r.person, p.name, p.group, p.language, r.kind.value, r.note, r.at, place,
                int(pos.wait.total_seconds()), r.over_budget, pos.absent,
            ))
        item = self.runtime.item(state.discussion)
        title: Localized = {lang: item_title(item, lang) for lang in self._languages} if item else {}
        return FloorView(state.discussion, title, state.is_open, self._timer(state), tuple(requests),
                         budgets=budget_uses(self.runtime.context, state), version=state.version)

    def _timer(self, state: FloorState) -> TimerView | None:
        speaking = state.speaking
        if speaking is None:
            return None
        p = speaking.request.participant
        warn = self.runtime.policy.warn_before
        return TimerView(p.person, p.name, p.group, p.language, speaking.request.kind.value, speaking.started_at,
                         speaking.ends_at, speaking.ends_at - warn if warn > timedelta(0) else None)

    async def position(self, user_id: str, lang: str) -> PlaceView | None:
        state = await self._state(None)
        if state is None:
            return None
        person = await self.person_key(user_id)
        pos = self._positions(state, self.runtime.clock.now(), self.runtime.present()).get(person)
        if pos is None or pos.place is None or pos.request is None:
            return None
        reasons = [render(explain.reason_message(r), lang, self.runtime.groups) for r in pos.reasons]
        return PlaceView(pos.place, int(pos.wait.total_seconds()), pos.request.kind.value, reasons)

    async def timer(self) -> TimerView | None:
        state = await self._state(None)
        return self._timer(state) if state is not None else None

    async def next_question(self) -> QuestionView | None:
        item = self.runtime.item(self.runtime.current)
        if item is None or item.discussion is None or not item.discussion.questions:
            return None
        questions = item.discussion.questions
        index = self.runtime.question_index.get(item.id, 0)
        if index >= len(questions):
            return None
        q = questions[index]
        text, points = (q.text, q.points) if isinstance(q, Question) else (q, [])
        return QuestionView(index + 1, len(questions), _localized(text, self._languages),
                            tuple(_localized(p, self._languages) for p in points))

    async def run_of_show(self) -> Sequence[CueView]:
        """Every cue at its time now, with its time in the plan (a cue cut short by a chair: skipped)."""
        states: Mapping[str, LedgerState] = await self.ledger.cue_states()
        retimed = self.plan.retimed
        now_at = {cue.id: cue.at for cue in retimed.cues}
        views = []
        for cue in self.plan.plan:
            item = self.runtime.item(cue.item)
            title: Localized = {lang: item_title(item, lang) for lang in self._languages} if item else {}
            state = CueStatus.SKIPPED if cue.id in retimed.skipped else _ledger_view(states.get(cue.id))
            views.append(CueView(now_at.get(cue.id, cue.at), cue.kind.value, cue.item, title, state, cue.id,
                                 planned_at=cue.at))
        return sorted(views, key=lambda v: v.at)

    async def offset_minutes(self) -> int:
        return offset_minutes(self.plan.offset_at(self.runtime.clock.now()))


    async def booths(self) -> BoothView:
        return await self.runtime.booths.view()

    async def signals(self) -> Sequence[BoothSignal]:
        return await self.runtime.signals.recent()

    async def send_signal(self, sender: str, name: str, kind: str, text: str, *, booth: str | None) -> Sent:
        return await self.runtime.signals.send(sender, name, kind, text, booth=booth)

    def booth_of(self, email: str | None) -> str | None:
        interpreter = self.runtime.signals.interpreter(email)
        return interpreter.booth_language if interpreter is not None else None


def _ledger_view(state: LedgerState | None) -> CueStatus:
    if state in (LedgerState.POSTED, LedgerState.CLAIMED):
        return CueStatus.POSTED
    if state is LedgerState.LATE:
        return CueStatus.LATE
    if state is LedgerState.MISSED:
        return CueStatus.MISSED
    return CueStatus.PENDING
