"""Two bot processes on one PostgreSQL serve one console (LISTEN/NOTIFY): an attendee connected to either
instance sees what the other posted, and what they do reaches the one list of speakers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adapters.store.conftest import postgres_schema_url, postgres_unreachable
from tests.conftest import ROOT

__all__ = ["postgres_schema_url", "postgres_unreachable"]  # fixtures

# One instance: the bot as bot.wiring builds it on the shared store, its console served on an ephemeral port.
INSTANCE = """
import asyncio, socket, sys
from datetime import datetime
from zoneinfo import ZoneInfo
import uvicorn
from starlette.applications import Starlette
from bot.app.clock import SimulatedClock
from bot.app.timers import SimulatedTimers
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.wiring import build

DISCUSSION = datetime(2022, 3, 7, 10, 52, tzinfo=ZoneInfo("Europe/Zurich"))

async def main(url, first):
    schedule = load_schedule("schedules/ungp-tech-2022.yaml").schedule
    bot = await build(schedule, Settings(_env_file=None), clock=SimulatedClock(DISCUSSION), database_url=url,
                      timers=SimulatedTimers(), translator=None)
    await bot.runtime.restore()
    if first:  # the leader's run of show opens the discussion; the other instance picks it up from the store
        await bot.runtime.on_cue(bot.conductor.cues["session-1/floor"], DISCUSSION)
    shared = asyncio.create_task(bot.shared_console.run())
    await bot.shared_console.listening.wait()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=bot.routes()), log_level="warning", lifespan="off"))
    print(f"serving http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    await server.serve(sockets=[sock])
    shared.cancel()

asyncio.run(main(sys.argv[1], sys.argv[2] == "first"))
"""


@contextlib.asynccontextmanager
async def instance(url: str, role: str) -> AsyncIterator[str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", INSTANCE, url, role, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    try:
        async with asyncio.timeout(120):  # a bound on start-up, not a timed assertion
            line = (await child.stdout.readline()).decode()
        if not line.startswith("serving "):
            raise AssertionError((await child.stderr.read()).decode()[-3000:])
        yield line.split()[1]
    finally:
        child.terminate()
        await child.wait()


async def events_of(client: httpx.AsyncClient, url: str, into: asyncio.Queue[tuple[str, dict[str, object]]]) -> None:
    async with client.stream("GET", f"{url}/api/stream") as stream:
        kind = ""
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind != "history":
                data = json.loads(line.split(":", 1)[1])
                await into.put((kind, data if isinstance(data, dict) else {}))


async def next_event(queue: asyncio.Queue[tuple[str, dict[str, object]]], kind: str,
                     wanted: dict[str, object]) -> dict[str, object]:
    async with asyncio.timeout(30):  # a bound, so a lost message fails the test instead of hanging it
        while True:
            got, data = await queue.get()
            if got == kind and all(data.get(k) == v for k, v in wanted.items()):
                return data


@pytest.mark.postgres
async def test_two_instances_serve_one_console(postgres_schema_url: str) -> None:
    async with instance(postgres_schema_url, "first") as a, instance(postgres_schema_url, "second") as b, \
            httpx.AsyncClient(timeout=30) as imane_on_b, httpx.AsyncClient(timeout=30) as awa_on_a, \
            httpx.AsyncClient(timeout=30) as lene_on_a:
        assert (await imane_on_b.post(f"{b}/api/join", json={"person": "imane-bello", "lang": "fr"})).is_success
        await awa_on_a.post(f"{a}/api/join", json={"name": "Awa Diop", "group": "civil-society", "lang": "fr"})
        await lene_on_a.post(f"{a}/api/join", json={"person": "lene-wendland", "lang": "en"})
        on_b: asyncio.Queue[tuple[str, dict[str, object]]] = asyncio.Queue()
        on_a: asyncio.Queue[tuple[str, dict[str, object]]] = asyncio.Queue()
        watchers = [asyncio.create_task(events_of(imane_on_b, b, on_b)),
                    asyncio.create_task(events_of(lene_on_a, a, on_a))]
        try:
            await asyncio.sleep(0)
            # Awa writes on instance A; Imane, on instance B, sees it in the French pane.
            await awa_on_a.post(f"{a}/api/message", json={"text": "Bonjour depuis l'instance A"})
            seen = await next_event(on_b, "message", {"text": "Bonjour depuis l'instance A"})
            assert seen["author"] == "Awa Diop"
            # Imane asks for the floor on B: the one list has her, as instance A shows its chair, whose
            # page is told the list changed.
            assert (await imane_on_b.post(f"{b}/api/floor", json={"action": "request"})).is_success
            state = (await lene_on_a.get(f"{a}/api/state")).json()
            assert [r["name"] for r in state["floor"]["queue"]] == ["Imane Bello"]
            await next_event(on_a, "state", {"version": state["floor"]["version"]})
            # The chair gives her the floor from A: B's page shows her timer.
            await lene_on_a.post(f"{a}/api/floor", json={"action": "next"})
            await next_event(on_b, "state", {})
            assert (await imane_on_b.get(f"{b}/api/state")).json()["timer"]["person"] == "imane-bello"
        finally:
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
