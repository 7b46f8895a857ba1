"""Issue 11, deliverable 1: the floor's state follows the agenda, not what was posted.

A fresh process started at any instant of the event (on an empty store, so every cue past grace is only
reported missed) has the same list open and the same current guiding question as a process that ran
the whole day; a restart long into a discussion finds the list open with its requests as they were."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.store.floor_codec import state_to_json
from bot.app.ports.store import RequestStatus
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.state import state_at
from bot.domain.agenda.timeline import CueKind
from bot.domain.floor.state import FloorState
from bot.rehearsal.run import Rehearsal
from bot.rehearsal.scenario import Scenario, ScenarioFile, build_scenario
from bot.wiring import open_store
from tests.conftest import ROOT

ZONE = ZoneInfo("Europe/Zurich")
GRACE = timedelta(minutes=2)


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert result.schedule is not None
    return result.schedule


def sweep(schedule: Schedule) -> list[datetime]:
    """Every 5 minutes of each day, 09:30 to 17:00 event time."""
    instants = []
    for day in schedule.days:
        at = datetime.combine(day.date, time(9, 30), ZONE)
        while at.time() <= time(17, 0):
            instants.append(at)
            at += timedelta(minutes=5)
    return instants


async def floor_of(rehearsal: Rehearsal) -> tuple[str | None, bool, int]:
    """Which discussion runs, whether its list takes requests, and its guiding question's number."""
    current = rehearsal.runtime.discussions.current
    is_open = current is not None and (await rehearsal.runtime.floor.state(current)).is_open
    return current, is_open, rehearsal.runtime.question_index.get(current, 0) if current else 0


@pytest.mark.slow  # 182 processes, one per instant, each on its own store: about ten seconds
async def test_a_fresh_start_at_any_instant_has_the_floor_of_an_uninterrupted_run(
    schedule: Schedule, tmp_path: Path
) -> None:
    instants = sweep(schedule)
    assert len(instants) == 2 * 91 and instants[0].date() != instants[-1].date()

    reference: dict[datetime, tuple[str | None, bool, int]] = {}
    store = await open_store("sqlite://")
    try:
        whole = await Rehearsal.open(schedule, store)
        for at in instants:
            await whole.run(until=at)
            reference[at] = await floor_of(whole)
    finally:
        await store.close()
    assert {current for current, _, _ in reference.values()} == {None, "session-1", "session-2", "session-3",
                                                                 "session-4"}, "the sweep crosses every discussion"

    differences = []
    for at in instants:
        store = await open_store("sqlite://")  # an empty store each time
        try:
            fresh = await Rehearsal.open(schedule, store, start=at)
            await fresh.resume(GRACE)
            got = await floor_of(fresh)
            if got != reference[at]:
                differences.append((at.isoformat(), got, reference[at]))
            planned = state_at(fresh.cues, at)
            assert got[0] == planned.discussion and got[2] == planned.question
        finally:
            await store.close()
    assert differences == []


def _at(hhmmss: str) -> datetime:
    return datetime.fromisoformat(f"2022-03-07T{hhmmss}").replace(tzinfo=ZONE)


async def test_a_restart_thirty_minutes_into_a_discussion_finds_the_list_open_and_its_requests(
    schedule: Schedule, tmp_path: Path
) -> None:
    data = ScenarioFile.model_validate({
        "attendees": {
            "ana": {"name": "Ana", "group": "civil-society", "language": "es"},
            "ben": {"name": "Ben", "group": "business", "language": "en"},
        },
        "actions": [
            {"at": "2022-03-07 10:51:00", "who": "ana", "do": "request", "speaks": "2m"},
            {"at": "2022-03-07 10:51:10", "who": "ben", "do": "request", "speaks": "2m"},
        ],
    })
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        first = await Rehearsal.open(schedule, store, scenario=build_scenario(data, schedule))
        first.people.chair_step = _no_chair  # type: ignore[method-assign]  # nobody gives the floor
        await first.run(until=_at("10:52:00"))
        before = state_to_json(await first.runtime.floor.state("session-1"))
        assert before["is_open"] and len(before["pending"]) == 2
        # The process dies; another starts 30 minutes later: past the grace of the 11:05 question, within
        # the grace of the 11:20 one.
        second = await Rehearsal.open(schedule, store, start=_at("11:22:00"))
        report = await second.resume(GRACE)
        assert report.missed == ["session-1/question/2"] and report.posted_late == ["session-1/question/3"]
        assert second.runtime.discussions.current == "session-1"
        after = state_to_json(await second.runtime.floor.state("session-1"))
        assert after == before, "the list is open, the waiting requests intact"
        assert second.runtime.question_index["session-1"] == 3
        ledger = await second.ledger.cue_states()
        assert ledger["session-1/question/2"] is LedgerState.MISSED, "still reported, not posted"
        notices = [line for line in second.chat.lines if line.key and line.key.startswith("missed:")]
        assert len(notices) == 3 and {line.audience for line in notices} == {"chairs"}, "one summary per language"
        assert all("session-1/question/2" in line.text for line in notices)
    finally:
        await store.close()


async def _no_chair() -> None:
    return None


OUTAGES = [timedelta(seconds=30), timedelta(minutes=5), timedelta(minutes=30)]
SWEEP_STEP = timedelta(minutes=5)


def lanes(instants: list[datetime], outage: timedelta) -> list[list[datetime]]:
    """The crash instants of each store, so that every instant is a crash exactly once for this outage: a
    process restarted `outage` after one crash lives until the next instant of its lane (30 s: one store,
    crashing every 5 minutes; 5 min: two, every 10; 30 min: seven, every 35)."""
    stride = outage // SWEEP_STEP + 1
    return [instants[lane::stride] for lane in range(stride)]


def _waiting_crowd(schedule: Schedule) -> Scenario:
    """Attendees asking for the floor all through every discussion, more than the chair can serve, so
    that the list holds requests (and a speaker) at most crashes; a few withdraw."""
    data = ScenarioFile.model_validate({"generate": {"attendees": 40, "seed": 11, "requests_per_discussion": 80,
                                                     "messages_per_discussion": 0}})
    return build_scenario(data, schedule)


async def _lists(process: Rehearsal) -> dict[str, FloorState]:
    """Every discussion's list as the store has it (the committed state: what was acknowledged)."""
    items = {cue.item for cue in process.cues if cue.kind is CueKind.FLOOR_OPEN and cue.item}
    return {item: await process.runtime.floor.state(item) for item in sorted(items)}


async def _lost(process: Rehearsal, before: dict[str, FloorState], running: str | None) -> list[str]:
    """The requests waiting or speaking before the crash that the restarted process does not account for:
    on the list that still runs each is where it was (waiting, or on the floor); on a list the plan closed
    during the outage a waiting one is reported unserved (or carried, and then waits on the next list)
    and the speaker's turn is recorded."""
    after = await _lists(process)
    waiting_anywhere = {r.id for state in after.values() for r in state.pending}
    lost = []
    for item, state in before.items():
        status = {row["request_id"]: row["status"] for row in await process.store.floor.requests(item)}
        now = after[item]
        for request in state.pending:
            if item == running:
                fine = request in now.pending and status.get(request.id) == RequestStatus.WAITING
            else:
                fine = request not in now.pending and (
                    status.get(request.id) == RequestStatus.UNSERVED
                    or (status.get(request.id) == RequestStatus.CARRIED and request.id in waiting_anywhere))
            if not fine:
                lost.append(f"{request.id} ({item}, waiting): now {status.get(request.id)}")
        if state.speaking is not None:
            request = state.speaking.request
            if item == running:
                fine = now.speaking == state.speaking and status.get(request.id) == RequestStatus.SPEAKING
            else:
                fine = now.speaking is None and status.get(request.id) == RequestStatus.SPOKEN
            if not fine:
                lost.append(f"{request.id} ({item}, speaking): now {status.get(request.id)}")
    return lost


@pytest.mark.slow  # ten stores, each through both days with a crash every 5 to 35 minutes: about 30 seconds
@pytest.mark.parametrize("outage", OUTAGES, ids=["30s", "5min", "30min"])
async def test_an_outage_at_every_instant_never_posts_a_cue_twice_loses_no_request_and_keeps_the_list_as_planned(
    schedule: Schedule, outage: timedelta
) -> None:
    """Issue 11's outage sweep: for this outage length, a crash at every instant of the sweep (each on one of
    the stores of `lanes`) and a restart `outage` later. After each restart the list is open exactly when
    the plan says, and every request acknowledged before the crash is still on its list or was closed as
    the plan says; across each store's processes no cue is posted twice and every cue is posted or
    reported missed."""
    instants = sweep(schedule)
    crowd = _waiting_crowd(schedule)
    lane_crashes = lanes(instants, outage)
    assert sorted(at for lane in lane_crashes for at in lane) == instants, "every instant is a crash, once"
    restarts_with_requests = 0
    for crashes in lane_crashes:
        store = await open_store("sqlite://")
        processes: list[Rehearsal] = []
        try:
            process = await Rehearsal.open(schedule, store, scenario=crowd)
            processes.append(process)
            for crash in crashes:
                await process.run(until=crash)
                assert process.clock.now() == crash, "the process is alive at its crash instant"
                before = await _lists(process)
                # The process dies; what it had not committed is gone with it (the store is all that is left).
                process = await Rehearsal.open(schedule, store, scenario=crowd, start=crash + outage)
                processes.append(process)
                await process.resume(GRACE)
                at = process.clock.now()
                planned = state_at(process.cues, at)
                current, is_open, question = await floor_of(process)
                assert (current, is_open) == (planned.discussion, planned.list_open), at
                assert question == planned.question, at
                assert await _lost(process, before, planned.discussion) == [], at
                restarts_with_requests += any(s.pending or s.speaking for s in before.values())
            await process.run()
            posted = Counter(line.key for p in processes for line in p.chat.lines
                             if line.op == "announce" and line.lang == "en" and line.key
                             and line.key.startswith("cue:"))
            assert posted and max(posted.values()) == 1, "no cue posted twice"
            ledger = await process.ledger.cue_states()
            assert set(ledger) == {cue.id for cue in process.cues}, "every cue posted or reported"
            assert {f"cue:{c}" for c, s in ledger.items() if s is not LedgerState.MISSED} == set(posted)
        finally:
            await store.close()
    assert restarts_with_requests >= 45, "requests wait at most of the 57 instants a list is open"
