"""`POST /api/signal` and the booths' part of `/api/state` on a signed console (the real runtime): who may
signal, what a bad signal gets, the repeat rule on the event's clock, and who sees what."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.i18n import catalog as i18n
from tests.adapters.web.conftest import Stack
from tests.adapters.web.test_access import browser_client, invite, open_link, signed  # noqa: F401

__all__ = ["signed"]


async def test_interpreters_and_chairs_may_signal_attendees_and_guests_may_not(signed: Stack,  # noqa: F811
                                                                              tmp_path: Path) -> None:
    marc = (await asyncio.to_thread(invite, tmp_path, "--person", "marc-dubois", "--role", "interpreter"))[0]
    ana = (await asyncio.to_thread(invite, tmp_path, "--person", "ana-garcia", "--role", "attendee"))[0]
    lene = (await asyncio.to_thread(invite, tmp_path, "--person", "lene-wendland", "--role", "organizer"))[0]
    async with browser_client(signed) as booth, browser_client(signed) as attendee, \
            browser_client(signed) as guest, browser_client(signed) as chair:
        await open_link(booth, marc["link"])
        await open_link(attendee, ana["link"])
        await open_link(chair, lene["link"])
        await guest.post("/api/join", json={"name": "Kim", "group": "academia", "lang": "en"})
        for refused in (attendee, guest):
            answer = await refused.post("/api/signal", json={"signal": "slower"})
            assert answer.status_code == 403
            assert answer.json()["error"] == "interpreters.signal.refused"
            assert answer.json()["message"].startswith(("Only the interpreters", "Solo los intérpretes"))
            state = (await refused.get("/api/state")).json()
            assert state["booths"] is None and state["signals"] is None

        bad = await booth.post("/api/signal", json={"signal": "louder"})
        assert bad.status_code == 400 and bad.json()["error"] == "interpreters.signal.invalid"
        empty = await booth.post("/api/signal", json={"signal": "text", "text": "   "})
        assert empty.status_code == 400
        assert (await booth.post("/api/signal", content=b"signal=slower",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})).status_code == 415

        assert (await booth.post("/api/signal", json={"signal": "sound"})).status_code == 200
        again = await booth.post("/api/signal", json={"signal": "sound"})
        assert again.status_code == 429 and again.json()["error"] == "interpreters.signal.repeated"
        words = await booth.post("/api/signal", json={"signal": "text", "text": "Micro  du panel ?"})
        assert words.status_code == 200
        await signed.advance(timedelta(seconds=21))  # past the repeat window on the event's clock
        assert (await booth.post("/api/signal", json={"signal": "sound"})).status_code == 200
        assert (await chair.post("/api/signal", json={"signal": "relay"})).status_code == 200

        booth_state = (await booth.get("/api/state")).json()
        assert booth_state["booths"] is not None and booth_state["signals"] is None  # the list is the chairs'
        signals = (await chair.get("/api/state")).json()["signals"]
        assert [(s["name"], s["kind"], s["text"]) for s in signals] == [
            ("Lene Wendland", "relay", "Relay needed"),
            ("Marc Dubois", "sound", "No sound"),
            ("Marc Dubois", "text", "Micro du panel ?"),
            ("Marc Dubois", "sound", "No sound"),
        ]
    told = signed.chat.history("web:lene-wendland", "en", chair=True)
    lines = [m.text for m in told if m.channel == "chairs:en" and "🎧" in m.text]
    assert lines[0] == "🎧 Interpreters (Marc Dubois): " + i18n.render("interpreters.signal.sound", "en")
    assert len(lines) == 4
