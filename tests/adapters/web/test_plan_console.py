"""The console's timing card on the real runtime: the chair delays the day with a button, the run of show shows
each moved cue's plan time and the offset ("running 7 min late", as Ontime does); an attendee's press is
refused and audited; a malformed number is a clear 400."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

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
    live = await build(loaded.schedule, Settings(_env_file=None), clock=SimulatedClock(DISCUSSION), translator=None,
                       database_url=f"sqlite:///{tmp_path / 'console.sqlite'}", timers=SimulatedTimers())
    await live.runtime.restore()
    await live.runtime.on_cue(live.conductor.cues["session-1/floor"], DISCUSSION)
    yield live
    await live.db.dispose()


def client_for(bot: Bot) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=bot.routes())),
                             base_url="http://127.0.0.1")


async def test_the_chair_delays_the_day_from_the_console_and_the_run_of_show_shows_plan_and_new_times(bot: Bot) -> None:
    async with client_for(bot) as imane, client_for(bot) as lene:
        await imane.post("/api/join", json={"person": "imane-bello", "lang": "fr"})
        await lene.post("/api/join", json={"person": "lene-wendland", "lang": "fr"})
        state = (await lene.get("/api/state")).json()
        assert state["offset"] == {"minutes": 0, "text": "Dans les temps"}
        assert not any(c["planned"] for c in state["run_of_show"])

        # Refused from the credential's role before it reaches the floor (and audited).
        assert (await imane.post("/api/floor", json={"action": "delay", "value": "7"})).status_code == 403
        assert (await lene.get("/api/state")).json()["offset"]["minutes"] == 0, "an attendee moves nothing"
        bad = await lene.post("/api/floor", json={"action": "delay", "value": "soon"})
        assert bad.status_code == 400

        assert (await lene.post("/api/floor", json={"action": "delay", "value": "7"})).status_code == 200
        state = (await lene.get("/api/state")).json()
        assert state["offset"] == {"minutes": 7, "text": "7 min de retard"}
        close = next(c for c in state["run_of_show"] if c["id"] == "session-1/close")
        assert (close["planned"], close["time"]) == ("12\u00a0h\u00a000", "12\u00a0h\u00a007")
        question = next(c for c in state["run_of_show"] if c["id"] == "session-1/question/1")
        assert question["planned"] is None, "what is past keeps its time"
        assert (await imane.get("/api/state")).json()["offset"] is None, "the timing is the chairs' view"

        assert (await lene.post("/api/floor", json={"action": "extend-discussion", "value": "3"})).status_code == 200
        state = (await lene.get("/api/state")).json()
        assert state["offset"]["minutes"] == 7 and next(
            c for c in state["run_of_show"] if c["id"] == "session-1/close")["time"] == "12\u00a0h\u00a010"
        assert (await lene.post("/api/floor", json={"action": "next-panellist"})).status_code == 200

    entries = [(e.actor, e.verb, e.allowed, e.reason) for e in await bot.store.audit.entries()
               if e.verb in ("delay", "extend-discussion", "next-panellist")]
    assert entries == [
        ("web:imane-bello", "delay", False, "access.refused.role"),
        ("web:lene-wendland", "delay", True, "floor.authz.organizer"),
        ("web:lene-wendland", "extend-discussion", True, "floor.authz.organizer"),
        ("web:lene-wendland", "next-panellist", False, "plan.refused.no_panel"),
    ]
    privates = [m.text for m in bot.console.chat.history("web:lene-wendland", "fr") if m.kind == "private"]
    assert any("Aucun panel n'est en cours" in text for text in privates), privates
