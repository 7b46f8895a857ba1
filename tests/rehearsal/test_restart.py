"""Stop the process in the middle of a session and start another on the same store: no cue lost or
doubled, the list of speakers and the running timer as they were."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.store.floor_codec import state_to_json
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.rehearsal.run import Rehearsal
from bot.rehearsal.scenario import ScenarioFile, build_scenario
from bot.wiring import open_store
from tests.conftest import ROOT

ZONE = ZoneInfo("Europe/Zurich")
GRACE = timedelta(minutes=2)


def at(hhmmss: str) -> datetime:
    return datetime.fromisoformat(f"2022-03-07T{hhmmss}").replace(tzinfo=ZONE)


@pytest.fixture
def schedule() -> Schedule:
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert result.schedule is not None
    return result.schedule


def scenario(schedule: Schedule):  # type: ignore[no-untyped-def]
    data = ScenarioFile.model_validate({
        "attendees": {
            "ana": {"name": "Ana", "group": "civil-society", "language": "es"},
            "ben": {"name": "Ben", "group": "business", "language": "en"},
            "cle": {"name": "Clé", "group": "states", "language": "fr"},
        },
        "actions": [
            {"at": "2022-03-07 11:02:10", "who": "ana", "do": "request", "speaks": "2m50s"},
            {"at": "2022-03-07 11:02:20", "who": "ben", "do": "request", "speaks": "2m"},
            {"at": "2022-03-07 11:02:30", "who": "cle", "do": "request", "speaks": "2m"},
        ],
    })
    return build_scenario(data, schedule)


# 11:05:30: question 2 (11:05) within grace; 11:08: past grace but still the current question, so posted
# late all the same; 11:21: question 3 (11:20) is the current one, question 2 is only reported.
@pytest.mark.parametrize(("restart", "fate"), [("11:05:30", LedgerState.LATE), ("11:08:00", LedgerState.LATE),
                                               ("11:21:00", LedgerState.MISSED)])
async def test_restart_mid_session(schedule: Schedule, tmp_path: Path, restart: str, fate: LedgerState) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        first = await Rehearsal.open(schedule, store, scenario=scenario(schedule))
        await first.run(until=at("11:04:00"))
        state_at_kill = state_to_json(await first.runtime.floor.state("session-1"))
        assert state_at_kill["speaking"] is not None, "someone has the floor when the process dies"
        ends_at = state_at_kill["speaking"]["ends_at"]
        assert len(state_at_kill["pending"]) == 2
        # The process dies here: nothing is shut down. A new one starts later on the same store.
        second = await Rehearsal.open(schedule, store, scenario=scenario(schedule), start=at(restart))
        report = await second.resume(GRACE)

        state_at_restart = state_to_json(await second.runtime.floor.state("session-1"))
        assert state_at_restart == state_at_kill, "the list of speakers is as it was"
        assert second.runtime.current == "session-1"
        armed = second.timers.next_at()
        assert armed is not None and armed.isoformat() <= ends_at, "the running timer is re-armed"

        assert "session-1/question/2" in (report.posted_late if fate is LedgerState.LATE else report.missed)
        await second.run()
        ledger = await second.ledger.cue_states()
        assert ledger["session-1/question/2"] is fate
        assert set(ledger) == {cue.id for cue in second.cues}, "no cue lost"

        posted = Counter(
            line.key for process in (first, second) for line in process.chat.lines
            if line.op == "announce" and line.lang == "en" and line.key and line.key.startswith("cue:")
        )
        assert max(posted.values()) == 1, "no cue posted twice"
        expected = {f"cue:{c}" for c, s in ledger.items() if s is not LedgerState.MISSED}
        assert set(posted) == expected
        if fate is LedgerState.MISSED:
            reported = [line for line in second.chat.lines if line.key and line.key.startswith("missed:")]
            assert {line.audience for line in reported} == {"chairs"}
            assert len(reported) == 3 and all("session-1/question/2" in line.text for line in reported), \
                "one summary per language"

        interventions = (await second.result()).report.discussions[0].interventions
        assert [i.name for i in interventions] == ["Ana", "Ben", "Clé"], "the speaker finished once, then the others"
        # Her scenario says she stops after 2:50, at 11:05:00; while the bot is down nobody can end her turn,
        # so it ends when the restarted process's chair acts, and is recorded so, once.
        assert interventions[0].start == at("11:02:10")
        assert interventions[0].end == max(at("11:05:00"), at(restart))
    finally:
        await store.close()
