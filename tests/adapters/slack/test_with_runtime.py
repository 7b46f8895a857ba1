"""The Slack surface inside the real runtime (`bot.wiring.build`): the reference event, SQLite store, no
translator, Slack pointed at the fake. Checks the wiring end to end: a signed Slack message is mirrored into
the other language channels, a request for the floor is answered privately where it was made."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.wiring import build
from tests.adapters.slack.conftest import SECRET, TOKEN, command_body, event_body, serve, signed
from tests.conftest import ROOT
from tests.fakes.slack_api import FakeSlackServer

EN, FR, ES = "C0EN0000001", "C0FR0000001", "C0ES0000001"


async def test_reference_event_on_slack(tmp_path: Path) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    async with FakeSlackServer() as fake:
        fake.add_user("UANA", "Ana García", email="ana@example.org", locale="es-LA")
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        bot = await build(schedule, settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'state.sqlite'}",
                      start_now=True)
        await bot.start()
        await bot.wait_started()
        try:
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                body = event_body({"type": "message", "user": "UANA", "channel": ES, "text": "Hola a todos",
                                   "ts": "1646643600.000001", "channel_type": "channel"}, "EvRuntime1")
                for retry in ({}, {"X-Slack-Retry-Num": "1"}):
                    assert (await http.post(f"{url}/slack/events", content=body,
                                            headers={**signed(body), **retry})).status_code == 200
                await fake.wait_for(lambda f: any(p.get("username") == "Ana García" for p in f.posts(EN))
                                    and any(p.get("username") == "Ana García" for p in f.posts(FR)))
                body = command_body("", user="UANA", channel=ES, trigger="trig-runtime")
                await http.post(f"{url}/slack/events", content=body,
                                headers=signed(body, content_type="application/x-www-form-urlencoded"))
                await fake.wait_for(lambda f: len(f.of("chat.postEphemeral")) >= 1)
            await bot.slack.intake.drain()
            await bot.slack.outbox.drain()
        finally:
            await bot.stop()
        copies = [p for channel in (EN, FR) for p in fake.posts(channel) if p.get("username") == "Ana García"]
        assert len(copies) == 2  # once each, despite the redelivery
        assert all("Hola a todos" in p["text"] and "archives/" + ES in p["text"] for p in copies)
        (reply,) = fake.of("chat.postEphemeral")
        assert (reply.args["channel"], reply.args["user"]) == (ES, "UANA")
        assert fake.posts("DUANA") == []
