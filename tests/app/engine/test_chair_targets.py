"""Whom a chair verb names: a Slack mention reaches the schedule's person by their Slack id, seen or not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.recording import RecordingChat
from bot.adapters.store.engine import create_engine
from bot.adapters.store.intake import InboundEvents
from bot.adapters.store.key_values import KeyValues
from bot.adapters.store.migrate import upgrade_to_head
from bot.app.clock import SimulatedClock
from bot.app.engine import Engine, runtime_authorizer
from bot.app.floor import FloorService, schedule_policy
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from tests.conftest import ROOT


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert loaded is not None
    people = dict(loaded.people)
    people["peggy-hicks"] = people["peggy-hicks"].model_copy(update={"slack": "U0PEGGY"})
    schedule = loaded.model_copy(update={"people": people})
    db = create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    await upgrade_to_head(db)
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZoneInfo("Europe/Zurich")))
    floor = FloorService(db, authorize=runtime_authorizer(schedule), policy_for=schedule_policy(schedule))
    bot = Engine(schedule, RecordingChat(), floor, KeyValues(db), InboundEvents(db), clock, SimulatedTimers())
    bot.current = "session-1"
    try:
        yield bot
    finally:
        await db.dispose()


async def test_give_to_a_slack_mention_of_someone_not_seen_yet(engine: Engine) -> None:
    # The Slack adapter writes `/floor give <@U0PEGGY|peggy>` so.
    await engine.handle(InboundEvent("web", "e1", InboundKind.COMMAND, "web:lene-wendland", engine.clock.now(),
                                     "give @slack:U0PEGGY"))
    state = await engine.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.person == "peggy-hicks"
