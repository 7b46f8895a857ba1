"""Whom a chair verb names: a Slack mention reaches the schedule's person by their Slack id, seen or not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.clock import SimulatedClock
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.app.runtime import EventRuntime
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.domain.grammar import parse_floor
from bot.rehearsal.recording import RecordingChat
from bot.wiring import build_runtime, open_store
from tests.conftest import ROOT


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[EventRuntime]:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert loaded is not None
    people = dict(loaded.people)
    people["peggy-hicks"] = people["peggy-hicks"].model_copy(update={"slack": "U0PEGGY"})
    schedule = loaded.model_copy(update={"people": people})
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZoneInfo("Europe/Zurich")))
    bot = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                        publish_board=False)
    bot.current = "session-1"
    try:
        yield bot
    finally:
        await store.close()


async def test_give_to_a_slack_mention_of_someone_not_seen_yet(runtime: EventRuntime) -> None:
    # The Slack adapter writes `/floor give <@U0PEGGY|peggy>` so.
    await runtime.handle(InboundEvent("web", "e1", InboundKind.COMMAND, "web:lene-wendland", runtime.clock.now(),
                                      "give @slack:U0PEGGY", command=parse_floor("give @slack:U0PEGGY")))
    state = await runtime.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.person == "peggy-hicks"
