"""Fixtures of the web console tests: the console on the real runtime as bot.wiring builds it (event runtime, floor
service, SQLite store in tmp_path, identity, authorisation, the local web chat) on a simulated clock, with
the event of console_event.yaml in its open discussion; in-process (httpx ASGI) or served by a real uvicorn
on an ephemeral port (SSE and browser tests)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncGenerator, Callable, Coroutine, Generator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from bot import wiring
from bot.adapters.web.console import WebConsole
from bot.adapters.web.local_chat import LocalChat
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import InboundEvent
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import CueKind

T = TypeVar("T")
EVENT = Path(__file__).parent / "console_event.yaml"
START = datetime(2022, 3, 7, 9, 20, tzinfo=UTC)  # 10:20 CET, session 1's open discussion
SPEAKING_TIME = timedelta(minutes=3)
# What the conductor's ledger says of the cues before the discussion, as a restart would leave it: the
# session's reminder was missed, the opening posted, the floor's opening posted late.
LEDGER = {"session-1/reminder": LedgerState.MISSED, "opening/start": LedgerState.POSTED,
          "session-1/floor": LedgerState.LATE}


# Debian's Chromium, driven by Playwright (which never downloads a browser of its own here).
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Generator[Any, None, None]:
    """One headless Chromium per test module of the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Stack:
    """Everything one console runs on; `events` is what the dispatcher received, in order."""

    bot: wiring.Bot
    clock: SimulatedClock
    timers: SimulatedTimers
    events: list[InboundEvent] = field(default_factory=list)

    @property
    def chat(self) -> LocalChat:
        return self.console.chat

    @property
    def console(self) -> WebConsole:
        assert self.bot.console is not None
        return self.bot.console

    @property
    def app(self) -> Starlette:
        return Starlette(routes=self.bot.routes())  # no lifespan: the conductor stays off, the test drives time

    async def advance(self, delta: timedelta) -> None:
        """Move the event's clock, run the speakers' timers now due, and tell the pages (as the scheduler
        and the event runtime do on a live clock)."""
        self.clock.advance(delta)
        for job in self.timers.pop_due(self.clock.now()):
            await job()
        self.chat.changed()


async def build_stack(database: Path, settings: Settings | None = None) -> Stack:
    loaded = load_schedule(EVENT)
    assert loaded.schedule is not None, loaded.problems
    clock = SimulatedClock(START)
    timers = SimulatedTimers()
    settings = settings or Settings(_env_file=None)  # type: ignore[call-arg]
    bot = await wiring.build(loaded.schedule, settings, clock=clock,
                             database_url=f"sqlite:///{database}", timers=timers, translator="settings")
    stack = Stack(bot, clock, timers)
    dispatch = stack.console.handler

    async def handler(event: InboundEvent) -> None:
        stack.events.append(event)
        await dispatch(event)

    stack.console.handler = handler
    ledger = bot.store.ledger
    for cue_id, state in LEDGER.items():
        await ledger.claim_cue(cue_id, "console-test", clock.now())
        await ledger.mark_cue(cue_id, state, clock.now())
    await bot.runtime.restore()
    floor_open = bot.conductor.cues["session-1/floor"]
    assert floor_open.kind == CueKind.FLOOR_OPEN
    await bot.runtime.on_cue(floor_open, clock.now())
    return stack


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncGenerator[Stack, None]:
    built = await build_stack(tmp_path / "console.sqlite")
    yield built
    await built.bot.close()


@pytest.fixture
async def client(stack: Stack) -> AsyncGenerator[httpx.AsyncClient, None]:
    """The app in-process (starlette's TestClient is deprecated with httpx; httpx's ASGI transport is not)."""
    transport = httpx.ASGITransport(app=stack.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as test_client:
        yield test_client


@dataclass
class LiveServer:
    """A real uvicorn serving the console in a thread with its own event loop."""

    url: str
    stack: Stack
    loop: asyncio.AbstractEventLoop

    def call(self, make: Callable[[], Coroutine[Any, Any, T]], timeout: float = 10) -> T:
        """Run a coroutine on the server's loop (where LocalChat's queues live) and wait for its result."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(make(), self.loop)
        return future.result(timeout)

    def advance(self, delta: timedelta) -> None:
        """Move the server's clock (timers due run, the pages are told), on the server's loop."""
        self.call(lambda: self.stack.advance(delta))


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Finish what is left on a server thread's loop (sse-starlette keeps a shutdown watcher per loop,
    which only a main-thread uvicorn's signal handler would stop) before closing it."""
    leftovers = asyncio.all_tasks(loop)
    for task in leftovers:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Generator[LiveServer, None, None]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue from now on, so no need to wait for the server to be "up"
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    built: Future[tuple[Stack, uvicorn.Server]] = Future()

    def serve() -> None:
        # Everything async lives on this thread's loop (the store's connections, the chat's queues).
        asyncio.set_event_loop(loop)
        try:
            stack = loop.run_until_complete(build_stack(tmp_path / "console.sqlite"))
            config = uvicorn.Config(stack.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
            server = uvicorn.Server(config)
        except BaseException as error:
            built.set_exception(error)
            close_loop(loop)
            return
        built.set_result((stack, server))
        loop.run_until_complete(server.serve(sockets=[sock]))
        loop.run_until_complete(stack.bot.close())
        close_loop(loop)

    thread = threading.Thread(target=serve, name="console-server", daemon=True)
    thread.start()
    stack, server = built.result(30)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", stack, loop)
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(10)
        sock.close()
