"""The run of show as it now stands, and the chairs' use case of moving it live.

`LivePlan` is the plan with the chairs' changes applied (bot.domain.agenda.adjustments), loaded from the store
on every start and take-over; the conductor and the discussions read their cues from it. `PlanCommands`
carries out `/floor delay 10`, `delay -5`, `extend-discussion 10`, `next-panellist` and `start-discussion`:
authorised for the chairs and organizers of the item running by the plan, recorded with its audit entry in one
transaction (a refusal is audited too), then every remaining job is re-timed and the floor settled to the new
state, so "start the discussion" opens the list at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.app.context import EventContext
from bot.app.effects import Replies
from bot.app.ports.chat import InboundEvent
from bot.app.ports.store import AuditLog, AuditRecord, PlanChanges
from bot.domain import authz
from bot.domain.agenda.adjustments import Adjustment, AdjustmentKind, Retimed, apply, planned, retime
from bot.domain.agenda.state import AgendaState, state_at
from bot.domain.agenda.timeline import Cue
from bot.domain.floor.state import Participant
from bot.domain.grammar import Command, Verb

PLAN_VERBS: dict[Verb, AdjustmentKind] = {
    Verb.DELAY: AdjustmentKind.DELAY,
    Verb.EXTEND_DISCUSSION: AdjustmentKind.EXTEND_DISCUSSION,
    Verb.NEXT_PANELLIST: AdjustmentKind.NEXT_PANELLIST,
    Verb.START_DISCUSSION: AdjustmentKind.START_DISCUSSION,
}

Retimer = Callable[[Retimed], None]


@dataclass
class LivePlan:
    """The planned cues and the chairs' changes to them; `retimed` is what runs."""

    plan: Sequence[Cue]
    changes: PlanChanges | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    retimed: Retimed = field(init=False)
    on_change: list[Retimer] = field(default_factory=list)  # the conductor re-times its jobs

    def __post_init__(self) -> None:
        self.retimed = planned(self.plan)

    @property
    def cues(self) -> list[Cue]:
        return list(self.retimed.cues)

    async def load(self) -> Retimed:
        """The changes as the store has them (on every start and take-over: another process may have made some)."""
        if self.changes is not None:
            self.adjustments = await self.changes.adjustments()
        return self._changed(retime(self.plan, self.adjustments))

    def state_at(self, at: datetime) -> AgendaState:
        return state_at(self.retimed.cues, at)

    def offset_at(self, at: datetime) -> timedelta:
        return self.retimed.offset_at(at)

    async def adjust(self, adjustment: Adjustment, actor: str, audit: AuditRecord) -> Retimed | str:
        """Apply one change now and record it (with `audit`, made allowed) in one transaction; the reason key
        when it does not apply now (nothing recorded)."""
        moved = apply(self.retimed, adjustment)
        if isinstance(moved, str):
            return moved
        if self.changes is not None:
            await self.changes.append(adjustment, actor, audit)
        self.adjustments.append(adjustment)
        return self._changed(moved)

    def _changed(self, retimed: Retimed) -> Retimed:
        self.retimed = retimed
        for hook in self.on_change:
            hook(retimed)
        return retimed


@dataclass
class PlanCommands:
    ctx: EventContext
    live: LivePlan
    replies: Replies
    settle: Callable[[], Awaitable[object]]
    audit: AuditLog | None = None

    async def run(self, command: Command, event: InboundEvent, who: Participant) -> None:
        now = self.ctx.clock.now()
        kind = PLAN_VERBS[command.verb]
        state = self.live.state_at(now)
        item = self.ctx.item(state.item)
        decision = authz.authorize(event.user_id, command.verb, item, self.ctx.schedule)
        minutes = command.number or 0
        record = AuditRecord(at=now, actor=event.user_id, verb=command.verb.value, target=state.item or "-",
                             allowed=decision.allowed, reason=decision.reason_key,
                             details={"person": who.person, "minutes": minutes})
        if not decision.allowed:
            await self._audit(record)
            await self.replies.reply(who.person, event, decision.reason_key)
            return
        moved = await self.live.adjust(Adjustment(kind, now, minutes), event.user_id, record)
        if isinstance(moved, str):
            await self._audit(AuditRecord(record.at, record.actor, record.verb, record.target, False, moved,
                                          record.details))
            await self.replies.reply(who.person, event, moved)
            return
        await self.settle()  # "start the discussion" opens the list now; a delay may keep it closed longer
        key, values = self._summary(moved, now)
        await self.replies.reply(who.person, event, key, **values)

    async def _audit(self, record: AuditRecord) -> None:
        if self.audit is not None:
            await self.audit.append(record)

    def _summary(self, moved: Retimed, now: datetime) -> tuple[str, dict[str, object]]:
        """What the chair is told: how late the day now runs, and the next cue's new time."""
        minutes = offset_minutes(moved.offset_at(now))
        ahead = next((c for c in moved.cues if c.at.astimezone(UTC) > now.astimezone(UTC)), None)
        key = "plan.reply.late" if minutes > 0 else "plan.reply.early" if minutes < 0 else "plan.reply.on_time"
        time = f"{ahead.at.astimezone(self.ctx.zone()):%H:%M}" if ahead else "-"
        return key, {"minutes": abs(minutes), "next": ahead.id if ahead else "-", "time": time}


def offset_minutes(offset: timedelta) -> int:
    """Whole minutes late (negative: early), rounded toward zero as a rundown shows them."""
    return int(offset.total_seconds() / 60)
