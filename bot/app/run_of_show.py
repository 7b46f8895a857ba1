"""The conductor: the run of show as APScheduler jobs, each cue claimed in the ledger before it is posted.

On every start it asks `bot.domain.agenda.recovery.decide` what each cue's fate is given the ledger, so a restart
never loses a cue and never posts one twice; jobs are derived from the schedule plus the ledger, never
trusted to a job store (PLATFORM-NOTES: APScheduler's default grace silently drops what a downed process
missed). Every job sets `misfire_grace_time` explicitly; the grace is agenda time (a rehearsal at
`--speed 60` misses what a live run would). A cue past grace is reported, not posted, unless attendees
still need it, so once the past cues are dealt with the conductor has the floor settled to the plan's
state (`settle`, bot/domain/agenda/state.py): what the floor should be never depends on what was posted.

What a start finds past grace is told to the chairs once, as a stage manager would: one summary per start
(where the agenda is, whether the list is open, what was not posted) rather than one notice per cue; what
attendees still need is posted late, marked so (the rule: `bot.domain.agenda.recovery.still_needed`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.app.clock import Clock
from bot.app.ports.chat import AudienceKind, ChatPort, MessageRef
from bot.app.ports.store import CueLedger
from bot.app.ports.texts import Texts
from bot.domain.agenda.recovery import CueDecision, Fate, LedgerState, decide, still_needed
from bot.domain.agenda.state import AgendaState, state_at
from bot.domain.agenda.timeline import Cue
from bot.domain.agenda.timemap import TimeMap

log = logging.getLogger(__name__)


class CueLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def kind(self) -> Any: ...
    @property
    def item(self) -> str: ...
    @property
    def data(self) -> Mapping[str, object]: ...


Renderer = Callable[[CueLike, str], str]  # (cue, lang) -> text
CueHook = Callable[[CueLike, datetime], Awaitable[None]]  # side effects of a cue on the floor
LeaderCheck = Callable[[], Awaitable[bool]]
ItemTitle = Callable[[str, str], str]  # (item id, lang) -> the item's title as the agenda gives it
CueTimesOf = Callable[[CueLike], tuple[datetime, datetime]]  # (planned, due) wall times, kept in the ledger


def _item_id(item: str, lang: str) -> str:
    return item


async def _always_leader() -> bool:
    return True


def _kind(cue: CueLike) -> str:
    return str(getattr(cue.kind, "value", cue.kind))


@dataclass
class CueRunner:
    """Posts one cue exactly once: claim, run its floor effects, render in every language, post, mark."""

    chat: ChatPort
    ledger: CueLedger
    render: Renderer
    languages: Sequence[str]
    owner: str
    clock: Clock
    texts: Texts
    on_cue: CueHook | None = None
    # What a cue does to the floor happens on agenda time, like every command; the ledger keeps the wall clock
    # (`clock`). In a shifted or compressed run the two differ: a turn given at agenda time must not be closed
    # by the session's end at wall time.
    agenda: Clock | None = None
    item_title: ItemTitle = _item_id
    is_leader: LeaderCheck = _always_leader
    on_posted: Callable[[CueLike, list[MessageRef]], None] | None = None
    times_of: CueTimesOf | None = None
    posted: list[str] = field(default_factory=list)
    last_posted_at: datetime | None = None

    async def fire(self, cue: CueLike, *, late: bool = False) -> bool:
        now = self.clock.now()
        if not await self.is_leader():
            log.warning("not the leader any more; cue %s left to the leader", cue.id)
            return False
        planned_at, due_at = self.times_of(cue) if self.times_of is not None else (None, None)
        if not await self.ledger.claim_cue(cue.id, self.owner, now, planned_at=planned_at, due_at=due_at):
            log.info("cue %s already claimed elsewhere", cue.id)
            return False
        if self.on_cue is not None:
            await self.on_cue(cue, (self.agenda or self.clock).now())
        texts = {lang: self.render(cue, lang) for lang in self.languages}
        if late:
            texts = {lang: f"{self.texts.render('conductor.late_mark', lang)} {text}" for lang, text in texts.items()}
        refs = await self.chat.announce(texts, key=f"cue:{cue.id}")
        if self.on_posted is not None:
            self.on_posted(cue, refs)
        await self.ledger.mark_cue(cue.id, LedgerState.LATE if late else LedgerState.POSTED, self.clock.now())
        log.info("cue %s (%s, %s) posted%s", cue.id, _kind(cue), cue.item, " late" if late else "")
        self.posted.append(cue.id)
        self.last_posted_at = self.clock.now()
        return True

    async def repost(self, cue: CueLike) -> bool:
        """A chair's `/floor repost`: post a cue reported missed, marked late, and mark it posted late; False
        if it was not missed (or another process reposts it). Only the announcement: the floor was already
        brought to the plan's state when the cue was skipped."""
        if not await self.ledger.reclaim_missed(cue.id, self.owner, self.clock.now()):
            return False
        texts = {lang: f"{self.texts.render('conductor.late_mark', lang)} {self.render(cue, lang)}"
                 for lang in self.languages}
        refs = await self.chat.announce(texts, key=f"cue:{cue.id}")
        if self.on_posted is not None:
            self.on_posted(cue, refs)
        await self.ledger.mark_cue(cue.id, LedgerState.LATE, self.clock.now())
        log.info("cue %s (%s, %s) posted late at a chair's request", cue.id, _kind(cue), cue.item)
        self.posted.append(cue.id)
        self.last_posted_at = self.clock.now()
        return True

    async def report_missed(self, cue: CueLike, lateness: timedelta) -> None:
        await self.report_all_missed([(cue, lateness)])

    async def report_all_missed(
        self, missed: Sequence[tuple[CueLike, timedelta]], state: AgendaState | None = None,
        at: datetime | None = None,
    ) -> None:
        """Tell the chairs, in one summary, of every cue past its grace; never post them. Claimed and marked
        in one transaction however many a late start finds; a cue another process claimed is left to it.
        `state` is where the agenda is at `at` (agenda time), for the summary's first words."""
        if not missed:
            return
        now = self.clock.now()
        won = await self.ledger.claim_cues([cue.id for cue, _ in missed], self.owner, now)
        reported = [cue for cue, _ in missed if cue.id in won]
        if not reported:
            return
        texts = {lang: self._summary(reported, state, at or now, lang) for lang in self.languages}
        await self.chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"missed:{now.isoformat()}")
        await self.ledger.mark_cues([cue.id for cue in reported], LedgerState.MISSED, self.clock.now())
        for cue, lateness in missed:
            if cue.id in won:
                log.warning("cue %s (%s, %s) missed: %s past its time; listed to the chairs, not posted", cue.id,
                            _kind(cue), cue.item, lateness)

    def _summary(self, cues: Sequence[CueLike], state: AgendaState | None, at: datetime, lang: str) -> str:
        listed = ", ".join(
            self.texts.render("conductor.not_posted_cue", lang, cue=cue.id, time=cue.at) for cue in cues
        )
        if state is None or state.item is None or state.since is None:
            return self.texts.render("conductor.summary_before", lang, count=len(cues), cues=listed)
        minutes = max(0, int((at.astimezone(UTC) - state.since.astimezone(UTC)).total_seconds() // 60))
        phase = self.texts.render(f"conductor.phase.{state.phase.value}", lang,
                                  title=self.item_title(state.item, lang), turn=state.turn or 0, turns=state.turns or 0)
        floor = self.texts.render("conductor.list_open" if state.list_open else "conductor.list_closed", lang)
        return self.texts.render("conductor.summary", lang, minutes=minutes, phase=phase, floor=floor,
                                 count=len(cues), cues=listed)


class Repost(StrEnum):
    POSTED = "posted"
    UNKNOWN = "unknown"  # no cue of that id in the run of show
    NOT_MISSED = "not-missed"  # posted already, or not reported missed (still ahead, or being posted)


@dataclass
class StartReport:
    scheduled: int
    posted_late: list[str]
    missed: list[str]
    already_done: int
    retrying: list[str] = field(default_factory=list)  # due, but still claimed by a process that died


class Conductor:
    """Drives a CueRunner from an AsyncIOScheduler on the wall clock (live, or shifted/compressed)."""

    def __init__(
        self,
        runner: CueRunner,
        cues: Sequence[CueLike],
        *,
        timemap: TimeMap,
        zone: ZoneInfo,
        grace: timedelta = timedelta(minutes=2),
        reclaim_after: timedelta = timedelta(seconds=61),
        settle: Callable[[], Awaitable[object]] | None = None,
        refresh: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.runner = runner
        # Reads the chairs' changes to the plan again before each post (one may have been made through another
        # process); it calls `retime`, so a cue moved later is not posted now.
        self.refresh = refresh
        self.settle = settle  # brings the floor to the plan's state once the past cues are dealt with
        self.reclaim_after = reclaim_after
        self.cues = {cue.id: cue for cue in cues}
        self.timemap = timemap
        self.grace = grace  # agenda time: a rehearsal at --speed 60 misses what a live run would
        self.scheduler = AsyncIOScheduler(timezone=zone)
        self._firing = asyncio.Lock()
        self._fired: set[str] = set()
        self._scheduled: set[str] = set()

    def wall_time(self, cue: CueLike) -> datetime:
        return self.timemap.to_wall(cue.at)

    async def start(self, *, paused: bool = False) -> StartReport:
        """Recompute what is due from the schedule plus the ledger, then schedule the rest.

        `paused` keeps the scheduler from running jobs (a simulated clock drives the runner instead)."""
        ledger = await self.runner.ledger.cue_states()
        now = self.timemap.to_agenda(self.runner.clock.now())
        plan = [c for c in self.cues.values() if isinstance(c, Cue)]  # the run of show (test cues say nothing)
        decisions = decide(((c.id, c.at) for c in self.cues.values()), ledger, now, self.grace,
                           needed=still_needed(plan, now))
        report = StartReport(0, [], [], 0)
        # What is still ahead is scheduled, and the scheduler started, before anything is posted: a post waits
        # for Slack as long as Slack is down, and a cue falling due meanwhile must not be misfire-skipped. Its
        # job waits on `_firing`, held here until the past cues are dealt with, so posts keep the plan's order.
        for decision in decisions:
            if decision.fate is Fate.SCHEDULE:
                self._schedule_cue(self.cues[decision.cue_id])
                report.scheduled += 1
            elif decision.fate is Fate.DONE:
                report.already_done += 1
        self.scheduler.start(paused=paused)
        async with self._firing:
            # Every missed cue is older than every cue still due: one summary to the chairs first.
            missed = [d for d in decisions if d.fate is Fate.REPORT_MISSED]
            await self.runner.report_all_missed([(self.cues[d.cue_id], d.lateness) for d in missed],
                                                state_at(plan, now), now)
            report.missed = [d.cue_id for d in missed]
            for decision in decisions:
                if decision.fate is Fate.POST_LATE:
                    await self._post_late(decision, report)
            if self.settle is not None:
                # Most cues past grace were only reported: what they would have done to the floor is done
                # here. A failure is logged: the cues still ahead matter more.
                try:
                    await self.settle()
                except Exception:
                    log.exception("could not bring the floor to the plan's state")
        return report

    def _schedule_cue(self, cue: CueLike) -> None:
        self.scheduler.add_job(
            self._fire_job,
            trigger=DateTrigger(run_date=self.wall_time(cue)),
            args=[cue.id],
            id=f"cue:{cue.id}",
            replace_existing=True,
            misfire_grace_time=self._wall_grace(),
            coalesce=True,
            max_instances=1,
        )
        self._scheduled.add(cue.id)

    def retime(self, cues: Sequence[CueLike]) -> None:
        """The chairs moved the plan: every job still ahead follows its cue's new time; a cue cut short (the
        warning of a panel turn ended early) loses its job. Cues already posted keep their place."""
        previous, self.cues = self.cues, {cue.id: cue for cue in cues}
        for cue_id in sorted(self._scheduled - self._fired):
            cue = self.cues.get(cue_id)
            if cue is None:
                self.cancel(f"cue:{cue_id}")
                self._scheduled.discard(cue_id)
            elif cue_id not in previous or self.wall_time(previous[cue_id]) != self.wall_time(cue):
                self._schedule_cue(cue)

    async def _post_late(self, decision: CueDecision, report: StartReport) -> None:
        cue = self.cues[decision.cue_id]
        if await self.runner.fire(cue, late=True):
            report.posted_late.append(cue.id)
        else:
            # Claimed by a process that died before posting: the ledger hands such a claim over once it is
            # stale, so try again then rather than drop the cue.
            self.schedule_call(f"retry:{cue.id}", self.runner.clock.now() + self.reclaim_after,
                               self._retry_late, cue.id)
            report.retrying.append(cue.id)

    async def _retry_late(self, cue_id: str) -> None:
        try:
            await self.runner.fire(self.cues[cue_id], late=True)
        except Exception:
            log.exception("late cue %s failed again", cue_id)

    async def repost(self, cue_id: str) -> Repost:
        """Post, once, a cue the chairs were told was not posted (`/floor repost <cue>`)."""
        cue = self.cues.get(cue_id)
        if cue is None:
            return Repost.UNKNOWN
        async with self._firing:  # one at a time, like the scheduler's own posts
            posted = await self.runner.repost(cue)
        return Repost.POSTED if posted else Repost.NOT_MISSED

    def _wall_grace(self) -> int:
        return max(1, int(self.grace.total_seconds() / self.timemap.speed))

    async def _fire_job(self, cue_id: str) -> None:
        # The scheduler runs jobs due at the same instant as concurrent tasks, in job-id order: fire all of
        # that instant's cues here, one after the other in plan order ("the floor is open" before "guiding
        # question 1"), and let their own jobs find them done.
        async with self._firing:
            before = self.cues.get(cue_id)
            if self.refresh is not None:
                try:
                    await self.refresh()
                except Exception:
                    log.exception("could not read the chairs' changes to the plan; the cues run as they were")
            if cue_id not in self.cues:
                return  # cut short by a chair's change to the plan while it waited its turn
            due = self.wall_time(self.cues[cue_id])
            if before is not None and due > self.wall_time(before):
                return  # moved later by a chair meanwhile: `retime` gave it a new job
            siblings = [c for c in self.cues.values()
                        if c.id in self._scheduled and c.id not in self._fired and self.wall_time(c) == due]
            for cue in siblings:
                self._fired.add(cue.id)
                lateness = self.runner.clock.now() - due
                try:
                    await self.runner.fire(cue, late=lateness > timedelta(seconds=5))
                except Exception:
                    # A failed post must not kill the scheduler; the ledger still says "claimed", so the next
                    # start posts it late or reports it missed — it is never silently dropped.
                    log.exception("cue %s failed", cue.id)

    def schedule_call(
        self, job_id: str, at_wall: datetime, func: Callable[..., Awaitable[None]], *args: object
    ) -> None:
        """A one-off job such as a speaking timer's warning or expiry (replaces the job of the same id)."""
        self.scheduler.add_job(
            func,
            trigger=DateTrigger(run_date=at_wall),
            args=list(args),
            id=job_id,
            replace_existing=True,
            misfire_grace_time=self._wall_grace(),
            coalesce=True,
            max_instances=1,
        )

    def cancel(self, job_id: str) -> None:
        if self.scheduler.get_job(job_id) is not None:
            self.scheduler.remove_job(job_id)

    def pending(self) -> list[tuple[str, datetime]]:
        return sorted(((job.id, job.next_run_time) for job in self.scheduler.get_jobs()), key=lambda j: j[1])

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
