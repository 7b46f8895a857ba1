"""Open pages refetch the state only when there is something new to show: a chat line never triggers a
refetch, a change of the list comes with its version, and the console's view of the list is built once per
list version (every page fetching after a change shares it)."""

from __future__ import annotations

import asyncio

from bot.adapters.web.local_chat import StreamEvent
from bot.wiring import Bot
from tests.adapters.web.test_runtime_api import bot, client_for

__all__ = ["bot"]  # the fixture


def drained(queue: asyncio.Queue[StreamEvent]) -> list[StreamEvent]:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


async def test_chat_lines_never_trigger_a_refetch_and_list_changes_carry_their_version(bot: Bot) -> None:
    assert bot.console is not None
    chat = bot.console.chat
    async with client_for(bot) as imane, client_for(bot) as lene:
        await imane.post("/api/join", json={"person": "imane-bello", "lang": "fr"})
        await lene.post("/api/join", json={"person": "lene-wendland", "lang": "en"})
        with chat.subscribe("web:lene-wendland", "en", chair=True) as subscription:
            queue = subscription._subscriber.queue
            assert (await imane.post("/api/message", json={"text": "Bonjour à toutes et à tous"})).status_code == 200
            assert [e.type for e in drained(queue) if e.type == "state"] == []

            before = (await lene.get("/api/state")).json()["floor"]["version"]
            assert (await imane.post("/api/floor", json={"action": "request"})).status_code == 200
            changes = [e.data for e in drained(queue) if e.type == "state" and e.data]
            after = (await lene.get("/api/state")).json()["floor"]
            assert after["version"] > before
            assert changes == [{"discussion": after["discussion"], "version": after["version"]}]


async def test_the_list_view_is_built_once_per_version(bot: Bot) -> None:
    assert bot.console is not None
    model = bot.console.model
    async with client_for(bot) as imane:
        await imane.post("/api/join", json={"person": "imane-bello", "lang": "fr"})
        await imane.post("/api/floor", json={"action": "request"})
        first = await model.floor_view()
        assert await model.floor_view() is first  # nothing changed: the same view
        await imane.post("/api/floor", json={"action": "withdraw"})
        second = await model.floor_view()
        assert second is not first and second.version > first.version and not second.queue
