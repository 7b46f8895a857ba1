"""Issue 11, deliverable 3: the chair moves the plan live, on the simulated clock (the reference event).

`/floor delay 10` re-times every cue still ahead, the ledger keeps plan and due times, the change and a
non-chair's refusal are audited, a fresh process on the same store sees the same times; next-panellist,
start-discussion and extend-discussion open and close the list when the moved plan says.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.app.ports.chat import InboundEvent, InboundKind
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.timeline import plan
from bot.domain.grammar import parse_floor
from bot.i18n import catalog as i18n
from bot.rehearsal.run import Rehearsal
from bot.wiring import Store, open_store
from tests.conftest import ROOT

CHAIR, PANELLIST = "web:lene-wendland", "web:peggy-hicks"  # session 1's chair (an organizer too); a panellist


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert result.schedule is not None
    return result.schedule


@pytest.fixture
async def store() -> Store:
    opened = await open_store("sqlite://")
    yield opened  # type: ignore[misc]
    await opened.close()


def planned_at(schedule: Schedule, cue_id: str) -> datetime:
    return next(c.at for c in plan(schedule) if c.id == cue_id)


async def command(bot: Rehearsal, user: str, text: str) -> list[str]:
    """What `user` typed (`/floor <text>` in the console), and the private replies it got."""
    before = len(bot.chat.lines)
    await bot.runtime.handle(InboundEvent(
        "web", f"cmd-{before}-{text}", InboundKind.COMMAND, user, bot.clock.now(), text, display_name=user,
        language="en", extra={"group": "civil-society"}, command=parse_floor(text),
    ))
    return [line.text for line in bot.chat.lines[before:] if line.user_id == user]


def posted_at(bot: Rehearsal, cue_id: str) -> list[datetime]:
    return [line.at for line in bot.chat.lines if line.key == f"cue:{cue_id}" and line.lang == "en"]


async def test_a_delay_re_times_the_rest_of_the_day_the_ledger_keeps_both_times_and_a_restart_sees_them(
    schedule: Schedule, store: Store,
) -> None:
    now = planned_at(schedule, "session-1/panel/2") + timedelta(minutes=1)  # 10:23, panel turn 2 of 5
    bot = await Rehearsal.open(schedule, store, start=now)
    await bot.resume(timedelta(minutes=2))

    assert await command(bot, PANELLIST, "delay 10") == [i18n.render("floor.authz.not_chair", "en")]
    assert [c.at for c in bot.cues] == [c.at for c in plan(schedule)], "a refusal moves nothing"

    [reply] = await command(bot, CHAIR, "delay 10")
    assert reply == i18n.render("plan.reply.late", "en", minutes=10, next="session-1/panel/2/warning", time="10:38")
    for cue in plan(schedule):
        moved = next(c.at for c in bot.cues if c.id == cue.id)
        expected = cue.at + timedelta(minutes=10) if now < cue.at and cue.at.date() == now.date() else cue.at
        assert moved == expected, cue.id
    assert bot.runtime.plan.offset_at(now) == timedelta(minutes=10)

    entries = [e for e in await store.audit.entries() if e.verb == "delay"]
    assert [(e.actor, e.allowed, e.reason, e.target, e.details["minutes"]) for e in entries] == [
        (PANELLIST, False, "floor.authz.not_chair", "session-1", 10),
        (CHAIR, True, "floor.authz.organizer", "session-1", 10)]

    floor_open = planned_at(schedule, "session-1/floor")
    await bot.run(until=floor_open + timedelta(minutes=5))
    assert posted_at(bot, "session-1/floor") == [], "not at its planned time"
    assert bot.runtime.current is None, "no discussion runs yet"
    await bot.run(until=floor_open + timedelta(minutes=10))
    assert posted_at(bot, "session-1/floor") == [floor_open + timedelta(minutes=10)]
    assert (await bot.runtime.floor.state("session-1")).is_open
    times = (await store.ledger.cue_times())["session-1/floor"]
    assert (times.planned_at, times.due_at, times.posted_at) == (
        floor_open, floor_open + timedelta(minutes=10), floor_open + timedelta(minutes=10))

    # A fresh process on the same store: the same times, nothing posted twice, the list still open.
    restarted = await Rehearsal.open(schedule, store, start=bot.clock.now() + timedelta(minutes=1))
    assert [(c.id, c.at) for c in restarted.cues] == [(c.id, c.at) for c in bot.cues]
    report = await restarted.resume(timedelta(minutes=2))
    assert report.posted_late == [] and report.missed == []
    await restarted.run(until=planned_at(schedule, "session-1/close") + timedelta(minutes=10))
    assert posted_at(restarted, "session-1/close") == [planned_at(schedule, "session-1/close") + timedelta(minutes=10)]
    assert not (await restarted.runtime.floor.state("session-1")).is_open


async def test_pulled_forward_the_discussion_opens_earlier(schedule: Schedule, store: Store) -> None:
    floor_open = planned_at(schedule, "session-1/floor")
    bot = await Rehearsal.open(schedule, store, start=floor_open - timedelta(minutes=8))
    await bot.resume(timedelta(minutes=2))
    [reply] = await command(bot, CHAIR, "delay -5")
    assert reply.startswith("Done. The day now runs 5 min ahead of the plan")
    await bot.run(until=floor_open - timedelta(minutes=5))
    assert posted_at(bot, "session-1/floor") == [floor_open - timedelta(minutes=5)]
    assert (await bot.runtime.floor.state("session-1")).is_open


async def test_next_panellist_starts_the_next_turn_now_and_the_list_opens_earlier(
    schedule: Schedule, store: Store,
) -> None:
    turn_1 = planned_at(schedule, "session-1/panel/1")
    now = turn_1 + timedelta(minutes=2)
    bot = await Rehearsal.open(schedule, store, start=now)
    await bot.resume(timedelta(minutes=2))
    await command(bot, CHAIR, "panéliste suivant")
    await bot.run(until=now)
    assert posted_at(bot, "session-1/panel/2") == [now], "the next turn is announced now"
    await bot.run(until=planned_at(schedule, "session-1/floor"))
    assert posted_at(bot, "session-1/panel/1/warning") == [], "the warning of the turn cut short is skipped"
    assert posted_at(bot, "session-1/floor") == [planned_at(schedule, "session-1/floor") - timedelta(minutes=5)]
    assert (await bot.runtime.floor.state("session-1")).is_open
    assert posted_at(bot, "session-1/panel/5") == [planned_at(schedule, "session-1/panel/5") - timedelta(minutes=5)]

    assert await command(bot, CHAIR, "next-panellist") == [i18n.render("plan.refused.no_panel", "en")]
    refused = [e for e in await store.audit.entries() if e.verb == "next-panellist"][-1]
    assert (refused.allowed, refused.reason) == (False, "plan.refused.no_panel")


async def test_start_discussion_opens_the_list_at_once_and_skips_the_rest_of_the_panel(
    schedule: Schedule, store: Store,
) -> None:
    now = planned_at(schedule, "session-1/panel/3") + timedelta(minutes=1)
    bot = await Rehearsal.open(schedule, store, start=now)
    await bot.resume(timedelta(minutes=2))
    await command(bot, CHAIR, "abrir el debate")
    assert bot.runtime.current == "session-1", "settled to the new state at once"
    assert (await bot.runtime.floor.state("session-1")).is_open
    await bot.run(until=planned_at(schedule, "session-1/question/2"))
    assert posted_at(bot, "session-1/floor") == [now]
    assert posted_at(bot, "session-1/question/1") == [now]
    assert posted_at(bot, "session-1/panel/4") == posted_at(bot, "session-1/panel/5") == []
    assert {"session-1/panel/4", "session-1/panel/5"} <= bot.runtime.plan.retimed.skipped


async def test_extend_discussion_keeps_the_list_open_longer(schedule: Schedule, store: Store) -> None:
    close = planned_at(schedule, "session-1/close")
    bot = await Rehearsal.open(schedule, store, start=close - timedelta(minutes=30))
    await bot.resume(timedelta(minutes=2))
    [reply] = await command(bot, CHAIR, "prolonger-débat 10")
    assert reply == i18n.render("plan.reply.on_time", "en", next="session-1/question/4", time="11:35"), (
        "the questions keep their times: the next cue runs to plan")
    await bot.run(until=close + timedelta(minutes=5))
    assert bot.runtime.current == "session-1" and (await bot.runtime.floor.state("session-1")).is_open
    last_call = planned_at(schedule, "session-1/last-call")
    assert posted_at(bot, "session-1/last-call") == [last_call + timedelta(minutes=10)]
    await bot.run(until=close + timedelta(minutes=10))
    assert bot.runtime.current is None and not (await bot.runtime.floor.state("session-1")).is_open
    assert posted_at(bot, "session-1/close") == [close + timedelta(minutes=10)]
