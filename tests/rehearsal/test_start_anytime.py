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
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.state import state_at
from bot.rehearsal.run import Rehearsal
from bot.rehearsal.scenario import ScenarioFile, build_scenario
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


async def test_repeated_crashes_through_both_days_never_post_a_cue_twice_and_keep_the_list_as_planned(
    schedule: Schedule,
) -> None:
    """One store, a process that dies every 25 minutes of both days and is restarted 30 s, 5 min or 30 min
    later (in turn): after each restart the list is open exactly when the plan says; across all of them no
    cue is posted twice and every cue is posted or reported missed."""
    store = await open_store("sqlite://")
    processes: list[Rehearsal] = []
    try:
        outages = [timedelta(seconds=30), timedelta(minutes=5), timedelta(minutes=30)]
        instants = sweep(schedule)[::5]
        process = await Rehearsal.open(schedule, store)
        processes.append(process)
        for n, crash in enumerate(instants):
            await process.run(until=crash)
            died = process.clock.now()  # the crash instant, or later if the last outage ran past it
            process = await Rehearsal.open(schedule, store, start=died + outages[n % 3])
            processes.append(process)
            await process.resume(GRACE)
            planned = state_at(process.cues, process.clock.now())
            current, is_open, question = await floor_of(process)
            assert (current, is_open) == (planned.discussion, planned.list_open), process.clock.now()
            assert question == planned.question
        await process.run()
        posted = Counter(line.key for p in processes for line in p.chat.lines
                         if line.op == "announce" and line.lang == "en" and line.key and line.key.startswith("cue:"))
        assert posted and max(posted.values()) == 1, "no cue posted twice"
        ledger = await process.ledger.cue_states()
        assert set(ledger) == {cue.id for cue in process.cues}, "every cue posted or reported"
        assert {f"cue:{c}" for c, s in ledger.items() if s is not LedgerState.MISSED} == set(posted)
        assert LedgerState.MISSED in ledger.values() and LedgerState.LATE in ledger.values()
    finally:
        await store.close()
