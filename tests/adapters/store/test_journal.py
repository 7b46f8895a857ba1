"""The durable outbox's journal on SQLite and PostgreSQL: recorded once per key, settled, resumed per owner."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine
from bot.adapters.store.journal import SqlPostJournal
from bot.app.ports.store import OutgoingCall, PostState

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def call(key: str, text: str = "hello", lane: str = "CEN") -> OutgoingCall:
    return OutgoingCall(key, lane, "chat.postMessage", "CEN", {"channel": "CEN", "text": text}, {"lang": "en"})


async def test_a_key_is_recorded_once_and_settled_with_its_result(engine: AsyncEngine) -> None:
    journal = SqlPostJournal(engine)
    assert await journal.record(call("k1"), "a", T0) is None
    again = await journal.record(call("k1", "other text"), "b", T0)
    assert again is not None and again.state is PostState.PENDING and again.call.payload["text"] == "hello"
    await journal.settle(["k1"], PostState.SENT, {"channel": "CEN", "ts": "1.000001"}, T0)
    sent = await journal.record(call("k1"), "a", T0)
    assert sent is not None and sent.state is PostState.SENT and sent.result == {"channel": "CEN", "ts": "1.000001"}
    assert await journal.unsent("a") == []


async def test_unsent_calls_come_back_in_order_for_their_owner_only(engine: AsyncEngine) -> None:
    journal = SqlPostJournal(engine)
    for n in range(5):
        await journal.record(call(f"k{n}", f"text {n}"), "a" if n != 2 else "b", T0 + timedelta(seconds=n))
    await journal.settle(["k3"], PostState.FAILED, None, T0)
    assert [entry.call.key for entry in await journal.unsent("a")] == ["k0", "k1", "k4"]
    assert await journal.owners_with_unsent() in (["a", "b"], ["b", "a"])
    assert await journal.adopt("b", "a") == 1
    assert [entry.call.key for entry in await journal.unsent("a")] == ["k0", "k1", "k2", "k4"]


async def test_a_newer_version_replaces_the_old_record(engine: AsyncEngine) -> None:
    journal = SqlPostJournal(engine)
    await journal.record(call("board"), "a", T0)
    await journal.settle(["board"], PostState.SENT, {"ts": "1"}, T0)
    assert await journal.record(call("board", "v2"), "a", T0, replace=True) is None
    (entry,) = await journal.unsent("a")
    assert entry.call.payload["text"] == "v2" and entry.state is PostState.PENDING


async def test_concurrent_records_of_one_key_let_exactly_one_through(db_url: str, engine: AsyncEngine) -> None:
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        outcomes = await asyncio.gather(*(SqlPostJournal(engines[i % 4]).record(call("same"), f"o{i}", T0)
                                          for i in range(12)))
    finally:
        for extra in engines[1:]:
            await extra.dispose()
    assert sum(outcome is None for outcome in outcomes) == 1


async def test_settled_records_are_purged_after_six_hours(engine: AsyncEngine) -> None:
    journal = SqlPostJournal(engine)
    await journal.record(call("old"), "a", T0)
    await journal.record(call("pending"), "a", T0)
    await journal.settle(["old"], PostState.SENT, {}, T0)
    assert await journal.purge(T0 + timedelta(hours=5)) == 0
    assert await journal.purge(T0 + timedelta(hours=7)) == 1
    assert [entry.call.key for entry in await journal.unsent("a")] == ["pending"]
