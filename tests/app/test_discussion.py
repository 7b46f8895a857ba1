"""A discussion's lifecycle: carried requests reach the next discussion durably, in their order, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.app.clock import SimulatedClock
from bot.app.discussion import carry_op
from bot.app.floor import SYSTEM_ACTOR
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.floor.rules import queue
from bot.rehearsal.recording import RecordingChat
from bot.wiring import Store, build_runtime, open_store
from tests.app.conftest import ZONE, edge_command
from tests.conftest import ROOT


@pytest.fixture
def schedule() -> Schedule:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert loaded is not None
    return loaded.model_copy(update={"floor": loaded.floor.model_copy(update={"carry_over": True})})


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        yield store
    finally:
        await store.close()


def say(user: str, text: str, n: int, clock: SimulatedClock, kind: InboundKind = InboundKind.MESSAGE) -> InboundEvent:
    return InboundEvent("web", f"e{n}", kind, user, clock.now(), text, display_name=user.split(":")[-1],
                        extra={"group": "civil-society"}, command=edge_command(kind, text))


async def test_carried_requests_keep_time_and_place_and_a_retried_close_takes_none_twice(
    schedule: Schedule, store: Store,
) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 11, 50, tzinfo=ZONE))
    first = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                          publish_board=False)
    await first.discussions.open("session-1", clock.now())
    for n, user in enumerate(["web:guest:amina", "web:guest:jose", "web:guest:ann"]):
        await first.handle(say(user, "main", n, clock))
    await first.handle(say("web:lene-wendland", "skip", 9, clock, InboundKind.COMMAND))  # a chair's placement
    waiting = queue(await first.floor.state("session-1"), first.policy)
    assert [r.participant.name for r in waiting] == ["jose", "amina", "ann"]

    following = first.discussions.following("session-1")
    assert following is not None and following != "session-1"
    # The process dies right after the next list took the requests, before session-1 let them go.
    await first.floor.execute(following, carry_op(await first.floor.state("session-1")), SYSTEM_ACTOR, clock.now())

    second = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                           publish_board=False)
    await second.restore()
    await second.discussions.close("session-1", clock.now())  # the close cue, retried after the restart

    carried = queue(await second.floor.state(following), second.policy)
    assert [(r.id, r.at, r.participant.name) for r in carried] == [(r.id, r.at, r.participant.name) for r in waiting]
    assert (await second.floor.state("session-1")).pending == ()

    await second.discussions.open(following, clock.now())
    opened = await second.floor.state(following)
    assert opened.is_open and [r.id for r in queue(opened, second.policy)] == [r.id for r in waiting]


async def test_without_a_crash_the_waiting_are_told_their_request_moves_on(schedule: Schedule, store: Store) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 11, 50, tzinfo=ZONE))
    chat = RecordingChat()
    runtime = build_runtime(schedule, chat, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    await runtime.discussions.open("session-1", clock.now())
    await runtime.handle(say("web:guest:amina", "main", 1, clock))
    await runtime.discussions.close("session-1", clock.now())
    following = runtime.discussions.following("session-1")
    assert following is not None
    assert [r.participant.name for r in (await runtime.floor.state(following)).pending] == ["amina"]
    assert chat.texts(op="private", user_id="web:guest:amina")[-1] == (
        "The discussion has ended; your request for the floor carries over to the next session."
    )


async def test_a_restart_after_the_session_ended_closes_it_carries_over_and_opens_the_next(
    schedule: Schedule, store: Store,
) -> None:
    """Down from 11:55 to 15:50: session 1's close and session 2's floor-open cues were never run; settling
    to the plan closes session 1 (its waiting requests carried over), opens session 2, counts its question."""
    clock = SimulatedClock(datetime(2022, 3, 7, 11, 55, tzinfo=ZONE))
    first = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                          publish_board=False)
    assert (await first.settle()).discussion == "session-1"
    for n, user in enumerate(["web:guest:amina", "web:guest:jose"]):
        await first.handle(say(user, "main", n, clock))
    waiting = [r.id for r in queue(await first.floor.state("session-1"), first.policy)]
    assert len(waiting) == 2

    clock.set(datetime(2022, 3, 7, 15, 50, tzinfo=ZONE))
    second = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                           publish_board=False)
    await second.restore()
    assert second.current == "session-1", "as the dead process left it"
    planned = await second.settle()
    assert planned.discussion == "session-2" and second.current == "session-2"
    closed = await second.floor.state("session-1")
    assert not closed.is_open and closed.pending == ()
    opened = await second.floor.state("session-2")
    assert opened.is_open and [r.id for r in queue(opened, second.policy)] == waiting
    assert second.question_index["session-2"] == 1

    # Settling again changes nothing: a restart of the restart.
    third = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                          publish_board=False)
    await third.restore()
    await third.settle()
    assert await third.floor.state("session-2") == opened and third.current == "session-2"
