"""The chairs' board is a view of the list: a restart shows it again from the store, so a board update that a
crash cut short is redone (the list itself is durable)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app.clock import SystemClock
from bot.app.floor import request_op
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import plan
from bot.domain.floor.state import Participant
from bot.wiring import build
from tests.adapters.slack.conftest import SECRET, TOKEN
from tests.conftest import ROOT
from tests.fakes.slack_api import FakeSlackServer

CHAIRS = "C0CH0000001"


async def test_a_restart_shows_the_board_of_the_list_as_stored(tmp_path: Path) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    cues = plan(schedule)
    floor_open = next(c for c in cues if c.id == "session-1/floor")
    start_at = SystemClock().now() - (floor_open.at + timedelta(minutes=10) - cues[0].at)
    database = f"sqlite:///{tmp_path / 'board.sqlite'}"
    async with FakeSlackServer() as fake:
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        first = await build(schedule, settings, database_url=database, start_at=start_at, owner="instance-1")
        await first.start()
        await first.wait_started()
        # A request whose board update never went out: written to the list, the process dies before the post.
        await first.runtime.floor.execute("session-1", request_op(Participant("p-zed", "Zed Quinn", "states", "en")),
                                          "UZED", first.runtime.clock.now())
        await first.stop()
        assert not any("Zed Quinn" in str(call.args.get("text")) for call in fake.calls)

        second = await build(schedule, settings, database_url=database, start_at=start_at, owner="instance-1")
        await second.start()
        try:
            await fake.wait_for(lambda f: any(
                call.args.get("channel") == CHAIRS and "Zed Quinn" in str(call.args.get("text"))
                for call in f.calls if call.method in ("chat.postMessage", "chat.update")))
        finally:
            await second.stop()
