"""The console's API on the real runtime (`bot.wiring.build`), in-process: the chat grammar typed in the
box, the buttons, the server's refusal of an attendee's chair verb (audited), the read model."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.adapters.store.audit import SqlAuditLog
from bot.app.clock import SimulatedClock
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.wiring import Bot, build
from tests.conftest import ROOT

DISCUSSION = datetime(2022, 3, 7, 10, 52, tzinfo=ZoneInfo("Europe/Zurich"))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncGenerator[Bot, None]:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert loaded.schedule is not None
    live = await build(loaded.schedule, Settings(_env_file=None), clock=SimulatedClock(DISCUSSION),
                       database_url=f"sqlite:///{tmp_path / 'console.sqlite'}", timers=SimulatedTimers())
    await live.runtime.restore()
    await live.runtime.on_cue(live.conductor.cues["session-1/floor"], DISCUSSION)
    yield live
    await live.translator.aclose()
    await live.db.dispose()


def client_for(bot: Bot) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app(lifespan=False)),
                             base_url="http://127.0.0.1")


async def test_typed_grammar_buttons_and_refusals_on_the_real_runtime(bot: Bot) -> None:
    async with client_for(bot) as imane, client_for(bot) as lene:
        await imane.post("/api/join", json={"person": "imane-bello", "lang": "fr"})
        await lene.post("/api/join", json={"person": "lene-wendland", "lang": "en"})
        assert (await imane.post("/api/message", json={"text": "Je demande la parole"})).status_code == 200
        state = (await imane.get("/api/state")).json()
        assert state["place"]["place_text"] == "Vous êtes en 1re position sur la liste."
        assert state["floor"]["queue"][0]["name"] == "Imane Bello"
        assert state["floor"]["next_language"] == "fr"
        assert state["powers"] == {"chair": False, "organizer": False}

        # An attendee's chair verb: refused by the server from the credential's role, audited, the list stays open.
        assert (await imane.post("/api/floor", json={"action": "close"})).status_code == 403
        assert (await imane.get("/api/state")).json()["floor"]["is_open"] is True
        audit = await SqlAuditLog(bot.db).entries()
        assert any(e.actor == "web:imane-bello" and not e.allowed for e in audit)

        chair = (await lene.get("/api/state")).json()
        assert chair["powers"]["chair"] is True and chair["run_of_show"]
        await lene.post("/api/floor", json={"action": "give", "target": "imane-bello"})
        mine = (await imane.get("/api/state")).json()
        assert mine["timer"]["person"] == mine["me"]["key"] == "imane-bello"
        assert mine["place"] is None
        privates = [m.text for m in bot.console.chat.history("web:imane-bello", "fr") if m.kind == "private"]
        assert any("parole" in text for text in privates), privates


async def test_the_chair_can_give_the_floor_to_a_guest(bot: Bot) -> None:
    async with client_for(bot) as guest, client_for(bot) as lene:
        await guest.post("/api/join", json={"name": "Awa Diop", "group": "civil-society", "lang": "fr"})
        await lene.post("/api/join", json={"person": "lene-wendland", "lang": "en"})
        await guest.post("/api/floor", json={"action": "request"})
        key = (await guest.get("/api/state")).json()["me"]["key"]
        await lene.post("/api/floor", json={"action": "give", "target": key})
        assert (await guest.get("/api/state")).json()["timer"]["person"] == key


async def test_a_message_is_mirrored_by_the_real_engine_and_marked_untranslated(bot: Bot) -> None:
    async with client_for(bot) as imane:
        await imane.post("/api/join", json={"person": "imane-bello", "lang": "fr"})
        await imane.post("/api/message", json={"text": "Qui contrôle les algorithmes de modération ?"})
    chat = bot.console.chat
    english = [chat.to_json(m) for m in chat.history("web:x", "en") if m.author == "Imane Bello"]
    assert len(english) == 1
    copy = english[0]
    # No translation service is configured: the copy is the original, marked so, with the original at hand.
    assert copy["text"] == "Qui contrôle les algorithmes de modération ?"
    assert copy["untranslated"] is True
    assert copy["original"] == {"text": "Qui contrôle les algorithmes de modération ?", "lang": "fr",
                                "author": "Imane Bello"}
