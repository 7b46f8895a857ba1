"""Issue 11, deliverable 1: the floor's state follows the agenda, not what was posted.

A fresh process started at any instant of the event (on an empty store, so every cue past grace is only
reported missed) has the same list open and the same current guiding question as a process that ran
the whole day; a restart long into a discussion finds the list open with its requests as they were."""

from __future__ import annotations

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
        notices = [line for line in second.chat.lines if line.key == "missed:session-1/question/2"]
        assert notices and {line.audience for line in notices} == {"chairs"}
    finally:
        await store.close()


async def _no_chair() -> None:
    return None
