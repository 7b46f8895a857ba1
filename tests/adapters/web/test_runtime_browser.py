"""The console on the real runtime (`bot.wiring.build`: event runtime, floor service, SQLite store, identity,
authorization, the console's read model) served by uvicorn, in headless Chromium. The reference event's
session 1 is in its open discussion on a simulated clock; the speakers' timers are popped as the test
moves the clock, as the rehearsal does."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Coroutine, Generator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from starlette.applications import Starlette

from bot import wiring
from bot.app.clock import SimulatedClock
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import CueKind
from bot.wiring import Bot
from tests.adapters.web.conftest import CHROMIUM, close_loop
from tests.adapters.web.test_browser import advance_and_shot_dir, seconds
from tests.conftest import ROOT

T = TypeVar("T")
CET = ZoneInfo("Europe/Zurich")
DISCUSSION_STARTED = datetime(2022, 3, 7, 10, 52, tzinfo=CET)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect


@dataclass
class RuntimeServer:
    url: str
    bot: Bot
    clock: SimulatedClock
    timers: SimulatedTimers
    loop: asyncio.AbstractEventLoop

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def advance(self, delta: timedelta) -> None:
        """Move the event's clock, fire the speakers' timers now due, and tell the pages."""

        async def move() -> None:
            self.clock.advance(delta)
            for job in self.timers.pop_due(self.clock.now()):
                await job()
            self.bot.console.chat.changed()

        self.call(move())


async def build(clock: SimulatedClock, database_url: str) -> tuple[Bot, SimulatedTimers]:
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert loaded.schedule is not None, loaded.problems
    timers = SimulatedTimers()  # the conductor's scheduler is not started: time is the test's
    bot = await wiring.build(loaded.schedule, Settings(_env_file=None), clock=clock, database_url=database_url,
                             timers=timers)
    await bot.runtime.restore()
    floor_open = bot.conductor.cues["session-1/floor"]
    assert floor_open.kind == CueKind.FLOOR_OPEN
    await bot.runtime.on_cue(floor_open, clock.now())
    return bot, timers


@pytest.fixture
def runtime_server(tmp_path: Path) -> Generator[RuntimeServer, None, None]:
    clock = SimulatedClock(DISCUSSION_STARTED)
    loop = asyncio.new_event_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    built: Future[tuple[Bot, SimulatedTimers, uvicorn.Server]] = Future()

    def serve() -> None:
        # Everything async lives on this thread's loop (the store's connections, the chat's queues):
        # the main thread belongs to Playwright's own loop.
        asyncio.set_event_loop(loop)
        try:
            bot, timers = loop.run_until_complete(build(clock, f"sqlite:///{tmp_path / 'console.sqlite'}"))
            app = Starlette(routes=bot.routes())  # no lifespan: the conductor stays off, the test drives time
            server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                                   timeout_graceful_shutdown=1))
        except BaseException as error:
            built.set_exception(error)
            return
        built.set_result((bot, timers, server))
        loop.run_until_complete(server.serve(sockets=[sock]))
        loop.run_until_complete(bot.translator.aclose())
        loop.run_until_complete(bot.db.dispose())
        close_loop(loop)

    thread = threading.Thread(target=serve, name="runtime-console", daemon=True)
    thread.start()
    bot, timers, server = built.result(30)
    try:
        yield RuntimeServer(f"http://127.0.0.1:{sock.getsockname()[1]}", bot, clock, timers, loop)
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(10)
        sock.close()



def sign_in(page: Page, url: str, person: str, lang: str) -> None:
    page.goto(url)
    expect(page.locator("#join")).to_be_visible()
    page.select_option("#join-lang", lang)
    page.select_option("#join-person", person)
    page.click("#join-form button[type=submit]")
    expect(page.locator("#tabs")).to_be_visible()


def test_an_attendee_requests_and_the_chair_gives_the_floor_on_the_real_runtime(
    browser: Browser, runtime_server: RuntimeServer
) -> None:
    server = runtime_server
    attendee = browser.new_context(viewport={"width": 360, "height": 800}, locale="es-ES")
    chair = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    sebastian, lene = attendee.new_page(), chair.new_page()
    errors: list[str] = []
    for page in (sebastian, lene):
        page.on("pageerror", lambda e: errors.append(str(e)))

    sign_in(sebastian, server.url, "sebastian-smart-larrain", "es")
    sign_in(lene, server.url, "lene-wendland", "en")
    expect(sebastian.locator("#tab-chair")).to_be_hidden()
    expect(lene.locator("#tab-chair")).to_be_visible()  # the schedule makes Lene the chair of session 1
    expect(sebastian.locator("#list-status")).to_have_text("La lista de oradores está abierta.")

    # The attendee types the chat grammar in Spanish; the real dispatcher parses it.
    sebastian.fill("#message", "pido la palabra")
    sebastian.press("#message", "Enter")
    expect(sebastian.locator("#place-text")).to_have_text("Su turno en la lista es el 1.º.")
    expect(sebastian.locator("#place-reasons li").first).to_be_visible()  # why this place, from the server
    sebastian.locator(".floor").screenshot(path=str(advance_and_shot_dir() / "runtime-attendee-place-es.png"))

    # An attendee's chair verb is refused by the server (and audited there).
    server_refusals_before = len(sebastian.locator("#log li.private").all())
    sebastian.evaluate("fetch('/api/floor', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                       " body: JSON.stringify({action: 'close'})})")
    expect(sebastian.locator("#log li.private")).to_have_count(server_refusals_before + 1)
    expect(sebastian.locator("#list-status")).to_have_text("La lista de oradores está abierta.")

    # The chair sees him, with his floor language for the interpreters, and gives him the floor.
    lene.click("#tab-chair")
    row = lene.locator("#speakers tr").first
    expect(row).to_contain_text("Sebastián Smart Larraín")
    expect(lene.locator("#interpreters-lang")).to_have_text("Spanish")
    lene.get_by_role("button", name="Give the floor to Sebastián Smart Larraín").click()

    expect(sebastian.locator("#notice")).to_have_text("Tiene usted la palabra.")
    expect(lene.locator("#chair-speaker-name")).to_have_text("Sebastián Smart Larraín")
    before = seconds(sebastian.locator("#countdown").inner_text())
    assert 170 <= before <= 180

    server.advance(timedelta(seconds=155))  # past the warning (30 s before the end): its timer fires
    expect(sebastian.locator("#countdown")).to_have_text(re.compile(r"^0:2\d$"))
    expect(lene.locator("#chair-countdown")).to_have_text(re.compile(r"^0:[0-2]\d$"))  # waits: its own stream
    expect(sebastian.locator("#countdown").locator("xpath=..")).to_have_class(re.compile(r"\bwarn\b"))
    shots = advance_and_shot_dir()
    sebastian.evaluate("window.scrollTo(0, 0)")
    sebastian.screenshot(path=str(shots / "runtime-attendee-phone-es.png"), full_page=True)
    lene.evaluate("window.scrollTo(0, 0)")
    lene.screenshot(path=str(shots / "runtime-chair-desktop-en.png"), full_page=True)

    server.advance(timedelta(seconds=30))  # time is up
    expect(sebastian.locator("#notice")).to_have_text("Su tiempo de intervención ha terminado.")

    lene.click("#tab-run")
    expect(lene.locator("#run")).to_contain_text("Guiding question")
    lene.evaluate("window.scrollTo(0, 0)")
    lene.screenshot(path=str(shots / "runtime-run-of-show-en.png"), full_page=True)
    assert not errors, errors
    attendee.close()
    chair.close()
