"""`/floor group <name>` on Slack inside the real runtime: an attendee not in the schedule names their group in
French with the accents (or without them), is answered in their language, and their next request for the floor
carries it to the chairs' board; an unknown group is refused with the list of groups, never defaulted."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.app.clock import SimulatedClock
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.wiring import build
from tests.adapters.slack.conftest import SECRET, TOKEN, command_body, event_body, serve, signed
from tests.conftest import ROOT
from tests.fakes.slack_api import FakeSlackServer

FR, CHAIRS = "C0FR0000001", "C0CH0000001"
FORM = "application/x-www-form-urlencoded"
DISCUSSION = datetime(2022, 3, 7, 10, 52, tzinfo=ZoneInfo("Europe/Zurich"))  # the first discussion is open


def _boards(fake: FakeSlackServer) -> str:
    return json.dumps([c.args for c in fake.calls if c.args.get("channel") == CHAIRS], ensure_ascii=False)


async def test_floor_group_then_hand_lists_the_chosen_group(tmp_path: Path) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    async with FakeSlackServer() as fake:
        fake.add_user("UJULES", "Jules Martin", email="jules@example.org", locale="fr-FR")
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        bot = await build(schedule, settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'state.sqlite'}",
                          clock=SimulatedClock(DISCUSSION))
        await bot.start()
        await bot.wait_started()
        try:
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                for n, text in enumerate(["group martiens", "groupe SOCIÉTÉ civile"]):
                    body = command_body(text, user="UJULES", channel=FR, trigger=f"trig-group-{n}")
                    await http.post(f"{url}/slack/events", content=body, headers=signed(body, content_type=FORM))
                    await fake.wait_for(lambda f, n=n: len(f.of("chat.postEphemeral")) > n)
                body = event_body({"type": "message", "user": "UJULES", "channel": FR, "text": "main",
                                   "ts": "1646646780.000002", "channel_type": "channel"}, "EvGroupHand")
                await http.post(f"{url}/slack/events", content=body, headers=signed(body))
                await fake.wait_for(lambda f: "Jules Martin" in _boards(f))
            await bot.slack.intake.drain()
            await bot.slack.outbox.drain()
        finally:
            await bot.stop()
        refused, chosen = (c.args["text"] for c in fake.of("chat.postEphemeral")[:2])
        assert "«\u00a0martiens\u00a0»" in refused and "Société civile" in refused and "États" in refused
        assert "groupe Société civile" in chosen
        board = next(json.dumps(c.args, ensure_ascii=False) for c in reversed(fake.calls)
                     if c.args.get("channel") == CHAIRS and "Jules Martin" in json.dumps(c.args, ensure_ascii=False))
        entry = board.split("Jules Martin", 1)[1].split("\\n", 1)[0]  # his line on the chairs' board
        assert "Civil society" in entry and "Other" not in entry
