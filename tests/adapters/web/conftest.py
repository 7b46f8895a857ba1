"""Fixtures of the web console tests: the console over the in-memory floor, in-process (httpx ASGI) or
served by a real uvicorn on an ephemeral port (SSE and browser tests)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncGenerator, Callable, Coroutine, Generator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from bot.adapters.web.console import WebConsole, create_app
from bot.adapters.web.local_chat import LocalChat
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import InboundEvent
from tests.adapters.web.memory import MemoryFloor

T = TypeVar("T")
START = datetime(2022, 3, 7, 9, 20, tzinfo=UTC)  # 10:20 CET, session 1's open discussion


@dataclass
class Stack:
    """Everything one console runs on; `events` is what the dispatcher received, in order."""

    clock: SimulatedClock
    chat: LocalChat
    floor: MemoryFloor
    console: WebConsole
    app: Starlette
    events: list[InboundEvent] = field(default_factory=list)


def build_stack() -> Stack:
    clock = SimulatedClock(START)
    chat = LocalChat(clock)
    floor = MemoryFloor(chat, clock)
    events: list[InboundEvent] = []

    async def handler(event: InboundEvent) -> None:
        events.append(event)
        await floor.handle(event)

    console = WebConsole(chat=chat, model=floor, handler=handler, clock=clock)
    return Stack(clock, chat, floor, console, create_app(console), events)


@pytest.fixture
def stack() -> Stack:
    return build_stack()


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

    def do(self, action: Callable[[], None]) -> None:
        """Run plain code (e.g. advance the clock and announce a change) on the server's loop."""

        async def run() -> None:
            action()

        self.call(run)


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
def live_server() -> Generator[LiveServer, None, None]:
    stack = build_stack()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue from now on, so no need to wait for the server to be "up"
    port = sock.getsockname()[1]
    config = uvicorn.Config(stack.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_until_complete(server.serve(sockets=[sock]))
        close_loop(loop)

    thread = threading.Thread(target=serve, name="console-server", daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", stack, loop)
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(10)
        sock.close()
