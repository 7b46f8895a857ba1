"""The interpreters' channel on Slack (the real slack-bolt app against the fake Web API, the whole bot): the
booths are told the next speaker's floor language when the list's head changes, and an interpreter's
`/floor signal slower` there reaches the chairs' channel once (a repeat within 20 s is refused); someone else
signalling from a participants' channel is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.i18n import catalog as i18n
from bot.wiring import build
from tests.adapters.slack.conftest import SCHEDULE, SECRET, TOKEN, add_people, command_body, serve, signed
from tests.fakes.slack_api import FakeSlackServer

BOOTHS = "CINTERP"


def schedule_with_booths(**chat: Any) -> Schedule:
    data = json.loads(json.dumps(SCHEDULE))
    data["chat"].update(chat)
    data["interpreters"] = [{"email": "ines@interpreters.example", "name": "Inès Duval", "languages": ["en", "fr"]}]
    data["people"]["ana"] = {"name": "Ana García", "group": "civil-society", "slack": "UANA", "language": "es",
                             "affiliation": {"en": "Fundación Datos", "fr": "Fondation Datos", "es": "Fundación Datos"}}
    return Schedule.model_validate(data)


async def test_the_booths_channel_gets_the_next_speaker_and_a_signal_reaches_the_chairs(tmp_path: Path) -> None:
    async with FakeSlackServer() as fake:
        add_people(fake)
        fake.add_user("UINES", "Inès Duval", email="ines@interpreters.example", locale="fr-FR")
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        schedule = schedule_with_booths(interpreters_channel=BOOTHS)
        # The day's first cue (the reminder, 30 min before 10:00) 31 minutes ago: the discussion is running.
        bot = await build(schedule, settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.sqlite'}",
                          start_at=datetime.now(UTC) - timedelta(minutes=31), translator=None)
        await bot.start()
        await bot.wait_started()
        try:
            assert bot.runtime.current == "session-1"
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                async def slash(text: str, user: str, channel: str, trigger: str) -> None:
                    body = command_body(text, user=user, channel=channel, trigger=trigger)
                    answer = await http.post(f"{url}/slack/events", content=body,
                                             headers=signed(body, content_type="application/x-www-form-urlencoded"))
                    assert answer.status_code == 200

                await slash("", "UANA", "CES", "trig-ana")  # Ana asks for the floor: she is next
                await fake.wait_for(lambda f: len(f.posts(BOOTHS)) >= 1)
                await slash("signal slower", "UINES", BOOTHS, "trig-ines-1")
                await fake.wait_for(lambda f: any("Slower" in p["text"] for p in f.posts("CCHAIRS")))
                await slash("signal slower", "UINES", BOOTHS, "trig-ines-2")  # again, at once: a repeat
                await slash("signal plus lentement", "UPEGGY", "CEN", "trig-peggy")  # not an interpreter
                await bot.slack.intake.drain()
                await fake.wait_for(lambda f: len(f.of("chat.postEphemeral")) >= 3)
            await bot.slack.outbox.drain()
        finally:
            await bot.stop()
        (notice,) = fake.posts(BOOTHS)
        assert notice["text"].startswith("Next: Ana García (Fundación Datos), floor language: Spanish")
        signals = [p["text"] for p in fake.posts("CCHAIRS") if "🎧" in p["text"]]
        assert signals == ["🎧 Interpreters (Inès Duval, FR booth): Slower, please"]
        replies = {c.args["user"]: [] for c in fake.of("chat.postEphemeral")}
        for call in fake.of("chat.postEphemeral"):
            replies[call.args["user"]].append(call.args["text"])
        assert i18n.render("interpreters.signal.sent", "fr") in replies["UINES"]
        assert i18n.render("interpreters.signal.repeated", "fr") in replies["UINES"]
        assert replies["UPEGGY"] == [i18n.render("interpreters.signal.refused", "en")]
        assert not any("🎧" in p["text"] or "Next:" in p["text"] for channel in ("CEN", "CFR", "CES")
                       for p in fake.posts(channel))


async def test_without_an_interpreters_channel_nothing_is_posted_for_the_booths(tmp_path: Path) -> None:
    async with FakeSlackServer() as fake:
        add_people(fake)
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        bot = await build(schedule_with_booths(), settings,
                          database_url=f"sqlite+aiosqlite:///{tmp_path / 's.sqlite'}",
                          start_at=datetime.now(UTC) - timedelta(minutes=31), translator=None)
        await bot.start()
        await bot.wait_started()
        try:
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                body = command_body("", user="UANA", channel="CES", trigger="trig-ana")
                await http.post(f"{url}/slack/events", content=body,
                                headers=signed(body, content_type="application/x-www-form-urlencoded"))
                await bot.slack.intake.drain()
                await fake.wait_for(lambda f: len(f.of("chat.postEphemeral")) >= 1)
            await bot.slack.outbox.drain()
        finally:
            await bot.stop()
        posted = [p["text"] for p in fake.posts()]
        assert not any(text.startswith("Next:") for text in posted), posted
