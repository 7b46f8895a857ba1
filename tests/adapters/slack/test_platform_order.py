"""Requests take their place on the list by Slack's own timestamp, not by when the bot got to them: real
slack-bolt against the fake Slack, signed requests, the real store and application layer. A redelivery 60 s
late keeps its place; requests from three channels a few milliseconds apart come out in the order they were
made whatever order they are handled in; a far-future timestamp is taken as the receipt time."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.clock import SimulatedClock
from bot.app.places import MAX_LATENESS, made_at
from bot.app.runtime import EventRuntime
from bot.app.timers import SimulatedTimers
from bot.domain.floor.policy import OrderPolicy
from bot.domain.floor.rules import queue
from bot.wiring import build_runtime, open_store
from tests.adapters.slack.conftest import SlackRig, event_body, make_schedule, signed, slack_rig

T = datetime(2022, 3, 7, 9, 30, tzinfo=UTC)
WHO = {"UANA": ("CES", "mano"), "UJULES": ("CFR", "main"), "UPEGGY": ("CEN", "hand"), "UEVE": ("CEN", "hand")}


@dataclass
class Live:
    rig: SlackRig
    runtime: EventRuntime
    clock: SimulatedClock

    async def ask(self, user: str, made: datetime, event_id: str, *, retry: int = 0) -> None:
        """A signed message event asking for the floor, with Slack's `ts` = when it was made."""
        channel, text = WHO[user]
        ts = f"{made.timestamp():.6f}"
        body = event_body({"type": "message", "user": user, "channel": channel, "text": text, "ts": ts,
                           "event_ts": ts, "channel_type": "channel"}, event_id)
        headers = signed(body)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        assert (await self.rig.send(body, headers)).status_code == 200

    async def order(self) -> list[str]:
        await self.rig.settle()
        state = await self.runtime.floor.state("session-1")
        return [r.participant.name for r in queue(state, self.runtime.policy)]


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    clock = SimulatedClock(T)  # one clock: Slack's receipt times and the floor's
    schedule = make_schedule()
    # Time order alone (the balanced order would interleave the stakeholder groups).
    schedule = schedule.model_copy(update={"floor": schedule.floor.model_copy(update={"order": OrderPolicy.FIFO})})
    try:
        async with slack_rig(schedule, dedupe=store.seen, kv=store.kv, clock=clock) as rig:
            runtime = build_runtime(schedule, rig.slack.chat, store, clock, SimulatedTimers(), translator=None,
                                    publish_board=False)
            runtime.current = "session-1"
            rig.slack.intake.handler = runtime.handle
            yield Live(rig, runtime, clock)
    finally:
        await store.close()


async def test_a_request_redelivered_60_s_late_keeps_its_place(live: Live) -> None:
    # Ana asks at T; that delivery never reaches the bot (it timed out). Jules asks 30 s later and is listed.
    live.clock.set(T + timedelta(seconds=30))
    await live.ask("UJULES", T + timedelta(seconds=30), "EvJules")
    assert await live.order() == ["Jules Martin"]
    # Slack redelivers Ana's event 60 s after she sent it: she asked first, so she goes first.
    live.clock.set(T + timedelta(seconds=60))
    await live.ask("UANA", T, "EvAna", retry=1)
    assert await live.order() == ["Ana García", "Jules Martin"]
    # Someone asking after that comes after both; a second redelivery changes nothing.
    live.clock.set(T + timedelta(seconds=70))
    await live.ask("UPEGGY", T + timedelta(seconds=70), "EvPeggy")
    await live.ask("UANA", T, "EvAna", retry=2)
    assert await live.order() == ["Ana García", "Jules Martin", "Peggy Hicks"]


@pytest.mark.parametrize("handled", list(itertools.permutations(["UANA", "UJULES", "UPEGGY"])))
async def test_three_requests_ms_apart_from_three_channels_come_out_in_the_order_made(
    live: Live, handled: tuple[str, ...]
) -> None:
    made = {"UANA": T, "UJULES": T + timedelta(milliseconds=2), "UPEGGY": T + timedelta(milliseconds=4)}
    live.clock.set(T + timedelta(milliseconds=50))
    # Delivered (and so handled) in every order, concurrently: the list follows Slack's timestamps.
    for user in handled:
        await live.ask(user, made[user], f"Ev{user}")
    assert await live.order() == ["Ana García", "Jules Martin", "Peggy Hicks"]


async def test_concurrent_deliveries_are_ordered_by_their_timestamps(live: Live) -> None:
    made = {"UANA": T, "UJULES": T + timedelta(milliseconds=3), "UPEGGY": T + timedelta(milliseconds=6)}
    live.clock.set(T + timedelta(seconds=1))
    await asyncio.gather(*(live.ask(user, made[user], f"Ev{user}") for user in reversed(list(made))))
    assert await live.order() == ["Ana García", "Jules Martin", "Peggy Hicks"]


async def test_a_far_future_timestamp_counts_as_the_receipt_time(live: Live) -> None:
    live.clock.set(T + timedelta(seconds=10))
    await live.ask("UJULES", T + timedelta(seconds=10), "EvJules")
    live.clock.set(T + timedelta(seconds=20))
    await live.ask("UEVE", T + timedelta(days=365), "EvFuture")  # a clock far ahead, or a forged stamp
    live.clock.set(T + timedelta(seconds=30))
    await live.ask("UANA", T + timedelta(seconds=25), "EvAna")
    # Eve is taken at her receipt (T+20): after Jules, before Ana who asked at T+25.
    assert await live.order() == ["Jules Martin", "Eve <!channel>", "Ana García"]
    state = await live.runtime.floor.state("session-1")
    assert max(r.at for r in state.pending) <= live.clock.now()


def test_made_at_believes_the_platform_within_bounds() -> None:
    received = T + timedelta(minutes=30)
    assert made_at(None, received) == received  # a slash command: its receipt
    assert made_at(T + timedelta(minutes=29), received) == T + timedelta(minutes=29)
    assert made_at(T + timedelta(days=1), received) == received  # never after the receipt
    assert made_at(T - timedelta(days=1), received) == received - MAX_LATENESS  # nor unboundedly early
