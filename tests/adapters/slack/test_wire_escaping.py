"""Property: whatever users type (and whatever their names are), nothing that reaches Slack's wire can
mention, notify or link — the only control sequences in outgoing payloads are permalinks Slack gave us.

The rig (fake Web API + uvicorn + bolt) runs in its own thread and event loop for the whole property, so
hypothesis drives many examples through the real HTTP path without restarting servers.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.adapters.slack.escape import to_plain
from bot.app.ports.chat import AudienceKind, Author, InboundEvent, InboundKind, Post
from tests.adapters.slack.conftest import SlackRig, board_view, slack_rig
from tests.fakes.slack_api import Call

ALLOWED = re.compile(r"<https://fake\.slack\.test/archives/[A-Z0-9]+/p\d+\|[^<>|]+>")
ANY_CONTROL = re.compile(r"<[^<>]*>|<[!@#]|\|[^ ]*>")

slack_text = st.lists(
    st.sampled_from(["<", ">", "&", "|", "!", "@", "#", "channel", "here", "U123", "C42", "http://x.y",
                              "mailto:a@b", "subteam^S1", " ", "\n", "é", "✋", "amp;", "lt;", "gt;"]),
    min_size=1, max_size=40,
).map("".join).filter(str.strip)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        try:
            parsed = json.loads(value)  # blocks arrive JSON-encoded in form bodies
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            yield from strings(parsed)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


class LoopThread:
    """An event loop in a thread, hosting the rig; tests submit coroutines to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def wire() -> Iterator[tuple[LoopThread, SlackRig]]:
    runner = LoopThread()
    ready: Future[SlackRig] = Future()
    done = asyncio.Event()

    async def host() -> None:
        async with slack_rig() as rig:
            rig.inbox.react = mirror(rig)
            ready.set_result(rig)
            await done.wait()

    hosting = asyncio.run_coroutine_threadsafe(host(), runner.loop)
    rig = ready.result(timeout=30)
    yield runner, rig
    runner.loop.call_soon_threadsafe(done.set)
    hosting.result(timeout=30)
    runner.stop()


def mirror(rig: SlackRig) -> Any:
    """A dispatcher stand-in that sends user-derived text everywhere it could go."""

    async def react(event: InboundEvent) -> None:
        if event.kind is not InboundKind.MESSAGE or event.ref is None:
            return
        chat = rig.slack.chat
        author = Author(event.display_name, None)
        for lang in ("en", "es"):
            await chat.post(lang, Post(event.text, author=author, reply_to=event.ref))
        await chat.reply_private(event.user_id, f"You said: {event.text}", context=event.ref)
        await chat.announce({"en": event.text, "fr": event.text}, audience=AudienceKind.CHAIRS)
        await chat.show_board(board_view(event.display_name, discussion="wire", note=event.text))

    return react


_ids = itertools.count()


def writes(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=slack_text)
@example(text="<>")  # only markup: nothing left to announce (hypothesis found it)
def test_nothing_user_typed_reaches_the_wire_as_markup(wire: tuple[LoopThread, SlackRig], text: str) -> None:
    runner, rig = wire
    n = next(_ids)
    before = len(rig.fake.calls)

    async def deliver() -> None:
        ts = f"1646643600.{n:06d}"
        await rig.event({"type": "message", "user": "UEVE", "channel": "CFR", "text": text, "ts": ts,
                         "channel_type": "channel"}, f"EvWire{n}")
        # Two copies, a private reply, a note to the chairs and the board: wait for them (events, not time).
        # A text that was only markup leaves the note to the chairs empty, and an empty note is not posted.
        expected = 5 if to_plain(text).strip() else 4
        await rig.fake.wait_for(lambda fake: len(writes(fake.calls[before:])) >= expected)
        await rig.settle()

    runner.run(deliver())
    written = writes(rig.fake.calls[before:])
    for call in written:
        assert "link_names" not in call.args and call.args.get("parse") != "full"
        for value in strings(call.args):
            leftover = ALLOWED.sub("", value)
            assert not ANY_CONTROL.search(leftover), (text, value)
