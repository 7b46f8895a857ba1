"""Burst benchmark of the Slack surface: 300 attendees post within 10 s across three language channels.

Run:  python bench/slack_burst.py [--attendees 300] [--window 10] [--scale 10]

Everything real except Slack: signed requests go over HTTP to uvicorn + bolt (our routes), and our posts
go through slack_sdk to the loopback fake Web API, which enforces ~1 chat.postMessage per second per
channel (burst 3) and answers 429 + Retry-After beyond it. Slack time runs `--scale` times faster than the
wall clock (the outbox's waits and the fake's rate limiter share that scaled clock), so the
~2 minutes Slack needs to drain the burst take seconds. Ack latency is wall-clock time.

Two pipelines, same run, same traffic, same fake:
- floorbot: the Slack surface (outbox: pacing, 429 pauses, coalesced board, retries, failure reports);
- naive:    the same bolt intake, but the handler calls chat.postMessage/update/postEphemeral directly.
Two thirds of the messages are chat (mirrored into the two other language channels); one third are
requests for the floor (a private reply to the requester and an update of the chairs' board).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adapters.slack.escape import escape  # noqa: E402
from bot.adapters.slack.runtime import SlackRuntime, build_slack  # noqa: E402
from bot.app.clock import SimulatedClock  # noqa: E402
from bot.app.ports.board import BoardEntry, BoardPerson, BoardView  # noqa: E402
from bot.app.ports.chat import Author, InboundEvent, InboundKind, Post  # noqa: E402
from bot.config.settings import Settings  # noqa: E402
from bot.testing.memory import MemoryKeyValues  # noqa: E402
from bot.testing.memory import MemorySeenEvents as MemoryDedupe  # noqa: E402
from tests.adapters.slack.conftest import SECRET, TOKEN, event_body, make_schedule, serve, signed  # noqa: E402
from tests.fakes.slack_api import FakeSlack, FakeSlackServer  # noqa: E402

CHANNELS = {"en": "CEN", "fr": "CFR", "es": "CES"}
# What the fake enforces workspace-wide besides ~1 post/s per channel: Slack's Tier 3 (chat.update, 50/min)
# and Tier 4 (chat.postEphemeral, 100/min), with short bursts.
SLACK_TIERS = {"chat.update": (50 / 60, 5), "chat.postEphemeral": (100 / 60, 10)}
REQUESTS = {"en": "hand", "fr": "main", "es": "mano"}


class ScaledTime:
    """Slack time, as the `Waits` port: the wall clock sped up `scale` times (monotonic seconds since start)."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.start = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self.start) * self.scale

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.scale)


@dataclass
class Tally:
    received: dict[str, float] = field(default_factory=dict)  # event id -> Slack time the handler got it
    delays: list[float] = field(default_factory=list)  # Slack seconds from intake to a copy's delivery
    reply_delays: list[float] = field(default_factory=list)  # Slack seconds from intake to a private reply
    lost: int = 0
    expected: int = 0
    arrival: dict[int, int] = field(default_factory=dict)  # message number -> order the handler saw it in

    def arrived(self, text: str) -> None:
        if (n := number_of(text)) is not None:
            self.arrival[n] = len(self.arrival)


_NUMBER = re.compile(r"message (\d+) from")


def number_of(text: str) -> int | None:
    found = _NUMBER.search(text)
    return int(found.group(1)) if found else None


def numbers_in(text: str) -> list[int]:
    """The chat messages a post carries: one for a single copy, one per line for a bundle."""
    return [int(n) for n in _NUMBER.findall(text)]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def floorbot_handler(slack: SlackRuntime, st: ScaledTime, tally: Tally) -> Callable[[InboundEvent], Awaitable[None]]:
    queue: list[str] = []

    async def handle(event: InboundEvent) -> None:
        if event.kind is not InboundKind.MESSAGE or event.ref is None:
            return
        got = st.now()
        tally.arrived(event.text)
        lang = event.channel_language or "en"
        chat = slack.chat
        if event.text in REQUESTS.values():
            queue.append(event.display_name)
            tally.expected += 1
            await chat.reply_private(event.user_id, f"You are number {len(queue)}.", context=event.ref)
            tally.reply_delays.append(st.now() - got)
            await chat.show_board(BoardView(
                "bench", {"en": "bench"}, "UTC", True, None,
                tuple(BoardEntry(place, BoardPerson(name, "other", {"en": "Other"}, "en"), "new")
                      for place, name in enumerate(queue, start=1)),
            ))
            return
        author = Author(event.display_name)
        ref = event.ref

        async def copy(other: str) -> None:
            await chat.post(other, Post(f"[{other}] {event.text}", author=author, reply_to=ref))
            tally.delays.append(st.now() - got)

        others = [other for other in CHANNELS if other != lang]
        tally.expected += len(others)
        await asyncio.gather(*(copy(other) for other in others))

    return handle


def naive_handler(client: AsyncWebClient, st: ScaledTime, tally: Tally) -> Callable[[InboundEvent], Awaitable[None]]:
    queue: list[str] = []
    board: dict[str, str] = {}

    async def attempt(call: Awaitable[Any]) -> bool:
        try:
            await call
            return True
        except SlackApiError:
            tally.lost += 1
            return False

    async def handle(event: InboundEvent) -> None:
        if event.kind is not InboundKind.MESSAGE or event.ref is None:
            return
        got = st.now()
        tally.arrived(event.text)
        lang = event.channel_language or "en"
        if event.text in REQUESTS.values():
            queue.append(event.display_name)
            tally.expected += 1
            if await attempt(
                client.chat_postEphemeral(
                    channel=event.ref.channel, user=event.user_id, text=f"You are number {len(queue)}."
                )
            ):
                tally.reply_delays.append(st.now() - got)
            text = escape("List of speakers:\n" + "\n".join(queue))
            if "ts" in board:
                await attempt(client.chat_update(channel="CCHAIRS", ts=board["ts"], text=text))
            else:
                try:
                    board["ts"] = str((await client.chat_postMessage(channel="CCHAIRS", text=text))["ts"])
                except SlackApiError:
                    tally.lost += 1  # the board itself; counted, though not in `expected`
            return

        async def copy(other: str, channel: str) -> None:
            if await attempt(
                client.chat_postMessage(
                    channel=channel, text=escape(f"[{other}] {event.text}"), username=event.display_name
                )
            ):
                tally.delays.append(st.now() - got)

        others = [(other, channel) for other, channel in CHANNELS.items() if other != lang]
        tally.expected += len(others)
        await asyncio.gather(*(copy(other, channel) for other, channel in others))

    return handle


async def run(kind: str, attendees: int, window: float, scale: float) -> dict[str, Any]:
    st = ScaledTime(scale)
    fake = FakeSlack(clock=st.now, post_rate=(1.0, 3), method_rates=SLACK_TIERS)
    async with FakeSlackServer(fake):
        langs = list(CHANNELS)
        for n in range(attendees):
            fake.add_user(f"U{n:04d}", f"Attendee {n}", email=f"a{n}@example.org", locale="en-US")
        settings = Settings(
            _env_file=None,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,  # type: ignore[call-arg]
            slack_api_url=fake.base_url,
        )
        slack = build_slack(
            settings,
            make_schedule(),
            inbox=MemoryDedupe(),
            kv=MemoryKeyValues(),
            clock=SimulatedClock(datetime(2022, 3, 7, 9, tzinfo=UTC)),
            waits=st,
        )
        await slack.start()  # caches the workspace's profiles (users.list), as `serve` does
        tally = Tally()
        if kind == "floorbot":
            slack.intake.handler = floorbot_handler(slack, st, tally)
        else:
            slack.intake.handler = naive_handler(AsyncWebClient(token=TOKEN, base_url=fake.base_url), st, tally)
        acks: list[float] = []
        async with (
            serve(slack.routes()) as url,
            httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as http,
        ):
            # Warm up (bolt's first request calls auth.test), not measured.
            await http.post(
                f"{url}/slack/events",
                content=(
                    b := event_body(
                        {"type": "message", "subtype": "channel_join", "user": "U0000", "channel": "CEN", "ts": "1.0"},
                        "EvWarm",
                    )
                ),
                headers=signed(b),
            )

            async def one(n: int) -> None:
                lang = langs[n % 3]
                text = REQUESTS[lang] if (n // 3) % 3 == 1 else f"message {n} from attendee {n} about remedy"
                body = event_body(
                    {
                        "type": "message",
                        "user": f"U{n:04d}",
                        "channel": CHANNELS[lang],
                        "text": text,
                        "ts": f"1646643600.{n:06d}",
                        "channel_type": "channel",
                    },
                    f"Ev{n:05d}",
                )
                started = time.perf_counter()
                response = await http.post(f"{url}/slack/events", content=body, headers=signed(body))
                acks.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code

            sends = []
            for n in range(attendees):
                await st.sleep(window / attendees)
                sends.append(asyncio.create_task(one(n)))
            await asyncio.gather(*sends)
            drain_started = st.now()
            await slack.intake.drain()
            await slack.outbox.drain()
            drained_at = st.now()
            await slack.aclose()
        calls = [c for c in fake.calls if c.method != "auth.test"]
        delivered_copies = sum(
            len(numbers_in(str(c.args.get("text", ""))))
            for c in calls
            if c.method == "chat.postMessage" and c.status == 200 and c.args.get("channel") in CHANNELS.values()
        )
        ephemerals = sum(1 for c in calls if c.method == "chat.postEphemeral" and c.status == 200)
        lost = tally.expected - delivered_copies - ephemerals
        order_ok = all(_in_order(fake, channel, tally) for channel in CHANNELS.values())
        return {
            "pipeline": kind,
            "ack_p50_ms": percentile(acks, 0.5) * 1000,
            "ack_p99_ms": percentile(acks, 0.99) * 1000,
            "delay_p50_s": percentile(tally.delays, 0.5),
            "delay_p99_s": percentile(tally.delays, 0.99),
            "reply_p50_s": percentile(tally.reply_delays, 0.5),
            "reply_p99_s": percentile(tally.reply_delays, 0.99),
            "chat_posts": sum(1 for c in calls if c.method == "chat.postMessage" and c.status == 200
                              and c.args.get("channel") in CHANNELS.values()),
            "copies_delivered": delivered_copies,
            "calls_per_inbound": len(calls) / attendees,
            "posts_per_inbound": sum(1 for c in calls if c.method.startswith("chat.")) / attendees,
            "http_429": sum(1 for c in calls if c.status == 429),
            "lost": lost,
            "expected": tally.expected,
            "order_kept": order_ok,
            "board_updates": sum(1 for c in calls if c.method == "chat.update" and c.status == 200),
            "drain_s": drained_at - drain_started,
        }


def _in_order(fake: FakeSlack, channel: str, tally: Tally) -> bool:
    """Copies from one source channel appear in the order their originals reached the handler."""
    by_source: dict[int, list[int]] = {}
    for post in fake.posts(channel):
        for n in numbers_in(str(post.get("text", ""))):
            by_source.setdefault(n % 3, []).append(tally.arrival[n])
    return all(seq == sorted(seq) for seq in by_source.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attendees", type=int, default=300)
    parser.add_argument("--window", type=float, default=10.0, help="Slack seconds over which they post")
    parser.add_argument("--scale", type=float, default=10.0, help="Slack time runs this much faster")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [asyncio.run(run(kind, args.attendees, args.window, args.scale)) for kind in ("floorbot", "naive")]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    rows = [
        ("ack p50 / p99 (ms, wall clock)", "{ack_p50_ms:.1f} / {ack_p99_ms:.1f}"),
        ("delivery delay of copies p50 / p99 (Slack s)", "{delay_p50_s:.1f} / {delay_p99_s:.1f}"),
        ("private reply delay p50 / p99 (Slack s)", "{reply_p50_s:.1f} / {reply_p99_s:.1f}"),
        ("copies delivered / posts carrying them", "{copies_delivered} / {chat_posts}"),
        ("Slack calls per inbound message", "{calls_per_inbound:.2f}"),
        ("  of which chat.* writes", "{posts_per_inbound:.2f}"),
        ("HTTP 429 received", "{http_429}"),
        ("messages lost (of expected)", "{lost} (of {expected})"),
        ("order kept per channel", "{order_kept}"),
        ("board updates sent", "{board_updates}"),
        ("time to drain after the burst (Slack s)", "{drain_s:.0f}"),
    ]
    print(f"{args.attendees} attendees within {args.window:g} s, Slack time x{args.scale:g}\n")
    print("| metric | floorbot outbox | naive direct posts |\n|---|---|---|")
    for label, fmt in rows:
        print(f"| {label} | {fmt.format(**results[0])} | {fmt.format(**results[1])} |")


if __name__ == "__main__":
    main()
