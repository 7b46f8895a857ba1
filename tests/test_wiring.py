"""bot.wiring builds the same bot for every caller: what the live server has, the rehearsal has too (the
chat surface, the clock and the timers are what differ), and the store is read back through its ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from starlette.routing import Route

from bot import wiring
from bot.adapters.web.local_chat import LocalChat
from bot.app.clock import SimulatedClock, SystemClock
from bot.app.floor import SYSTEM_ACTOR, give_op
from bot.app.timers import SchedulerTimers, SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import plan
from bot.domain.floor.state import Participant
from bot.rehearsal.run import Rehearsal
from tests.conftest import ROOT


def reference() -> Schedule:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert loaded.schedule is not None
    return loaded.schedule


def paths(bot: wiring.Bot) -> set[str]:
    return {route.path for route in bot.routes() if isinstance(route, Route)}


async def test_the_live_bot_and_the_rehearsal_are_built_alike(tmp_path: Path) -> None:
    schedule = reference()
    start = plan(schedule)[0].at - timedelta(minutes=1)
    live = await wiring.build(schedule, Settings(_env_file=None), clock=SimulatedClock(start),
                              database_url=f"sqlite:///{tmp_path / 'live.sqlite'}")
    store = await wiring.open_store(f"sqlite:///{tmp_path / 'rehearsal.sqlite'}")
    try:
        rehearsal = await Rehearsal.open(schedule, store, start=start)
        rehearsed = rehearsal.bot
        for bot in (live, rehearsed):
            # Zoom presence feeds the floor's "present only" policy, and the webhook is routed, in both.
            assert bot.runtime.present.__qualname__.startswith("PresenceRegistry.")
            assert {"/healthz", "/zoom/webhook"} <= paths(bot)
            assert bot.runtime.floor is not None and bot.runner.on_cue == bot.runtime.on_cue
            assert not bot.runtime.effects.publish_board, "no Slack configured: no chairs' board to publish"
        # What differs is what was asked for: the surface, the timers, the leader lease.
        assert isinstance(live.chat, LocalChat) and live.console is not None and "/api/state" in paths(live)
        assert isinstance(live.runtime.timers, SchedulerTimers)
        assert rehearsed.chat is rehearsal.chat and rehearsed.console is None
        assert isinstance(rehearsed.runtime.timers, SimulatedTimers)
        assert rehearsed.translator is None and live.translator is not None
        assert live.runner.is_leader == live.leadership.check
        assert await rehearsed.runner.is_leader()
        assert not rehearsed.owns_store and live.owns_store
    finally:
        await live.close()
        await store.close()


async def test_the_schedule_path_is_kept_for_the_report(tmp_path: Path) -> None:
    file = ROOT / "schedules" / "ungp-tech-2022.yaml"
    bot = await wiring.build(reference(), Settings(_env_file=None), clock=SimulatedClock(plan(reference())[0].at),
                             database_url=f"sqlite:///{tmp_path / 's.sqlite'}", schedule_path=file)
    try:
        assert await bot.store.kv.get(*wiring.SCHEDULE_PATH_KEY) == str(file.resolve())
    finally:
        await bot.close()


async def test_a_live_start_late_into_a_discussion_opens_its_list_whatever_was_posted(tmp_path: Path) -> None:
    """`serve --start-at` 10 agenda minutes into session 1's open discussion, at `--speed 60`: the grace is
    agenda time, so the cues 10 agenda minutes old are past it; the list is open, and what attendees still
    need (the floor's instructions, the current question) is posted late; the panel's turns are not."""
    schedule = reference()
    cues = plan(schedule)
    floor_open = next(c for c in cues if c.id == "session-1/floor")
    speed = 60.0
    now = SystemClock().now()
    bot = await wiring.build(schedule, Settings(_env_file=None), database_url=f"sqlite:///{tmp_path / 's.sqlite'}",
                             start_at=now - (floor_open.at + timedelta(minutes=10) - cues[0].at) / speed, speed=speed)
    await bot.start()
    await bot.wait_started()
    try:
        assert bot.runtime.current == "session-1"
        assert (await bot.runtime.floor.state("session-1")).is_open
        assert bot.runtime.question_index["session-1"] == 1
        states = await bot.store.ledger.cue_states()
        assert states["session-1/floor"] is LedgerState.LATE and states["session-1/question/1"] is LedgerState.LATE
        panel = [cue.id for cue in cues if cue.item == "session-1" and cue.kind.value.startswith("panel")]
        assert panel and all(states[cue_id] is LedgerState.MISSED for cue_id in panel)
        assert all(job.misfire_grace_time == 2 for job in bot.conductor.scheduler.get_jobs()), "2 agenda minutes"
    finally:
        await bot.stop()


async def test_a_cue_acts_on_the_floor_at_agenda_time_in_a_shifted_run(tmp_path: Path) -> None:
    """`serve --start-at` years after the agenda's dates: the runner fires cues on the wall clock, and what they
    do to the floor happens at agenda time, as every command does: the turn a chair gives is closed by the
    session-close cue at the session's end (mixing the clocks made that turn last years)."""
    schedule = reference()
    cues = plan(schedule)
    floor_open = next(c for c in cues if c.id == "session-1/floor")
    close = next(c for c in cues if c.id.startswith("session-1/") and c.kind.value == "session-close")
    wall = SimulatedClock(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    bot = await wiring.build(schedule, Settings(_env_file=None), clock=wall, start_at=wall.now(), lead=False,
                             database_url=f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        wall.advance(floor_open.at - cues[0].at)
        assert await bot.runner.fire(floor_open)
        assert (await bot.runtime.floor.state("session-1")).is_open
        await bot.runtime.floor.execute("session-1", give_op(Participant("p1", "Ana", "civil-society", "es")),
                                        SYSTEM_ACTOR, bot.runtime.clock.now())
        wall.advance(close.at - floor_open.at)
        assert await bot.runner.fire(close)
        turns = [turn for discussion, turn in await bot.store.floor.history() if discussion == "session-1"]
        assert [(turn.person, turn.start, turn.end) for turn in turns] == [("p1", floor_open.at, close.at)]
    finally:
        await bot.close()
