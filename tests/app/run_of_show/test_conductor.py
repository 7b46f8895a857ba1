"""The conductor on its scheduler: recovery on start, exactly-once posting, explicit grace."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app.clock import SimulatedClock
from bot.app.ports.chat import AudienceKind
from bot.app.run_of_show import Conductor, CueRunner
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timemap import TimeMap
from bot.i18n.texts import CatalogTexts
from bot.rehearsal.recording import RecordingChat

ZONE = ZoneInfo("Europe/Zurich")


@dataclass(frozen=True)
class FakeCue:
    id: str
    at: datetime
    kind: str = "question"
    item: str = "session-1"
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass
class MemoryLedger:
    """A ledger with the store's semantics (first claim wins), kept in memory for scheduler tests."""

    states: dict[str, LedgerState] = field(default_factory=dict)

    async def cue_states(self) -> dict[str, LedgerState]:
        return dict(self.states)

    async def claim_cue(self, cue_id: str, owner: str, now: datetime, *, planned_at: datetime | None = None,
                        due_at: datetime | None = None) -> bool:
        if cue_id in self.states and self.states[cue_id] is not LedgerState.CLAIMED:
            return False
        self.states[cue_id] = LedgerState.CLAIMED
        return True

    async def mark_cue(self, cue_id: str, state: LedgerState, now: datetime) -> None:
        self.states[cue_id] = state

    async def claim_cues(self, cue_ids: Sequence[str], owner: str, now: datetime) -> set[str]:
        return {cue_id for cue_id in cue_ids if await self.claim_cue(cue_id, owner, now)}

    async def mark_cues(self, cue_ids: Sequence[str], state: LedgerState, now: datetime) -> None:
        for cue_id in cue_ids:
            await self.mark_cue(cue_id, state, now)

    async def reclaim_missed(self, cue_id: str, owner: str, now: datetime) -> bool:
        if self.states.get(cue_id) is not LedgerState.MISSED:
            return False
        self.states[cue_id] = LedgerState.CLAIMED
        return True


def render(cue: FakeCue, lang: str) -> str:
    return f"[{lang}] {cue.id}"


async def test_restart_posts_late_once_reports_missed_and_schedules_future() -> None:
    start = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
    clock = SimulatedClock(start + timedelta(minutes=10))
    cues = [
        FakeCue("done", start),
        FakeCue("long-gone", start),
        FakeCue("just-late", start + timedelta(minutes=9)),
        FakeCue("future", start + timedelta(hours=1)),
    ]
    ledger = MemoryLedger({"done": LedgerState.POSTED})
    chat = RecordingChat()
    runner = CueRunner(chat, ledger, render, ["en", "fr", "es"], "test", clock, CatalogTexts())
    conductor = Conductor(runner, cues, timemap=TimeMap.identity(start), zone=ZONE, grace=timedelta(minutes=2))
    report = await conductor.start(paused=True)
    try:
        assert report.posted_late == ["just-late"]
        assert report.missed == ["long-gone"]
        assert report.scheduled == 1 and report.already_done == 1
        assert [job_id for job_id, _ in conductor.pending()] == ["cue:future"]
        assert all(job.misfire_grace_time == 120 for job in conductor.scheduler.get_jobs())
        assert chat.texts(lang="fr", op="announce") == [
            ("⚠️ Démarrage tardif. Annonces non publiées (1)\u00a0: long-gone (09\u00a0h\u00a000). "
             "La présidence peut publier chacune d'elles avec `/floor republier <annonce>`."),
            "(publié en retard) [fr] just-late",
        ]
        assert [e.audience for e in chat.transcript if e.key and e.key.startswith("missed:")] == ["chairs"] * 3
        assert ledger.states["just-late"] is LedgerState.LATE
        assert ledger.states["long-gone"] is LedgerState.MISSED
    finally:
        conductor.shutdown()

    # A second start (restart) posts nothing again.
    chat2 = RecordingChat()
    runner2 = CueRunner(chat2, ledger, render, ["en", "fr", "es"], "test", clock, CatalogTexts())
    conductor2 = Conductor(runner2, cues, timemap=TimeMap.identity(start), zone=ZONE, grace=timedelta(minutes=2))
    report2 = await conductor2.start(paused=True)
    conductor2.shutdown()
    assert chat2.transcript == [] and report2.already_done == 3 and report2.scheduled == 1


def _frozen_at_the_wall_clock() -> SimulatedClock:
    """The runner's clock stands still at the wall's now while APScheduler (on the wall clock) fires a job due
    a millisecond later at its first wake-up: the runner never sees the cue as late, however loaded the
    machine (with the real clock, a start delayed past the millisecond decided "post late")."""
    return SimulatedClock(datetime.now(UTC))


async def test_a_due_job_fires_through_the_scheduler_exactly_once() -> None:
    clock = _frozen_at_the_wall_clock()
    now = clock.now()
    fired = asyncio.Event()
    ledger = MemoryLedger()
    chat = RecordingChat()

    async def on_cue(cue: object, at: datetime) -> None:
        fired.set()

    runner = CueRunner(chat, ledger, render, ["en"], "test", clock, CatalogTexts(), on_cue=on_cue)
    # Scheduled "now": APScheduler runs it on its first wake-up, no wall-clock wait in the test.
    cue = FakeCue("now", now + timedelta(milliseconds=1))
    conductor = Conductor(runner, [cue], timemap=TimeMap.identity(now), zone=ZONE)
    await conductor.start()
    try:
        await asyncio.wait_for(fired.wait(), timeout=5)
        assert chat.texts(op="announce") == ["[en] now"]
        assert ledger.states["now"] is LedgerState.POSTED
        # Firing the same cue again is refused by the ledger.
        assert await runner.fire(cue) is False
        assert len(chat.transcript) == 1
    finally:
        conductor.shutdown()


async def test_two_runners_never_post_the_same_cue_twice() -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 9, 0, tzinfo=UTC))
    ledger = MemoryLedger()
    chat = RecordingChat()
    cue = FakeCue("x", clock.now())
    a = CueRunner(chat, ledger, render, ["en"], "a", clock, CatalogTexts())
    b = CueRunner(chat, ledger, render, ["en"], "b", clock, CatalogTexts())
    results = await asyncio.gather(a.fire(cue), b.fire(cue))
    assert sorted(results) == [False, True]
    assert [e.audience for e in chat.transcript] == [AudienceKind.PARTICIPANTS.value]


async def test_a_cue_claimed_by_a_dead_process_is_retried_not_dropped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.adapters.store.engine import create_engine
    from bot.adapters.store.ledger import SqlCueLedger
    from bot.adapters.store.migrate import upgrade_to_head

    db = create_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    await upgrade_to_head(db)
    try:
        start = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
        clock = SimulatedClock(start + timedelta(seconds=30))
        ledger = SqlCueLedger(db)
        assert await ledger.claim_cue("q1", "dead-process", start + timedelta(seconds=5))  # died before posting
        chat = RecordingChat()
        runner = CueRunner(chat, ledger, render, ["en"], "successor", clock, CatalogTexts())
        conductor = Conductor(runner, [FakeCue("q1", start)], timemap=TimeMap.identity(start), zone=ZONE)
        report = await conductor.start(paused=True)
        assert report.retrying == ["q1"] and chat.transcript == []
        [(job_id, at)] = conductor.pending()
        assert job_id == "retry:q1" and at == clock.now() + timedelta(seconds=61)
        clock.set(at)
        await conductor._retry_late("q1")
        conductor.shutdown()
        assert chat.texts(op="announce") == ["(posted late) [en] q1"]
        assert (await ledger.cue_states())["q1"] is LedgerState.LATE
    finally:
        await db.dispose()


async def test_cues_due_at_the_same_instant_are_posted_in_plan_order() -> None:
    """"The floor is now open" before "Guiding question 1": the scheduler runs same-instant jobs as
    concurrent tasks in job-id order, and the floor cue's effects take longer than the question's."""
    clock = _frozen_at_the_wall_clock()
    now = clock.now()
    ledger = MemoryLedger()
    chat = RecordingChat()
    both = asyncio.Event()

    async def on_cue(cue: FakeCue, at: datetime) -> None:
        if cue.kind == "floor-open":
            for _ in range(5):  # opening the list takes a few round trips to the store
                await asyncio.sleep(0)

    def on_posted(cue: object, refs: object) -> None:
        if len(chat.texts(op="announce")) == 2:
            both.set()

    runner = CueRunner(chat, ledger, render, ["en"], "test", clock, CatalogTexts(), on_cue=on_cue,  # type: ignore[arg-type]
                       on_posted=on_posted)  # type: ignore[arg-type]
    at = now + timedelta(milliseconds=1)
    cues = [FakeCue("z/floor", at, kind="floor-open"), FakeCue("a/question/1", at)]  # ids sort the other way
    conductor = Conductor(runner, cues, timemap=TimeMap.identity(now), zone=ZONE)
    await conductor.start()
    try:
        await asyncio.wait_for(both.wait(), timeout=5)
        assert chat.texts(op="announce") == ["[en] z/floor", "[en] a/question/1"]
        assert ledger.states == {"z/floor": LedgerState.POSTED, "a/question/1": LedgerState.POSTED}
    finally:
        conductor.shutdown()


async def test_the_grace_is_agenda_time_under_speed() -> None:
    """At `--speed 60` a start 3 wall seconds after a cue is 3 agenda minutes late: past a 2-minute grace."""
    agenda_start = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
    wall_start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    clock = SimulatedClock(wall_start + timedelta(seconds=3))
    cues = [FakeCue("gone", agenda_start), FakeCue("recent", agenda_start + timedelta(minutes=2)),
            FakeCue("ahead", agenda_start + timedelta(minutes=10))]
    chat = RecordingChat()
    runner = CueRunner(chat, MemoryLedger(), render, ["en"], "test", clock, CatalogTexts())
    settled: list[bool] = []

    async def settle() -> None:
        settled.append(True)

    conductor = Conductor(runner, cues, timemap=TimeMap(agenda_start, wall_start, 60.0), zone=ZONE,
                          grace=timedelta(minutes=2), settle=settle)
    report = await conductor.start(paused=True)
    try:
        assert report.missed == ["gone"] and report.posted_late == ["recent"] and report.scheduled == 1
        assert chat.texts(op="announce")[0] .startswith("⚠️ Started late. Not posted (1): gone (09:00).")
        [(job_id, run_at)] = conductor.pending()
        assert job_id == "cue:ahead" and run_at == wall_start + timedelta(seconds=10)
        assert conductor.scheduler.get_job("cue:ahead").misfire_grace_time == 2
        assert settled == [True], "the floor is settled once the past cues are dealt with"
    finally:
        conductor.shutdown()


async def test_a_failing_settle_does_not_keep_the_run_of_show_from_starting() -> None:
    start = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
    clock = SimulatedClock(start)
    runner = CueRunner(RecordingChat(), MemoryLedger(), render, ["en"], "test", clock, CatalogTexts())

    async def settle() -> None:
        raise RuntimeError("store unavailable")

    conductor = Conductor(runner, [FakeCue("ahead", start + timedelta(minutes=5))], timemap=TimeMap.identity(start),
                          zone=ZONE, settle=settle)
    report = await conductor.start(paused=True)
    try:
        assert report.scheduled == 1 and conductor.scheduler.running
    finally:
        conductor.shutdown()
