"""One `/floor` from Slack, end to end on the real path: real slack-bolt against the fake Slack, the real store
and the real application layer. It is deduplicated once and parsed once."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.tables import inbound_events
from bot.app.clock import SimulatedClock
from bot.app.runtime import EventRuntime
from bot.app.timers import SimulatedTimers
from bot.domain import grammar
from bot.i18n.catalog import render
from bot.wiring import build_runtime, open_store
from tests.adapters.slack.conftest import SlackRig, command_body, event_body, make_schedule, signed, slack_rig


@dataclass
class Live:
    rig: SlackRig
    runtime: EventRuntime
    db: AsyncEngine
    inserts: list[str]


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    db = store.db
    inserts: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if " ".join(statement.split()).upper().startswith("INSERT INTO INBOUND_EVENTS"):
            inserts.append(statement)

    event.listen(db.sync_engine, "before_cursor_execute", count)
    schedule = make_schedule()
    try:
        async with slack_rig(schedule, dedupe=store.seen, kv=store.kv) as rig:
            clock = SimulatedClock(datetime(2022, 3, 7, 9, 30, tzinfo=UTC))
            runtime = build_runtime(schedule, rig.slack.chat, store, clock, SimulatedTimers(), translator=None,
                                    publish_board=True)
            runtime.current = "session-1"
            rig.slack.intake.handler = runtime.handle
            yield Live(rig, runtime, db, inserts)
    finally:
        await store.close()


@contextmanager
def grammar_calls() -> Iterator[list[str]]:
    """Counts the calls into the chat grammar from outside it (parse calling parse_floor is one parse)."""
    entries = {grammar.parse.__code__: "parse", grammar.parse_floor.__code__: "parse_floor"}
    calls: list[str] = []
    previous = sys.getprofile()

    def profile(frame: FrameType, what: str, _arg: Any) -> None:
        if what == "call" and frame.f_code in entries:
            caller = frame.f_back
            if caller is None or caller.f_code.co_filename != grammar.__file__:
                calls.append(entries[frame.f_code])

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)


async def _rows(db: AsyncEngine) -> int:
    async with db.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(inbound_events))).scalar_one())


async def test_one_floor_request_is_deduplicated_once_and_parsed_once(live: Live) -> None:
    body = command_body("", user="UANA", channel="CES", trigger="trig-once")  # `/floor` alone: a request
    with grammar_calls() as calls:
        response = await live.rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
        assert response.status_code == 200
        await live.rig.settle()
    assert len(live.inserts) == 1, live.inserts
    assert calls == ["parse_floor"]
    state = await live.runtime.floor.state("session-1")
    assert [r.participant.name for r in state.pending] == ["Ana García"]
    reply, asked = live.rig.fake.of("chat.postEphemeral")  # her place, then the group prompt (once)
    assert (reply.args["channel"], reply.args["user"]) == ("CES", "UANA")
    assert "blocks" not in reply.args and asked.args["blocks"][-1]["type"] == "actions"
    assert reply.args["text"].startswith(render("floor.reply.requested", "es", place="X", wait="Y").split("X")[0])
    (board,) = live.rig.fake.posts("CCHAIRS")  # the board, rendered by Slack in the chairs' language
    assert "Ana García" in board["text"]


async def test_a_message_delivered_four_times_has_one_effect(live: Live) -> None:
    body = event_body({"type": "message", "user": "UANA", "channel": "CES", "text": "mano", "ts": "1646643600.5",
                       "channel_type": "channel", "event_ts": "1646643600.5"}, "EvFourTimes")
    for retry in ("", "1", "2", "3"):
        headers = {**signed(body), **({"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
                                      if retry else {})}
        assert (await live.rig.send(body, headers)).status_code == 200
    await live.rig.settle()
    assert await _rows(live.db) == 1 and len(live.inserts) == 4  # one row: each delivery is checked once
    state = await live.runtime.floor.state("session-1")
    assert [r.participant.name for r in state.pending] == ["Ana García"]
    # Her place and the group prompt, once each: a redelivered event has one effect.
    assert len(live.rig.fake.of("chat.postEphemeral")) == 2
