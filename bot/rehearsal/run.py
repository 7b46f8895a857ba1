"""Rehearse a whole event on a simulated clock that jumps from one happening to the next.

The same parts as a live run, built by bot.wiring — the cue runner and its ledger, the runtime, the floor
service and its store, the chat grammar — driven by a loop instead of APScheduler: cues, the speakers'
timers, the scenario's attendees and a simulated chair (who gives the floor to the next speaker whenever
it is free) are merged in time order. Nothing waits on the wall clock, so two days run in seconds.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app.clock import Clock, SimulatedClock
from bot.app.ports.chat import InboundEvent, InboundKind, MessageRef
from bot.app.run_of_show import StartReport
from bot.app.runtime import EventRuntime
from bot.app.timers import SimulatedTimers
from bot.app.translation.service import ChatTranslator
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import Cue, plan
from bot.domain.authz import chairs_of, web_id
from bot.domain.grammar import Command, Verb, parse, parse_floor
from bot.rehearsal.scenario import Do, Scenario, SimStep
from bot.rehearsal.transcript import TranscriptChat
from bot.report.collect import collect_report
from bot.report.model import Report
from bot.wiring import Bot, Store, build, open_store

# What a simulated attendee types, per intent and language: the real chat grammar parses it.
_SAY: dict[Do, dict[str, str]] = {
    Do.REQUEST: {"en": "raise hand", "fr": "je demande la parole", "es": "pido la palabra"},
    Do.CLARIFY: {"en": "clarifying question", "fr": "question de clarification", "es": "pregunta aclaratoria"},
    Do.REPLY: {"en": "direct reply", "fr": "réponse directe", "es": "respuesta directa"},
    Do.POINT_OF_ORDER: {"en": "point of order", "fr": "motion d'ordre", "es": "cuestión de orden"},
    Do.WITHDRAW: {"en": "lower hand", "fr": "baisser la main", "es": "bajar la mano"},
    Do.WHERE: {"en": "where am i", "fr": "ma place", "es": "mi turno"},
}
SPEECH_MARGIN = timedelta(seconds=20)


@dataclass
class RehearsalResult:
    chat: TranscriptChat
    report: Report
    cues: list[Cue]
    ledger: dict[str, LedgerState]
    steps: int = 0


@dataclass
class SimulatedPeople:
    schedule: Schedule
    runtime: EventRuntime
    clock: Clock
    original: Callable[[str, str, str, str], MessageRef]  # (lang, author, text, user id): the attendee's own post
    speaks: dict[str, timedelta] = field(default_factory=dict)
    done_at: dict[str, datetime] = field(default_factory=dict)  # request id -> when its speaker stops
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def event(self, user_id: str, kind: InboundKind, text: str, **extra: Any) -> InboundEvent:
        """What a surface would hand the dispatcher: the grammar parsed once, here at the (simulated) edge."""
        command = parse(text) if kind is InboundKind.MESSAGE else parse_floor(text)
        return InboundEvent("simulated", f"sim-{next(self.ids)}", kind, user_id, self.clock.now(), text,
                            command=command, **extra)

    async def act(self, action: SimStep) -> None:
        who = action.who
        user_id = f"sim:{who.id}" if who.id not in self.schedule.people else web_id(who.id)
        common = {"display_name": who.name, "language": who.language, "extra": {"group": who.group}}
        if action.do is Do.SAY:
            ref = self.original(who.language, who.name, action.text or "", user_id)
            await self.runtime.handle(self.event(user_id, InboundKind.MESSAGE, action.text or "", ref=ref, **common))
            return
        text = _SAY[action.do][who.language]
        if action.do is Do.REQUEST and action.note:
            text = f"q+ to {action.note}"
        if action.speaks is not None:
            self.speaks[user_id] = action.speaks
        ref = self.original(who.language, who.name, text, user_id)
        await self.runtime.handle(self.event(user_id, InboundKind.MESSAGE, text, ref=ref, **common))

    async def chair_step(self) -> None:
        """The simulated chair: the floor goes to the next speaker as soon as it is free."""
        discussion = self.runtime.current
        if discussion is None:
            return
        state = await self.runtime.floor.state(discussion)
        now = self.clock.now()
        if state.speaking is not None and now < self._speech_end(state.speaking.request.id,
                                                                 state.speaking.request.person,
                                                                 state.speaking.started_at):
            return
        if state.speaking is None and not state.pending:
            return
        chair = self._chair(discussion)
        verb = Verb.NEXT if state.pending else Verb.STOP
        event = self.event(web_id(chair), InboundKind.COMMAND, verb.value)
        participant = self.runtime.people.participant(chair)
        if participant is None:
            return
        outcome = await self.runtime.run(Command(verb), event, participant)
        speaking = outcome.state.speaking if outcome is not None else None
        if speaking is not None:
            self._speech_end(speaking.request.id, speaking.request.person, speaking.started_at)

    def _speech_end(self, request_id: str, person: str, started_at: datetime) -> datetime:
        """When this speaker stops talking (their scenario `speaks`, else a little under the speaking time)."""
        if request_id not in self.done_at:
            length = self.speaks.get(self._user_of(person), self.runtime.policy.speaking_time - SPEECH_MARGIN)
            self.done_at[request_id] = started_at + length
        return self.done_at[request_id]

    def next_speech_end(self) -> datetime | None:
        pending = [at for at in self.done_at.values() if at > self.clock.now()]
        return min(pending) if pending else None

    def _user_of(self, person: str) -> str:
        return self.runtime.people.reach(person) or person

    def _chair(self, discussion: str) -> str:
        item = self.schedule.item(discussion)
        chairs = chairs_of(item, self.schedule) or list(self.schedule.event.organizers)
        return chairs[0]


async def rehearse(
    schedule: Schedule,
    *,
    scenario: Scenario | None = None,
    database_url: str,
    translator: ChatTranslator | None = None,
    max_steps: int = 1_000_000,
    schedule_path: str | None = None,
) -> RehearsalResult:
    """Run the whole event; returns the transcript and the report."""
    if not plan(schedule):
        raise ValueError("the schedule has no cues to rehearse")
    store = await open_store(database_url)
    try:
        rehearsal = await Rehearsal.open(schedule, store, scenario=scenario, translator=translator,
                                         schedule_path=Path(schedule_path) if schedule_path else None)
        await rehearsal.run(max_steps=max_steps)
        return await rehearsal.result()
    finally:
        await store.close()


class Rehearsal:
    """The parts of one rehearsal process (the bot as bot.wiring builds it, on a simulated clock, with a
    transcript for its chat), and the loop that drives them.

    `run(until=...)` stops at a given agenda time, so a test can "kill" the process there and open
    another `Rehearsal` on the same store, as a restart would."""

    def __init__(self, bot: Bot, chat: TranscriptChat, clock: SimulatedClock, timers: SimulatedTimers,
                 scenario: Scenario | None) -> None:
        self.bot = bot
        self.schedule = bot.schedule
        self.store = bot.store
        self.clock = clock
        self.chat = chat
        self.timers = timers
        self.runtime = bot.runtime
        self.ledger = bot.store.ledger
        self.runner = bot.runner
        self.people = SimulatedPeople(self.schedule, self.runtime, self.clock, self.chat.original)
        self.actions: Sequence[SimStep] = [
            a for a in (scenario.actions if scenario else ()) if a.at >= self.clock.now()
        ]
        # Cues before the clock's start are the past (a start or restart recovers them, `resume`).
        self._done = {c.id for c in self.cues if c.at < self.clock.now()}
        self._action_i = 0
        self.steps = 0

    @classmethod
    async def open(
        cls, schedule: Schedule, store: Store, *, scenario: Scenario | None = None,
        translator: ChatTranslator | None = None, start: datetime | None = None, schedule_path: Path | None = None,
    ) -> Rehearsal:
        """A rehearsal process on `store` (the caller's to close), its clock at `start` (default: a minute
        before the first cue). It reaches nothing outside: no settings are read, it alone posts the cues."""
        cues = plan(schedule)
        clock = SimulatedClock(start or cues[0].at - timedelta(minutes=1))
        chat = TranscriptChat(clock)
        timers = SimulatedTimers()
        bot = await build(schedule, Settings.model_construct(), clock=clock, store=store, surface=chat, timers=timers,
                          translator=translator, schedule_path=schedule_path, lead=False,
                          owner=f"rehearsal-{uuid.uuid4().hex[:8]}")
        await bot.runtime.plan.load()  # the chairs' changes a previous process made: what is past follows them
        return cls(bot, chat, clock, timers, scenario)

    async def resume(self, grace: timedelta) -> StartReport:
        """What a restarted process does first: the floor and its timers as they were, and the cues whose
        time has passed recovered by the conductor from the ledger (posted late within grace or if still
        needed, the rest listed to the chairs in one summary, never twice), then the floor brought to the
        plan's state (the list that should be open opened, whatever was posted). The loop then runs only
        what is still ahead."""
        from zoneinfo import ZoneInfo

        from bot.app.run_of_show import Conductor
        from bot.domain.agenda.timemap import TimeMap

        await self.runtime.restore()
        past = [c for c in self.cues if c.at <= self.clock.now()]
        conductor = Conductor(self.runner, past, timemap=TimeMap.identity(self.cues[0].at),
                              zone=ZoneInfo(self.schedule.event.timezone), grace=grace,
                              settle=self.runtime.settle)
        try:
            return await conductor.start(paused=True)
        finally:
            conductor.shutdown()

    @property
    def cues(self) -> Sequence[Cue]:
        """The run of show as it now stands (a chair's change to the plan re-times what is ahead)."""
        return self.runtime.plan.retimed.cues

    def _next_cue(self) -> Cue | None:
        return next((c for c in self.cues if c.id not in self._done), None)

    async def run(self, *, until: datetime | None = None, max_steps: int = 1_000_000) -> None:
        actions, clock, timers, people = self.actions, self.clock, self.timers, self.people
        while self.steps < max_steps:
            upcoming = self._next_cue()
            candidates = [
                t for t in (
                    upcoming.at if upcoming is not None else None,
                    actions[self._action_i].at if self._action_i < len(actions) else None,
                    timers.next_at(),
                    people.next_speech_end(),
                ) if t is not None
            ]
            at = min(candidates) if candidates else None
            if at is None or (until is not None and at > until):
                if until is not None:  # stopped at `until` even when nothing more was ahead (the day is over)
                    clock.set(max(until, clock.now()))
                break
            self.steps += 1
            if at > clock.now():
                clock.set(at)
            now = clock.now()
            while (cue := self._next_cue()) is not None and cue.at <= now:
                self._done.add(cue.id)
                await self.runner.fire(cue)
            for job in timers.pop_due(now):
                await job()
            while self._action_i < len(actions) and actions[self._action_i].at <= now:
                await people.act(actions[self._action_i])
                self._action_i += 1
            await people.chair_step()

    async def result(self) -> RehearsalResult:
        report = await collect_report(self.schedule, self.store.floor, self.ledger, self.cues,
                                      self.runtime.question_index, written=self.store.inputs)
        return RehearsalResult(self.chat, report, list(self.cues), await self.ledger.cue_states(), self.steps)

