"""Mirrored copies on Slack: a participant's message shown in another language's channel, under their name and
linked to the original; in its thread when the original was a reply; bundled with its neighbours when the
channel is backlogged (bundles.py); updated in place when the original is edited."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import link, markup_payload, message_parts, message_payload
from bot.adapters.slack.bundles import MAX_BUNDLED_TEXT, BundledLine, BundleIndex, render_bundle
from bot.adapters.slack.channels import SlackChannels
from bot.adapters.slack.escape import plain_label
from bot.adapters.slack.outbox import Bundled, Bundling, Outbox
from bot.adapters.slack.permalinks import Permalinks
from bot.adapters.slack.posting import METADATA_TYPE, SURFACE, Poster, ref_of
from bot.adapters.slack.slots import Slot
from bot.adapters.slack.stores import CopyIndex
from bot.app.ports.chat import MessageRef, Post
from bot.config.model import ChatMode
from bot.i18n.catalog import render

log = logging.getLogger(__name__)


class Mirror:
    """The copies of participants' messages (see the module docstring), for SlackChat."""

    def __init__(self, client: AsyncWebClient, outbox: Outbox, poster: Poster, channels: SlackChannels,
                 copies: CopyIndex, bundles: BundleIndex | None, permalinks: Permalinks) -> None:
        self._client = client
        self._outbox = outbox
        self._poster = poster
        self.channels = channels
        self._copies = copies
        self._bundles = bundles  # None: never bundle copies
        self._fresh_bundles: dict[tuple[str, str], list[BundledLine]] = {}
        self._thread_roots: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._permalinks = permalinks

    def note_thread(self, ref: MessageRef, root_ts: str) -> None:
        """The intake tells us a message is a reply in a thread, so its copies go into the copies' threads."""
        self._thread_roots[(ref.channel, ref.id)] = root_ts
        while len(self._thread_roots) > 20_000:  # only recent threads matter; keep memory bounded
            self._thread_roots.popitem(last=False)

    async def _thread_for_copy(self, original: MessageRef, lang: str) -> str | None:
        root = self._thread_roots.get((original.channel, original.id))
        if self.channels.mode is ChatMode.THREAD:
            return root or original.id
        if root is None:
            return None
        root_copy = (await self._copies.copies(MessageRef(SURFACE, original.channel, root))).get(lang)
        return root_copy.id if root_copy is not None else None

    async def copy(self, lang: str, post: Post, original: MessageRef) -> Awaitable[MessageRef]:
        """A participant's message shown in another language: under their name, linked to the original. Returns
        once the copy is queued (recorded), with the awaitable of its ref."""
        assert post.author is not None
        thread_mode = self.channels.mode is ChatMode.THREAD
        channel = self.channels.for_language(lang)
        slot = self._outbox.reserve(channel)  # keep call order despite the lookups below
        try:
            text = post.text
            if thread_mode:
                text = render("slack.thread.copy", lang, language=render(f"slack.endonym.{lang}", lang), text=text)
            url = post.link or (None if thread_mode else await self._permalinks.of(
                original, self._thread_roots.get((original.channel, original.id))))
            trailer = f"\n{link(url, render('slack.original_link', lang))}" if url else ""
            identity: dict[str, Any] = {"username": plain_label(post.author.name)[:80] or "?"}
            if post.author.avatar_url:
                identity["icon_url"] = post.author.avatar_url
            existing = (await self._copies.copies(original)).get(lang)
            if existing is not None:
                updated = await self._update_copy(slot, existing, original, text, trailer, lang)
                return self._then(updated, existing)
            thread_ts = await self._thread_for_copy(original, lang)
            meta = {"copy_of": [original.channel, original.id], "lang": lang}
            if self._bundles is not None and thread_ts is None and len(text) <= MAX_BUNDLED_TEXT:
                line = BundledLine(post.author.name, text, url, original.channel, original.id)
                queued = await self._bundleable_copy(slot, channel, lang, line, text, trailer, identity, meta)
            else:
                queued = await self._poster.post(channel, text, trailer=trailer, extra=identity, thread_ts=thread_ts,
                                                 key=post.key, slot=slot, meta=meta)
        finally:
            slot.cancel()

        async def indexed() -> MessageRef:
            ref = await queued
            await self._copies.add(original, lang, ref)
            return ref

        return indexed()

    @staticmethod
    async def _then(update: Awaitable[Any], ref: MessageRef) -> MessageRef:
        await update
        return ref

    async def _bundleable_copy(self, slot: Slot, channel: str, lang: str, line: BundledLine, text: str, trailer: str,
                               identity: Mapping[str, Any], meta: Mapping[str, Any]) -> Awaitable[MessageRef]:
        """Posted alone under the author's name, or merged with the copies queued behind it (see bundles.py)."""
        key = self._poster.key(channel, channel, None)
        alone, record = self._poster.call(key, "chat.postMessage", channel, channel,
                                          {"channel": channel, **message_payload(text, trailer=trailer), **identity},
                                          meta)

        def combine(parts: list[Any]) -> Callable[[], Awaitable[Any]]:
            lines = [part_line for part_line, _ in parts]
            payload = {"channel": channel, **markup_payload(render_bundle(lines, lang)),
                       "metadata": {"event_type": METADATA_TYPE,
                                    "event_payload": {"outboxes": [part_key for _, part_key in parts]}}}
            send = self._poster.make_call("chat.postMessage", payload)

            async def post_bundle() -> Any:
                response = await send()
                self._fresh_bundles[(str(response["channel"]), str(response["ts"]))] = lines
                return response
            return post_bundle

        future = await slot.fill("chat.postMessage", alone, durable=record,
                                 bundling=Bundling(f"copies:{channel}", (line, key), combine))

        async def posted() -> MessageRef:
            outcome = await asyncio.shield(future)
            # Alone or bundled; or the result of the same copy resumed after a restart (never bundled).
            ref = ref_of(outcome.result if isinstance(outcome, Bundled) else outcome)
            if (lines := self._fresh_bundles.pop((ref.channel, ref.id), None)) is not None and self._bundles:
                await self._bundles.set(ref, lines)  # whichever part resumes first records the bundle
            return ref

        return posted()

    async def _update_copy(self, slot: Slot, copy: MessageRef, original: MessageRef, text: str, trailer: str,
                           lang: str) -> Awaitable[Any]:
        lines = await self._bundles.lines(copy) if self._bundles is not None else None
        if lines is not None and self._bundles is not None:  # only this original's line changes
            lines = [replace(line, text=text) if line.is_copy_of(original) else line for line in lines]
            await self._bundles.set(copy, lines)
            payload = markup_payload(render_bundle(lines, lang))
        else:
            payload = message_payload(message_parts(text)[0], trailer=trailer)
        return await self._poster.change("chat.update", copy.channel, {"ts": copy.id, **payload}, slot=slot)

    async def drop_bundled_line(self, copy: MessageRef, original: MessageRef) -> bool:
        """If `copy` is a bundle, remove `original`'s line from it (deleting the post when none is left)."""
        if self._bundles is None or (lines := await self._bundles.lines(copy)) is None:
            return False
        remaining = [line for line in lines if not line.is_copy_of(original)]
        if not remaining:
            await self._bundles.forget(copy)
            return False  # the caller deletes the now empty post
        await self._bundles.set(copy, remaining)
        lang = self.channels.language_of(copy.channel) or self.channels.languages[0]
        await (await self._poster.change("chat.update", copy.channel,
                                         {"ts": copy.id, **markup_payload(render_bundle(remaining, lang))}))
        return True
