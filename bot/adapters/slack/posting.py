"""Durable posting to Slack: every post is one Web API call described as data (method and arguments), so the
outbox can record it before it is queued and send it again after a crash.

Each post carries its journal key in its message metadata (`event_payload.outbox`), which is how, on start,
the channel's recent history tells which unconfirmed posts did go out. The key is stable across a restart
when the post is: posts made while handling an inbound event are keyed by that event (`CAUSE`) and their
order within it (the same event handled again makes the same posts, in the same order); others by the
post's own key (a cue's id); a post with neither gets a fresh one.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Mapping, Sequence
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import message_parts, message_payload
from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.slots import Call, Slot
from bot.app.ports.chat import CAUSE, Button, MessageRef
from bot.app.ports.store import OutgoingCall

SURFACE = "slack"
METADATA_TYPE = "floorbot_post"
HISTORY_PAGES = 5  # up to 1000 recent messages per channel are searched for unconfirmed posts' keys
MAX_TRACKED_CAUSES = 20_000


def summarize(response: Any) -> dict[str, Any]:
    """What is kept of Slack's answer to a post: where the message is."""
    get = getattr(response, "get", None)
    if get is None:
        return {}
    return {name: get(name) for name in ("channel", "ts", "message_ts") if get(name) is not None}


def ref_of(response: Any) -> MessageRef:
    return MessageRef(SURFACE, str(response["channel"]), str(response["ts"]))


def keys_of(message: Mapping[str, Any]) -> list[str]:
    """The journal keys a message in a channel's history carries (a bundle carries several)."""
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    keys = payload.get("outboxes") or [payload.get("outbox")]
    return [str(key) for key in keys if key]


class Poster:
    """Builds durable posts and keeps their keys; the outbox sends them."""

    def __init__(self, client: AsyncWebClient, outbox: Outbox) -> None:
        self._client = client
        self._outbox = outbox
        self._counts: OrderedDict[tuple[str, str, str], int] = OrderedDict()

    def make_call(self, method: str, payload: dict[str, Any]) -> Call:
        send = partial(self._client.api_call, method, json=payload)
        return partial(_gone_is_deleted, send) if method == "chat.delete" else send

    def key(self, channel: str, lane: str, own: str | None, *, once: bool = True) -> str:
        """The journal key of the next post to `channel` in `lane` (see the module docstring). Synchronous:
        taken when the post takes its place, so the order within an event is the order of its calls. `once`
        False: `own` may name several posts over time (a board posted anew after its message was deleted)."""
        cause = CAUSE.get()
        if cause is None:
            return f"{own}@{channel}" if own is not None and once else f"{uuid.uuid4().hex}@{channel}"
        counter = (cause, lane, channel)
        n = self._counts.get(counter, 0)
        self._counts[counter] = n + 1
        while len(self._counts) > MAX_TRACKED_CAUSES:
            self._counts.popitem(last=False)
        return f"{cause}#{lane}#{n}@{channel}"

    def call(self, key: str, method: str, channel: str, lane: str, payload: dict[str, Any],
             meta: Mapping[str, Any] | None = None) -> tuple[Call, OutgoingCall]:
        """The call to queue and its record, the key put in the message's metadata for posts."""
        if method == "chat.postMessage":
            metadata = dict(payload.get("metadata") or {"event_type": METADATA_TYPE, "event_payload": {}})
            metadata["event_payload"] = {**metadata.get("event_payload", {}), "outbox": key}
            payload = {**payload, "metadata": metadata}
        return self.make_call(method, payload), OutgoingCall(key, lane, method, channel, payload, dict(meta or {}))

    async def post(self, channel: str, text: str, *, actions: Sequence[Button] = (), key: str | None = None,
                   thread_ts: str | None = None, extra: Mapping[str, Any] | None = None, trailer: str = "",
                   lane: str | None = None, report: bool = True, slot: Slot | None = None,
                   meta: Mapping[str, Any] | None = None, once: bool = True) -> Awaitable[MessageRef]:
        """Record and queue `text` (split into several messages if too long); returns, once all parts are
        queued, the awaitable of the first message's ref. Places in the channel's order are taken now, before
        any await, so posts keep call order."""
        lane = lane or channel
        parts = message_parts(text)
        slots = [slot or self._outbox.reserve(channel, lane=lane)]
        slots += [self._outbox.reserve(channel, lane=lane) for _ in parts[1:]]
        base = self.key(channel, lane, key, once=once)
        futures = []
        try:
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                payload = message_payload(part, actions if last else (), trailer=trailer if last else "")
                payload.update(extra or {})
                payload["channel"] = channel
                if thread_ts is not None:
                    payload["thread_ts"] = thread_ts
                if key is not None:
                    payload["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
                send, record = self.call(base if index == 0 else f"{base}/{index}", "chat.postMessage", channel,
                                         lane, payload, meta if index == 0 else None)
                futures.append(await slots[index].fill("chat.postMessage", send, durable=record, report=report))
        finally:
            for unused in slots:
                unused.cancel()

        async def delivered() -> MessageRef:
            refs = [ref_of(await asyncio.shield(future)) for future in futures]
            return refs[0]

        return delivered()

    async def change(self, method: str, channel: str, payload: Mapping[str, Any], *, lane: str | None = None,
                     slot: Slot | None = None, report: bool = True) -> Awaitable[Any]:
        """Record and queue a `chat.update` or `chat.delete` of a message already posted; returns, once queued,
        the awaitable of Slack's answer. Sending one twice changes nothing, so a restart sends it again without
        looking for it in the channel's history (resume.py)."""
        lane = lane or channel
        slot = slot or self._outbox.reserve(channel, lane=lane)
        try:
            send, record = self.call(self.key(channel, lane, None), method, channel, lane,
                                     {**payload, "channel": channel})
            return await slot.fill(method, send, durable=record, report=report)
        finally:
            slot.cancel()

    async def find_sent(self, channel: str, keys: Sequence[str]) -> dict[str, Any]:
        """Which of `keys` the channel's recent history shows (their posts went out before a crash)."""
        wanted, found = set(keys), {}
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = await self._outbox.submit("conversations.history",
                                             partial(self._client.conversations_history, channel=channel,
                                                     limit=200, include_all_metadata=True, cursor=cursor),
                                             channel=channel, lane=f"history:{channel}", report=False)
            for message in page.get("messages") or []:
                for key in keys_of(message):
                    if key in wanted:
                        found[key] = {"channel": channel, "ts": str(message.get("ts"))}
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if wanted <= set(found) or not cursor:
                break
        return found


async def _gone_is_deleted(send: Call) -> Any:
    """A deletion Slack answers `message_not_found` did its work: the message is gone (deleted by a run that
    crashed before it recorded Slack's answer, or by its author)."""
    try:
        return await send()
    except SlackApiError as error:
        if error.response.get("error") != "message_not_found":
            raise
        return error.response
