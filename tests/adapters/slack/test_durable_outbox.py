"""The durable outbox and inbox on Slack, in-process against the fake Web API and a real SQLite store: what a
crash left is resumed (posts already in the channel's history are not sent again), a post recorded as sent is
never sent twice, an event is recorded before Slack is answered and handled again after a crash."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.store.engine import create_engine
from bot.adapters.store.journal import SqlPostJournal
from bot.adapters.store.migrate import upgrade_to_head
from bot.app.ports.chat import CAUSE, Author, MessageRef, Post
from bot.app.ports.store import JournalEntry, OutgoingCall, PostState
from bot.testing.memory import MemoryKeyValues, MemorySeenEvents
from tests.adapters.slack.conftest import slack_rig

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
ORIGINAL = MessageRef("slack", "CFR", "1646643600.000100")


class WatchedJournal(SqlPostJournal):
    """The store's journal, telling the test which calls it has recorded (so it can "crash" right after)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.recorded: asyncio.Queue[str] = asyncio.Queue()

    async def record(self, call: OutgoingCall, owner: str, now: datetime, *,
                     replace: bool = False) -> JournalEntry | None:
        entry = await super().record(call, owner, now, replace=replace)
        self.recorded.put_nowait(call.method)
        return entry


@pytest.fixture
async def journal(tmp_path: Path) -> AsyncIterator[WatchedJournal]:
    engine = create_engine(f"sqlite:///{tmp_path / 'outbox.sqlite'}")
    await upgrade_to_head(engine)
    try:
        yield WatchedJournal(engine)
    finally:
        await engine.dispose()


def metadata(key: str) -> dict[str, Any]:
    return {"event_type": "floorbot_post", "event_payload": {"outbox": key}}


async def test_a_restart_sends_what_was_unconfirmed_unless_the_channel_shows_it(journal: SqlPostJournal) -> None:
    went_out = OutgoingCall("kA@CEN", "CEN", "chat.postMessage", "CEN",
                            {"channel": "CEN", "text": "went out", "metadata": metadata("kA@CEN")})
    never_sent = OutgoingCall("kB@CEN", "CEN", "chat.postMessage", "CEN",
                              {"channel": "CEN", "text": "never sent", "metadata": metadata("kB@CEN")},
                              {"copy_of": [ORIGINAL.channel, ORIGINAL.id], "lang": "en"})
    reply = OutgoingCall("kC", "private:UANA", "chat.postEphemeral", "CEN",
                         {"channel": "CEN", "user": "UANA", "text": "You are 1st."})
    for call in (went_out, never_sent, reply):
        await journal.record(call, "test", T0)
    kv = MemoryKeyValues()
    async with slack_rig(journal=journal, kv=kv) as rig:
        # Slack took the first post just before the crash: the bot never recorded its answer.
        rig.fake.messages[("CEN", "1700000000.900000")] = {"text": "went out", "metadata": metadata("kA@CEN")}
        await rig.slack.resume()
        after = await rig.slack.chat.queue("en", Post("queued after the restart"))
        await after
        await rig.settle()
        assert [post["text"] for post in rig.fake.posts("CEN")] == ["never sent", "queued after the restart"]
        assert [c.args["text"] for c in rig.fake.of("chat.postEphemeral")] == ["You are 1st."]
        assert await journal.unsent("test") == []
        # The resent copy is indexed under its original, as the live path does it (edits follow it).
        copies = await rig.slack.chat._copies.copies(ORIGINAL)
        assert copies["en"].channel == "CEN"
        stats = rig.slack.outbox.stats
        assert (stats.found_sent, stats.resent) == (1, 2)


async def test_an_event_handled_again_makes_the_same_posts_and_sends_none_twice(journal: SqlPostJournal) -> None:
    jules = Author("Jules Martin")

    async def handle_once() -> MessageRef:
        cause = CAUSE.set("slack:Ev42")
        try:
            await rig.slack.chat.reply_private("UANA", "You are 3rd.", context=MessageRef("slack", "CEN", ""))
            return await rig.slack.chat.post("en", Post("Bonjour", author=jules, reply_to=ORIGINAL))
        finally:
            CAUSE.reset(cause)

    async with slack_rig(journal=journal) as rig:
        first = await handle_once()
        await rig.settle()
    async with slack_rig(journal=journal) as rig:  # the next process, on the same store
        await rig.slack.resume()
        again = await handle_once()
        await rig.settle()
        assert again == first
        assert rig.fake.posts() == [] and rig.fake.of("chat.postEphemeral") == []


async def test_a_post_is_recorded_before_slack_is_reached(journal: SqlPostJournal) -> None:
    async with slack_rig(journal=journal) as rig:
        rig.slack.hold()  # Slack not reached yet
        queued = await rig.slack.chat.queue("fr", Post("La parole est ouverte."))
        (entry,) = await journal.unsent("test")
        assert entry.call.channel == "CFR" and entry.call.payload["text"] == "La parole est ouverte."
        assert rig.fake.calls == []
        rig.slack.outbox.open.set()
        ref = await queued
        await rig.settle()
        assert (await journal.record(entry.call, "test", T0)).state is PostState.SENT  # type: ignore[union-attr]
        assert ref.channel == "CFR"


class FailingInbox(MemorySeenEvents):
    async def record(self, source: str, event_id: str, payload: dict[str, Any], now: datetime) -> bool:
        raise OSError("disk full")


async def test_an_event_that_cannot_be_recorded_is_not_acknowledged() -> None:
    async with slack_rig(dedupe=FailingInbox()) as rig:
        answer = await rig.event({"type": "message", "user": "UANA", "channel": "CES", "text": "mano",
                                  "ts": "1646643600.000300", "channel_type": "channel"}, "EvLost")
        await rig.settle()
        assert answer.status_code != 200, "Slack must deliver it again"
        assert rig.inbox.events == []


async def test_events_recorded_and_not_handled_before_a_crash_are_handled_on_resume() -> None:
    inbox = MemorySeenEvents()
    async with slack_rig(dedupe=inbox) as rig:
        reached = asyncio.Event()

        async def hang(event: object) -> None:
            reached.set()
            await asyncio.Event().wait()

        rig.inbox.react = hang
        answer = await rig.event({"type": "message", "user": "UANA", "channel": "CES", "text": "mano",
                                  "ts": "1646643600.000400", "channel_type": "channel"}, "EvCrash")
        assert answer.status_code == 200
        async with asyncio.timeout(10):
            await reached.wait()
        assert [event_id for event_id, _ in await inbox.unfinished("slack")] == ["EvCrash"]
        for task in list(rig.slack.intake._tasks):  # the process dies mid-handling
            task.cancel()
    assert [event_id for event_id, _ in await inbox.unfinished("slack")] == ["EvCrash"]
    async with slack_rig(dedupe=inbox) as rig:
        assert await rig.slack.intake.resume() == 1
        (event,) = await rig.inbox.wait_for(1)
        await rig.settle()
        assert (event.event_id, event.text, event.user_id) == ("EvCrash", "mano", "UANA")
    assert await inbox.unfinished("slack") == []



async def test_the_posts_and_events_of_an_instance_that_is_gone_are_taken_over(journal: SqlPostJournal) -> None:
    orphan = OutgoingCall("kD@CES", "CES", "chat.postMessage", "CES",
                          {"channel": "CES", "text": "left by a dead instance", "metadata": metadata("kD@CES")})
    await journal.record(orphan, "instance-dead", T0)
    inbox = MemorySeenEvents()
    async with slack_rig(journal=journal, dedupe=inbox, owner="instance-leader") as rig:
        await rig.slack.resume()
        assert rig.fake.posts() == [], "not its own: left alone until it is known to be gone"
        assert await rig.slack.orphans() == {"instance-dead"}
        assert await rig.slack.adopt("instance-dead") == 1
        await rig.settle()
        assert [post["text"] for post in rig.fake.posts("CES")] == ["left by a dead instance"]
        assert await journal.unsent("instance-dead") == [] and await journal.unsent("instance-leader") == []
        assert await rig.slack.adopt("instance-leader") == 0, "never itself"


async def test_a_deleted_board_is_posted_anew_with_the_durable_outbox(journal: SqlPostJournal) -> None:
    """A board's key names several posts over time: the journal must not hand back the deleted one."""
    from bot.i18n.board import board_text
    from tests.adapters.slack.conftest import board_view

    async with slack_rig(journal=journal) as rig:
        v1, v2 = board_view("A", discussion="s1"), board_view("A", "B", discussion="s1")
        await rig.slack.chat.show_board(v1)
        (first,) = [ts for channel, ts in rig.fake.messages if channel == "CCHAIRS"]
        del rig.fake.messages[("CCHAIRS", first)]  # a chair deleted it by hand
        await rig.slack.chat.show_board(v2)
        assert [p["text"] for p in rig.fake.posts("CCHAIRS")] == [board_text(v1, "en"), board_text(v2, "en")]


async def test_an_edit_and_a_deletion_of_copies_queued_before_a_crash_are_sent_after_it(
    journal: WatchedJournal,
) -> None:
    """chat.update and chat.delete are journalled like posts: recorded before they are queued, resent on start
    (with no history check: sending one twice changes nothing)."""
    jules = Author("Jules Martin")
    other = MessageRef("slack", "CFR", "1646643600.000200")
    kv = MemoryKeyValues()  # the copies' index, as the store keeps it across the restart
    async with slack_rig(journal=journal, kv=kv) as rig:
        kept = await rig.slack.chat.post("en", Post("Bonjour", author=jules, reply_to=ORIGINAL))
        dropped = await rig.slack.chat.post("en", Post("Salut", author=jules, reply_to=other))
        await rig.settle()
        while not journal.recorded.empty():  # the two copies' records
            journal.recorded.get_nowait()
        rig.slack.hold()  # Slack is not reached again before the process dies
        cause = CAUSE.set("slack:EvEdit")
        edit = asyncio.create_task(rig.slack.chat.edit(ORIGINAL, Post("Bonjour à toutes et à tous", author=jules)))
        CAUSE.reset(cause)
        cause = CAUSE.set("slack:EvDelete")
        delete = asyncio.create_task(rig.slack.chat.delete(other))
        CAUSE.reset(cause)
        async with asyncio.timeout(10):
            recorded = [await journal.recorded.get() for _ in range(2)]
        assert sorted(recorded) == ["chat.delete", "chat.update"]
        await rig.slack.outbox.aclose()  # the process dies: nothing queued goes out
        edit.cancel()
        delete.cancel()
        assert rig.fake.of("chat.update") == [] and rig.fake.of("chat.delete") == []
    assert sorted(entry.call.method for entry in await journal.unsent("test")) == ["chat.delete", "chat.update"]
    async with slack_rig(journal=journal, kv=kv) as rig:  # the next process; Slack still shows both copies
        rig.fake.messages[(kept.channel, kept.id)] = {"text": "Bonjour"}
        rig.fake.messages[(dropped.channel, dropped.id)] = {"text": "Salut"}
        await rig.slack.resume()
        await rig.settle()
        assert "Bonjour à toutes et à tous" in rig.fake.messages[(kept.channel, kept.id)]["text"]
        assert (dropped.channel, dropped.id) not in rig.fake.messages
        assert rig.fake.of("conversations.history") == [], "an update or a deletion is not looked up"
        assert await journal.unsent("test") == []
    async with slack_rig(journal=journal, kv=kv) as rig:  # once more: the deletion went out, Slack says not found
        await journal.record(OutgoingCall("kE@CEN", "CEN", "chat.delete", "CEN", {"channel": "CEN", "ts": dropped.id}),
                             "test", T0)
        await rig.slack.resume()
        await rig.settle()
        assert [c.args["ts"] for c in rig.fake.of("chat.delete")] == [dropped.id]
        assert await journal.unsent("test") == [] and rig.slack.outbox.stats.failed == 0, "gone is deleted"
