"""Groups for everyone, never a silent default: the whole bot (`bot.wiring.build`, the reference event, SQLite)
with the real slack-bolt app against the fake Slack, every request signed as Slack signs it.

Two States requests are listed; Jules says `/floor groupe société civile` then `main`: the chairs' board shows
him under Civil society and the balanced order puts him between the two States requests. Eve, who never gave
a group, raises her hand: she is listed at once under "group not stated" and asked privately, with a button
per group; pressing "Civil society" moves her request there on the board, the order follows, and the prompt
is replaced by the confirmation (its response_url), so its buttons cannot be pressed again. Her App Home
shows the group picker set to it; choosing Academia there changes the board again. A restart asks nobody again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from bot.app.clock import SimulatedClock
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.testing.timing import VirtualWaits
from bot.wiring import Bot, build
from tests.adapters.slack.conftest import SECRET, TOKEN, command_body, event_body, serve, signed
from tests.conftest import ROOT
from tests.fakes.slack_api import FakeSlack, FakeSlackServer

EN, FR, CHAIRS = "C0EN0000001", "C0FR0000001", "C0CH0000001"
FORM = "application/x-www-form-urlencoded"
DISCUSSION = datetime(2022, 3, 7, 10, 52, tzinfo=ZoneInfo("Europe/Zurich"))  # the first discussion is open


def board_lines(fake: FakeSlack) -> list[str]:
    """The entries of the chairs' board as it now reads (posted once, then updated in place)."""
    boards = [m["text"] for (channel, _), m in fake.messages.items() if channel == CHAIRS and "\n1. " in m["text"]]
    return [line for line in (boards[-1].split("\n") if boards else []) if line[:1].isdigit()]


def line_of(fake: FakeSlack, name: str) -> str:
    return next((line for line in board_lines(fake) if name in line), "")


def order(fake: FakeSlack) -> list[str]:
    return [line.split(". ", 1)[1].split(" — ", 1)[0] for line in board_lines(fake)]


class Slack:
    def __init__(self, fake: FakeSlack, http: httpx.AsyncClient, url: str) -> None:
        self.fake, self.http, self.url, self.n = fake, http, url, 0

    async def _send(self, body: str, content_type: str = "application/json") -> None:
        answer = await self.http.post(f"{self.url}/slack/events", content=body,
                                      headers=signed(body, content_type=content_type))
        assert answer.status_code == 200, answer.text

    async def slash(self, text: str, user: str, channel: str) -> None:
        self.n += 1
        await self._send(command_body(text, user=user, channel=channel, trigger=f"trig-{self.n}"), FORM)

    async def say(self, text: str, user: str, channel: str) -> None:
        self.n += 1
        await self._send(event_body({"type": "message", "user": user, "channel": channel, "text": text,
                                     "ts": f"1646646000.{self.n:06d}", "channel_type": "channel"}, f"Ev{self.n}"))

    async def press(self, payload: dict[str, Any]) -> None:
        await self._send(urlencode({"payload": json.dumps(payload)}), FORM)

    async def until(self, predicate: Callable[[FakeSlack], bool]) -> None:
        await self.fake.wait_for(predicate)


def privately(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [e for e in fake.ephemerals if e["user"] == user]


async def started(tmp_path: Path, fake: FakeSlack) -> Bot:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                        slack_api_url=fake.base_url)
    bot = await build(schedule, settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'state.sqlite'}",
                      clock=SimulatedClock(DISCUSSION), translator=None, waits=VirtualWaits(instant=True))
    await bot.start()
    await bot.wait_started()
    return bot


async def test_every_requester_is_counted_under_a_group_they_gave_or_as_not_stated(tmp_path: Path) -> None:
    async with FakeSlackServer() as fake:
        for user, name, locale in [("UAMINA", "Amina Diallo", "en-US"), ("UBRUNO", "Bruno Petit", "fr-FR"),
                                   ("UJULES", "Jules Martin", "fr-FR"), ("UEVE", "Eve Novak", "en-GB")]:
            fake.add_user(user, name, email=f"{user.lower()}@example.org", locale=locale)
        bot = await started(tmp_path, fake)
        try:
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                slack = Slack(fake, http, url)
                await slack.slash("group states", "UAMINA", EN)
                await slack.slash("groupe États", "UBRUNO", FR)
                await slack.until(lambda f: len(f.ephemerals) == 2)
                await slack.say("hand", "UAMINA", EN)
                await slack.until(lambda f: "Amina Diallo" in line_of(f, "Amina"))
                await slack.say("main", "UBRUNO", FR)
                await slack.until(lambda f: len(board_lines(f)) == 2)

                await slack.slash("groupe société civile", "UJULES", FR)
                await slack.until(lambda f: len(privately(f, "UJULES")) == 1)
                await slack.say("main", "UJULES", FR)
                await slack.until(lambda f: "Jules Martin" in line_of(f, "Jules"))
                assert "Civil society" in line_of(fake, "Jules")
                assert order(fake) == ["Amina Diallo", "Jules Martin", "Bruno Petit"], "balanced: States, CS, States"
                chosen, placed = (e["text"] for e in privately(fake, "UJULES"))
                assert "Société civile" in chosen and placed.startswith("Votre nom figure")
                assert not any(e["blocks"] for e in privately(fake, "UJULES")), "he gave his group: not asked"

                await slack.say("hand", "UEVE", EN)
                await slack.until(lambda f: len(privately(f, "UEVE")) == 2)
                await slack.until(lambda f: "Eve Novak" in line_of(f, "Eve"))
                assert "group not stated" in line_of(fake, "Eve") and "Other" not in line_of(fake, "Eve")
                # "Not stated" is a group of its own in the balanced order, not heard yet.
                assert order(fake) == ["Amina Diallo", "Jules Martin", "Eve Novak", "Bruno Petit"]
                _, prompt = privately(fake, "UEVE")
                assert prompt["channel"] == EN and "stakeholder group" in prompt["text"]
                (buttons,) = [b["elements"] for b in prompt["blocks"] if b["type"] == "actions"]
                labels = [b["text"]["text"] for b in buttons]
                assert labels[0] == "States" and "Civil society" in labels and labels[-1] == "I prefer not to say"
                assert len(labels) == len(bot.runtime.context.groups) + 1

                forged = fake.block_actions("UEVE", prompt, "group", "group states", trigger="trig-forged")
                await slack.press(fake.block_actions("UEVE", prompt, "group", "group civil-society",
                                                     trigger="trig-eve-cs"))
                await slack.until(lambda f: "Civil society" in line_of(f, "Eve"))
                assert order(fake) == ["Amina Diallo", "Jules Martin", "Bruno Petit", "Eve Novak"]
                # The prompt itself becomes the confirmation (its response_url, replace_original): no button
                # is left to press again, and no second message is posted.
                await slack.until(lambda f: "Civil society" in prompt["text"])
                (answer,) = fake.responses["trig-eve-cs"]
                assert answer["replace_original"] is True and "Civil society" in answer["text"]
                assert len(privately(fake, "UEVE")) == 2
                assert not any(b["type"] == "actions" for b in prompt["blocks"])
                # A forged press naming no group of the event: refused with the list, nothing changes.
                forged["actions"][0]["value"] = "group martians"
                await slack.press(forged)
                await slack.until(lambda f: "“martians”" in prompt["text"])
                assert "Civil society" in line_of(fake, "Eve")

                # Her App Home: the picker, set to the group she chose; choosing there goes the same way.
                await slack._send(event_body({"type": "app_home_opened", "user": "UEVE", "channel": "DUEVE",
                                              "tab": "home"}, "EvHomeEve"))
                await slack.until(lambda f: "UEVE" in f.homes)
                picker = next(b["accessory"] for b in fake.homes["UEVE"]["blocks"]
                              if b.get("accessory", {}).get("type") == "static_select")
                assert picker["initial_option"]["text"]["text"] == "Civil society"
                assert picker["options"][-1]["text"]["text"] == "I prefer not to say"
                await slack.press(fake.block_actions("UEVE", None, "group", "group academia", trigger="trig-home"))
                await slack.until(lambda f: "Academia" in line_of(f, "Eve"))
                await slack.until(lambda f: next(b["accessory"] for b in f.homes["UEVE"]["blocks"]
                                                 if "accessory" in b)["initial_option"]["value"] == "group academia")
                assert order(fake) == ["Amina Diallo", "Jules Martin", "Eve Novak", "Bruno Petit"]
                # No channel behind the Home: the confirmation is a direct message.
                await slack.until(lambda f: any("Academia" in p["text"] for p in f.posts("DUEVE")))
            await bot.slack.intake.drain()
            await bot.slack.outbox.drain()
        finally:
            await bot.stop()

        again = await started(tmp_path, fake)  # a restart on the same store
        try:
            async with serve(again.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                slack = Slack(fake, http, url)
                slack.n = 100
                state = await again.runtime.floor.state("session-1")
                assert {r.participant.name: r.participant.group for r in state.pending}["Eve Novak"] == "academia"
                await slack.say("q? ", "UEVE", EN)
                await slack.until(lambda f: len(privately(f, "UEVE")) == 3)
            await again.slack.intake.drain()
            await again.slack.outbox.drain()
        finally:
            await again.stop()
        where = privately(fake, "UEVE")[-1]
        assert "Academia" in where["text"] and not where["blocks"], "asked once: not again after a restart"
