"""Two LocalChats joined the way SharedConsole joins instances (each one's changes applied to the other, as
JSON, as NOTIFY carries them): posts, edits, boards and "refetch" reach the other's pages; ids never clash."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.adapters.web.local_chat import LocalChat
from bot.adapters.web.shared_chat import libpq_url
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import AudienceKind, Button, Post


def joined() -> tuple[LocalChat, LocalChat]:
    clock = SimulatedClock(datetime(2022, 3, 7, 9, 0, tzinfo=UTC))
    a, b = LocalChat(clock, origin="a-"), LocalChat(clock, origin="b-")

    def to(other: LocalChat) -> Any:
        return lambda change: other.apply(json.loads(json.dumps(change)))

    a.publish, b.publish = to(b), to(a)
    return a, b


async def test_what_one_instance_posts_the_other_shows() -> None:
    a, b = joined()
    with b.subscribe("web:imane", "fr") as page:
        queue = page._subscriber.queue
        ref = await a.post("fr", Post("Bonjour", actions=(Button("next", "Suivant", "next", "primary"),)))
        mine = b.record_inbound("web:imane", "Imane", "fr", "Salut")
        await a.edit(ref, Post("Bonjour à toutes et à tous"))
        a.changed("session-1", 7)
        events = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [(e.type, e.data.get("text")) for e in events] == [
        ("message", "Bonjour"), ("message", "Salut"), ("update", "Bonjour à toutes et à tous"), ("state", None)]
    assert events[0].data["actions"] == [{"id": "next", "label": "Suivant", "value": "next", "style": "primary"}]
    assert events[-1].data == {"discussion": "session-1", "version": 7}
    assert ref.id.startswith("a-") and mine.id.startswith("b-")
    assert [m.text for m in a.history("web:imane", "fr")] == ["Bonjour à toutes et à tous", "Salut"]


async def test_an_update_of_a_message_never_seen_is_ignored() -> None:
    a, b = joined()
    b.publish = None  # b hears nothing from a... until a's board is updated
    a.publish = None
    ref = await a.post("en", Post("Board"), audience=AudienceKind.CHAIRS)
    a.publish = lambda change: b.apply(change)
    await a.edit(ref, Post("Board, updated"))
    assert b.history("web:lene", "en", chair=True) == []


def test_only_postgresql_is_shared() -> None:
    assert libpq_url("sqlite:///x.sqlite") is None
    assert libpq_url("postgresql+psycopg://postgres@127.0.0.1:5432/test") == "postgresql://postgres@127.0.0.1:5432/test"
