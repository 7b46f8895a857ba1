"""`floorbot rehearse --speed X`: the scenario's attendees and a simulated chair on the live bot, X times
faster than real time, with the web console open to watch (or to take the chair's place)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app.ports.chat import MessageRef
from bot.rehearsal.run import SimulatedPeople
from bot.rehearsal.scenario import load_scenario

if TYPE_CHECKING:
    from bot.wiring import Bot

CHAIR_TICK = timedelta(seconds=1)


def attach_scenario(bot: Bot, path: Path) -> SimulatedPeople:
    scenario = load_scenario(path, bot.schedule)
    if bot.console is None:
        raise ValueError("a live rehearsal needs the web console")
    local = bot.console.chat

    def original(lang: str, author: str, text: str, user_id: str) -> MessageRef:
        return local.record_inbound(user_id, author, lang, text)

    people = SimulatedPeople(bot.schedule, bot.runtime, bot.runtime.clock, original)
    timemap = bot.conductor.timemap
    for n, action in enumerate(scenario.actions):
        async def act(action=action) -> None:  # type: ignore[no-untyped-def]
            await people.act(action)
            await people.chair_step()

        bot.conductor.schedule_call(f"scenario:{n}", timemap.to_wall(action.at), act)

    async def chair() -> None:
        await people.chair_step()

    # The simulated chair looks at the floor once a (wall) second.
    bot.conductor.scheduler.add_job(chair, "interval", seconds=CHAIR_TICK.total_seconds(), id="scenario:chair",
                                    misfire_grace_time=5, coalesce=True, max_instances=1, replace_existing=True)
    return people
