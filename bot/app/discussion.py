"""A discussion's lifecycle: opened and closed on the conductor's cues, its questions, carry-over.

The run of show's cues reach the floor here (`on_cue`): the list opens at the discussion and closes at
the session's end, where whoever still waits is told their request was not served (or, under the
schedule's `carry_over`, that it moves to the next discussion). On every start `settle` brings the floor
to the plan's state at the agenda's now, whether or not the cues were posted. What must survive a restart
(the running discussion, questions posted, where "the floor is open" was posted) is kept in the key-value
store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.app.context import EventContext
from bot.app.effects import Effects
from bot.app.floor import SYSTEM_ACTOR, FloorOp, FloorService, open_op, stop_op
from bot.app.plan import LivePlan
from bot.app.ports.chat import MessageRef
from bot.app.ports.store import KeyValues
from bot.config.model import Question, Text
from bot.domain.agenda.state import AgendaState
from bot.domain.agenda.timeline import Cue, CueKind
from bot.domain.floor.events import FloorEvent, Outcome, RequestCarried, RequestUnserved
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.rules import carry, position
from bot.domain.floor.state import FloorState

RUNTIME_NS = "runtime"


@dataclass
class Discussions:
    """Which discussion runs, and what happens when one opens or closes."""

    ctx: EventContext
    floor: FloorService
    kv: KeyValues
    effects: Effects
    plan: LivePlan  # the run of show with the chairs' changes
    current: str | None = None  # the item id whose discussion is running
    question_index: dict[str, int] = field(default_factory=dict)  # item id -> questions posted so far
    floor_posts: set[tuple[str, str]] = field(default_factory=set)  # (channel, id) of "the floor is open"
    _order: list[str] | None = None  # the discussions in run-of-show order, from the plan

    async def restore(self) -> None:
        """Pick up where a previous process stopped: the running discussion, questions posted, timers."""
        self.current = await self.kv.get(RUNTIME_NS, "current", None)
        self.question_index = dict(await self.kv.get(RUNTIME_NS, "questions", {}) or {})
        self.floor_posts = {(str(c), str(i)) for c, i in await self.kv.get(RUNTIME_NS, "floor_posts", []) or []}
        if self.current is not None:
            self.effects.arm_timers(await self.floor.state(self.current))

    async def save(self) -> None:
        now = self.ctx.clock.now()
        await self.kv.set(RUNTIME_NS, "current", self.current, now)
        await self.kv.set(RUNTIME_NS, "questions", self.question_index, now)
        await self.kv.set(RUNTIME_NS, "floor_posts", sorted(self.floor_posts), now)

    def remember_floor_posts(self, refs: list[MessageRef]) -> None:
        self.floor_posts.update((r.channel, r.id) for r in refs)

    def is_floor_post(self, ref: MessageRef | None) -> bool:
        if ref is None:
            return self.current is not None
        return (ref.channel, ref.id) in self.floor_posts or not self.floor_posts

    async def on_cue(self, cue: Any, now: datetime) -> None:
        """A cue's effects on the floor, before its text is posted."""
        kind = CueKind(cue.kind)
        if kind is CueKind.FLOOR_OPEN:
            await self.open(cue.item, now)
        elif kind is CueKind.QUESTION:
            # Question cues are numbered from 1; question_index counts the questions posted so far.
            self.question_index[cue.item] = max(self.question_index.get(cue.item, 0), int(cue.data.get("index", 0)))
            await self.save()
        elif kind is CueKind.SESSION_CLOSE:
            await self.close(cue.item, now)

    def cues(self) -> list[Cue]:
        """The run of show as it now stands: the agenda state and the carry-over both read it."""
        return self.plan.cues

    def planned(self) -> AgendaState:
        """Where the agenda is now, by the plan and the chairs' changes (whatever was or was not posted)."""
        return self.plan.state_at(self.ctx.clock.now())

    async def settle(self) -> AgendaState:
        """Bring the floor to the plan's state (on every start): a discussion that should have ended is
        closed (its requests carried over if the schedule says so), the one that should run is opened,
        and its guiding questions due are counted, whether or not their cues were posted. A floor already
        in that state is left as it is, so a chair's changes to a running list survive a restart."""
        target = self.planned()
        now = self.ctx.clock.now()
        if self.current is not None and self.current != target.discussion:
            await self.close(self.current, now)
        if target.discussion is not None:
            if self.current != target.discussion:
                await self.open(target.discussion, now)
            if self.question_index.get(target.discussion, 0) < target.question:
                self.question_index[target.discussion] = target.question
                await self.save()
        return target

    async def open(self, item_id: str, now: datetime) -> None:
        previous = self.current
        if previous is not None and previous != item_id:
            await self.close(previous, now)
        self.current = item_id
        state = await self.floor.state(item_id)
        if not state.is_open:
            await self.floor.execute(item_id, open_op(), SYSTEM_ACTOR, now)
        await self.save()
        await self.effects.floor_changed(item_id, await self.floor.state(item_id))

    async def close(self, item_id: str, now: datetime) -> None:
        """The session ends: the speaker's turn is recorded, and whoever is still waiting is told their
        request was not served (or, under `carry_over`, that it moves to the next discussion)."""
        state = await self.floor.state(item_id)
        if state.speaking is not None:
            outcome = await self.floor.execute(item_id, stop_op(), SYSTEM_ACTOR, now)
            await self.effects.after(item_id, outcome, actor=None, event=None)
            state = outcome.state
        following = self.following(item_id)
        carrying = self.ctx.policy.carry_over and bool(state.pending) and following is not None
        if carrying and following is not None:
            # The next list takes the requests durably before this one lets them go: a crash in between
            # retries the close, and the next list does not take a request twice.
            await self.floor.execute(following, carry_op(state), SYSTEM_ACTOR, now)
        outcome = await self.floor.execute(item_id, end_discussion_op(carried=carrying), SYSTEM_ACTOR, now)
        await self.effects.after(item_id, outcome, actor=None, event=None)
        self.effects.disarm_timers(item_id)
        if self.current == item_id:
            self.current = None
        await self.save()

    def following(self, item_id: str) -> str | None:
        """The discussion after `item_id` in the run of show: where carried requests go."""
        if self._order is None:
            opens = sorted((c for c in self.cues() if c.kind is CueKind.FLOOR_OPEN), key=lambda c: c.at)
            self._order = [c.item for c in opens]
        if item_id not in self._order:
            return None
        index = self._order.index(item_id)
        return self._order[index + 1] if index + 1 < len(self._order) else None

    async def place_of(self, source: str, user_id: str, email: str | None = None) -> int | None:
        """A user's 1-based place in the running discussion's list, if they are on it (for App Home)."""
        if self.current is None:
            return None
        person = self.ctx.people.key_for(source, user_id, email)
        state = await self.floor.state(self.current)
        return position(state, person, self.ctx.clock.now(), self.ctx.policy, self.ctx.present()).place

    async def post_question(self, number: int | None) -> None:
        """The chair's `question [n]`: the next (or n-th) of the discussion's questions, in every language."""
        item = self.ctx.item(self.current)
        if item is None or item.discussion is None or not item.discussion.questions:
            return
        questions = item.discussion.questions
        index = (number - 1) if number else self.question_index.get(item.id, 0)
        if not 0 <= index < len(questions):
            return
        self.question_index[item.id] = max(self.question_index.get(item.id, 0), index + 1)
        await self.save()
        question: Question | Text = questions[index]
        texts = {lang: self.ctx.texts.render("runtime.question", lang, number=index + 1, total=len(questions),
                                   question=self.ctx.texts.question(question, lang)) for lang in self.ctx.languages}
        now = self.ctx.clock.now()
        await self.ctx.chat.announce(texts, key=f"question:{item.id}:{index + 1}:{now.isoformat()}")


def carry_op(source: FloorState) -> FloorOp:
    """The next discussion's list takes what `source` did not serve (domain rule `carry`)."""

    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return carry(state, source, now, policy)

    return FloorOp("carry", apply, {"from": source.discussion})


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
