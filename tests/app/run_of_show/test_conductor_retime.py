"""The conductor's APScheduler jobs follow a chair's change to the plan; posting at start never delays
scheduling (a Slack outage longer than the grace must not let the cues due meanwhile be misfire-skipped)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED, JobExecutionEvent, JobSubmissionEvent

from bot.app.clock import SimulatedClock, SystemClock
from bot.app.ports.chat import AudienceKind, MessageRef
from bot.app.run_of_show import Conductor, CueRunner
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timemap import TimeMap
from bot.i18n.texts import CatalogTexts
from bot.rehearsal.recording import RecordingChat
from tests.app.run_of_show.test_conductor import ZONE, FakeCue, MemoryLedger, render


async def test_a_change_re_times_every_job_ahead_and_drops_the_cues_cut_short() -> None:
    start = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
    clock = SimulatedClock(start)
    cues = [FakeCue("done", start - timedelta(minutes=5)), FakeCue("turn/2", start + timedelta(minutes=10)),
            FakeCue("turn/1/warning", start + timedelta(minutes=9)), FakeCue("close", start + timedelta(hours=1))]
    chat = RecordingChat()
    runner = CueRunner(chat, MemoryLedger({"done": LedgerState.POSTED}), render, ["en"], "test", clock,
                       CatalogTexts())
    conductor = Conductor(runner, cues, timemap=TimeMap.identity(start), zone=ZONE)
    await conductor.start(paused=True)
    try:
        assert [j for j, _ in conductor.pending()] == ["cue:turn/1/warning", "cue:turn/2", "cue:close"]
        # next-panellist now: the next turn is due now, the warning of the turn cut short is dropped.
        conductor.retime([cues[0], FakeCue("turn/2", start), cues[3]])
        assert conductor.pending() == [("cue:turn/2", start), ("cue:close", start + timedelta(hours=1))]
        await conductor._fire_job("turn/1/warning")  # a job already taken by the scheduler posts nothing
        await conductor._fire_job("turn/2")
        assert chat.texts(op="announce") == ["[en] turn/2"]
        # delay 10: what is still ahead moves; what was posted stays.
        conductor.retime([cues[0], FakeCue("turn/2", start), FakeCue("close", start + timedelta(minutes=70))])
        assert conductor.pending()[-1] == ("cue:close", start + timedelta(minutes=70))
    finally:
        conductor.shutdown()


@dataclass
class HeldChat(RecordingChat):
    """A chat whose posts wait until `release` (Slack down at start-up)."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: asyncio.Event = field(default_factory=asyncio.Event)

    async def announce(self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
                       key: str | None = None, actions: Sequence[object] = ()) -> list[MessageRef]:
        self.waiting.set()
        await self.release.wait()
        return await super().announce(texts, audience=audience, key=key)


async def test_posting_at_start_never_delays_scheduling() -> None:
    # The conductor decides on a clock two minutes behind the scheduler's: "soon" is still ahead when it
    # decides (a job, not a late post), and already due when the scheduler first looks (no wall-clock wait).
    now = SystemClock().now() - timedelta(minutes=2)
    clock = SimulatedClock(now)
    chat = HeldChat()
    posted_twice = asyncio.Event()

    def on_posted(cue: object, refs: object) -> None:
        if len(chat.texts(op="announce")) == 2:
            posted_twice.set()

    runner = CueRunner(chat, MemoryLedger(), render, ["en"], "test", clock, CatalogTexts(),
                       on_posted=on_posted)  # type: ignore[arg-type]
    # One cue a minute late (posted late at start, held by the outage), one due at once (on the scheduler).
    cues = [FakeCue("late", now - timedelta(minutes=1)), FakeCue("soon", now + timedelta(minutes=1))]
    conductor = Conductor(runner, cues, timemap=TimeMap.identity(now), zone=ZONE, grace=timedelta(minutes=2))
    submitted, missed = asyncio.Event(), []

    def listen(event: JobSubmissionEvent | JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            missed.append(event.job_id)
        elif event.job_id == "cue:soon":
            submitted.set()

    conductor.scheduler.add_listener(listen, EVENT_JOB_SUBMITTED | EVENT_JOB_MISSED)
    starting = asyncio.create_task(conductor.start())
    try:
        await asyncio.wait_for(chat.waiting.wait(), timeout=30)
        assert not starting.done() and conductor.scheduler.running, "the scheduler runs while the post waits"
        await asyncio.wait_for(submitted.wait(), timeout=30)  # the due cue's job ran: not misfire-skipped
        assert chat.transcript == []
        chat.release.set()
        report = await asyncio.wait_for(starting, timeout=30)
        assert report.posted_late == ["late"] and report.scheduled == 1
        await asyncio.wait_for(posted_twice.wait(), timeout=30)
        assert chat.texts(op="announce") == ["(posted late) [en] late", "[en] soon"], "in the plan's order"
        assert missed == []
    finally:
        conductor.shutdown()


async def test_a_change_made_through_another_process_is_read_before_a_cue_is_posted() -> None:
    start = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
    clock = SimulatedClock(start)
    chat = RecordingChat()
    runner = CueRunner(chat, MemoryLedger(), render, ["en"], "test", clock, CatalogTexts())
    cue = FakeCue("turn/2", start + timedelta(minutes=10))
    conductor = Conductor(runner, [cue], timemap=TimeMap.identity(start), zone=ZONE)

    async def delayed_elsewhere() -> None:  # what the store says now: `delay 10`, made by a standby
        conductor.retime([FakeCue("turn/2", start + timedelta(minutes=20))])

    conductor.refresh = delayed_elsewhere
    await conductor.start(paused=True)
    try:
        clock.set(cue.at)
        await conductor._fire_job("turn/2")
        assert chat.transcript == [], "not at its old time"
        assert conductor.pending() == [("cue:turn/2", start + timedelta(minutes=20))]
        clock.set(start + timedelta(minutes=20))
        await conductor._fire_job("turn/2")
        assert chat.texts(op="announce") == ["[en] turn/2"]
    finally:
        conductor.shutdown()
