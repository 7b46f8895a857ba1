"""Resuming the durable outbox at start: what a previous run recorded and never saw confirmed is queued ahead
of everything new; once the platform answers, the posts its channels already show (by the key each post
carries in its metadata) are settled without sending, and the others are sent."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from bot.adapters.slack.delivery import describe
from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.slots import Call, Slot
from bot.app.ports.store import JournalEntry, OutgoingCall, PostState

log = logging.getLogger(__name__)

# Which of these keys' posts the platform already shows in a channel: key -> the post's result.
FindSent = Callable[[str, Sequence[str]], Awaitable[Mapping[str, Any]]]
MakeCall = Callable[[str, dict[str, Any]], Call]
OnResent = Callable[[OutgoingCall, Any], Awaitable[None]]
HISTORY_ATTEMPTS = 5
# What a channel's history can show: a post (an ephemeral leaves no trace to look for).
LOOKED_UP = frozenset({"chat.postMessage"})


def resume(outbox: Outbox, entries: Sequence[JournalEntry], find_sent: FindSent, make_call: MakeCall,
           on_resent: OnResent) -> asyncio.Task[None]:
    """Take the entries' places now (call it before new calls arrive); the rest runs in the background.
    `on_resent` gets each call's result, for the surface's own indexes (copies, boards)."""
    placed = [(entry.call, outbox.reserve(entry.call.channel, lane=entry.call.lane), outbox.expect(entry.call.key))
              for entry in entries]
    task = asyncio.create_task(_resend(outbox, placed, find_sent, make_call, on_resent), name="outbox:resume")
    outbox.track(task)
    return task


async def _resend(outbox: Outbox, placed: list[tuple[OutgoingCall, Slot, asyncio.Future[Any]]],
                  find_sent: FindSent, make_call: MakeCall, on_resent: OnResent) -> None:
    await outbox.open.wait()
    keys_by_channel: dict[str, list[str]] = {}
    for call, _, _ in placed:
        if call.method in LOOKED_UP:
            keys_by_channel.setdefault(call.channel, []).append(call.key)
    found: dict[str, Any] = {}
    for channel, keys in keys_by_channel.items():
        found.update(await _history(outbox, find_sent, channel, keys))
    for call, slot, future in placed:
        if call.key in found:
            slot.cancel()
            outbox.stats.found_sent += 1
            await outbox.settle_records([call.key], PostState.SENT, found[call.key])
            future.set_result(found[call.key])
        else:
            outbox.stats.resent += 1
            slot.resend(call, make_call(call.method, call.payload), future)
    for call, _, future in placed:
        try:
            result = await asyncio.shield(future)
        except Exception as error:  # reported to the chairs like any failed delivery
            log.info("resent post %s failed: %s", call.key, describe(error))
            continue
        try:
            await on_resent(call, result)
        except Exception:
            log.exception("could not index the resent post %s", call.key)


async def _history(outbox: Outbox, find_sent: FindSent, channel: str, keys: Sequence[str]) -> Mapping[str, Any]:
    for attempt in range(HISTORY_ATTEMPTS):
        try:
            return await find_sent(channel, keys)
        except Exception as error:
            log.warning("cannot read %s's history to resume %d posts: %s", channel, len(keys), describe(error))
            await outbox.waits.sleep(outbox.backoff * 2 ** attempt)
    # Better a post shown twice than an acknowledged one never shown.
    log.error("resending %d posts to %s without knowing whether they went out", len(keys), channel)
    return {}
