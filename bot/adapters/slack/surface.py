"""The ChatPort for Slack: language channels (mirror mode) or one channel with translated thread replies.

Every write goes through the Outbox (pacing, order, retries, failure reports); every post is recorded in
the store's journal before it is queued (posting.py), so a restart sends what was left (resume.py).
Conventions on top of the port, for the dispatcher:
- `post(lang, Post(author=..., reply_to=original))` is a *copy* of a participant's message: shown under
  the author's name, linked to the original, remembered in the CopyIndex; posting it again for the same
  original and language updates the copy in place (that is how an edited original is followed).
- `delete(original)` deletes every copy of it (the bot cannot delete a user's own message).
- `edit(original, Post(..., key="...:<lang>"))` does the same for the copy in that language.
- `show_board(view)` is the chairs' live board, rendered in their working language (`chairs_language`,
  the event's first): the first one is posted, later ones update that same message, coalesced and at most
  every `board_interval` seconds.
- copies of messages from the chairs' channel or from DMs are refused (logged): those stay private.
- the INTERPRETERS audience is the schedule's `chat.interpreters_channel`, in the chairs' working language
  (the booths share one channel); without that channel nothing is posted for them.
- when a language channel is backlogged, short copies are bundled (bundles.py).
- a copy links its original by a permalink built as Slack builds them (permalinks.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import message_parts, message_payload
from bot.adapters.slack.bundles import BundleIndex
from bot.adapters.slack.channels import SlackChannels
from bot.adapters.slack.mirror import Mirror
from bot.adapters.slack.outbox import DeliveryFailed, Failure, Outbox
from bot.adapters.slack.permalinks import Permalinks
from bot.adapters.slack.posting import SURFACE, Poster, ref_of
from bot.adapters.slack.responses import PromptAnswers
from bot.adapters.slack.resume import resume
from bot.adapters.slack.stores import BoardIndex, CopyIndex
from bot.app.ports.board import BoardView
from bot.app.ports.chat import AudienceKind, Button, MessageRef, Post, delivered
from bot.app.ports.store import JournalEntry, OutgoingCall
from bot.config.model import ChatMode
from bot.i18n.board import board_buttons, board_text
from bot.i18n.catalog import render

log = logging.getLogger(__name__)

BOARD_PREFIX = "board:"
# Errors after which a private reply falls back from an ephemeral message to a DM.
_NOTHING_TO_DELETE = {"message_not_found", "cant_delete_message"}
_EPHEMERAL_FALLBACK = {"user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived"}


@dataclass
class _Board:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ref: MessageRef | None = None


def _language_of_edit(post: Post, copies: Mapping[str, MessageRef]) -> str | None:
    """Which copy an edit is for: the language at the end of its key (e.g. "mirror-edit:fr"), or the only one."""
    if post.key is not None and (suffix := post.key.rsplit(":", 1)[-1]) in copies:
        return suffix
    return next(iter(copies)) if len(copies) == 1 else None


class SlackChat:
    """ChatPort for Slack. See the module docstring for the conventions added on top of the port."""

    surface = SURFACE

    def __init__(
        self,
        client: AsyncWebClient,
        outbox: Outbox,
        channels: SlackChannels,
        *,
        copies: CopyIndex,
        boards: BoardIndex,
        board_interval: float = 1.5,
        chairs_language: str = "en",
        bundles: BundleIndex | None = None,
    ) -> None:
        self._client = client
        self._outbox = outbox
        self._poster = Poster(client, outbox)
        self.channels = channels
        self._copies = copies
        self._boards = boards
        self._board_interval = board_interval
        self._chairs_language = chairs_language
        self._bundles = bundles  # None: never bundle copies
        self._board_state: dict[str, _Board] = {}
        self._dm_channels: dict[str, str] = {}
        self.permalinks = Permalinks(client)
        self.prompts = PromptAnswers()  # the pressed ephemeral prompts, replaced by their answer
        self.mirror = Mirror(client, outbox, self._poster, channels, copies, bundles, self.permalinks)
        outbox.on_failure = self.report_failure

    # -- the port -----------------------------------------------------------------------------------------

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        # A text with nothing in it (a message that was only markup) is not an announcement: Slack would
        # refuse it (no_text), so nothing is posted for it.
        texts = {lang: text for lang, text in texts.items() if text.strip()}
        if not texts:
            log.info("announcement %s has no text in any language: not posted", key)
            return []
        if audience is AudienceKind.INTERPRETERS:
            channel = self.channels.interpreters
            if channel is None:  # no interpreters' channel in the schedule: the booths read the console
                return []
            # The booths share the channel: one working language (the event's first, as the chairs').
            text = texts.get(self._chairs_language) or next(iter(texts.values()))
            return [await self._post_text(channel, text, actions=actions, key=key)]
        if audience is AudienceKind.CHAIRS or self.channels.mode is ChatMode.THREAD:
            channel = self._chairs() if audience is AudienceKind.CHAIRS else self.channels.shared
            # The chairs share one working language (the event's first): a note in three languages would
            # triple its length. Participants in thread mode get every language in one message.
            if audience is AudienceKind.CHAIRS and self._chairs_language in texts:
                text = texts[self._chairs_language]
            else:
                text = self._all_languages(texts)
            return [await self._post_text(channel, text, actions=actions, key=key)]
        results = await asyncio.gather(
            *(self._post_text(self.channels.for_language(lang), text, actions=actions, key=key)
              for lang, text in texts.items()),
            return_exceptions=True,
        )
        refs = [r for r in results if isinstance(r, MessageRef)]
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:  # every language was attempted; the failures have been reported to the chairs
            raise errors[0]
        return refs

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        return await (await self._queue(lang, post, audience))

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        return await self._queue(lang, post, AudienceKind.PARTICIPANTS)

    async def _queue(self, lang: str, post: Post, audience: AudienceKind) -> Awaitable[MessageRef]:
        if audience is AudienceKind.CHAIRS:
            return await self._poster.post(self._chairs(), post.text, actions=post.actions, key=post.key)
        if audience is AudienceKind.INTERPRETERS:
            if self.channels.interpreters is None:
                return delivered(MessageRef(SURFACE, "", ""))
            return await self._poster.post(self.channels.interpreters, post.text, actions=post.actions, key=post.key)
        original = post.reply_to if post.reply_to is not None and post.reply_to.surface == SURFACE else None
        if post.author is not None and original is not None:
            if original.channel in (self.channels.chairs, self.channels.interpreters) or original.channel[:1] == "D":
                # The chairs' channel and direct messages are private: never mirrored to participants.
                log.warning("not mirroring %s from the chairs' channel to participants", original)
                return delivered(original)
            copy: Awaitable[MessageRef] = await self.mirror.copy(lang, post, original)
            return copy
        channel = self.channels.for_language(lang)
        thread = original.id if original is not None and original.channel == channel else None
        return await self._poster.post(channel, post.text, actions=post.actions, key=post.key, thread_ts=thread)

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        if not actions and await self.prompts.replace(context, text):
            return
        if context is not None and context.surface == SURFACE and not context.channel.startswith("D"):
            lane = f"private:{user_id}"
            try:
                parts = message_parts(text)
                for n, part in enumerate(parts, start=1):
                    slot = self._outbox.reserve(context.channel, lane=lane)
                    # The buttons go with the last part, under all of the text they answer.
                    shown = message_payload(part, actions if n == len(parts) else ())
                    payload = {"channel": context.channel, "user": user_id, **shown}
                    send, record = self._poster.call(self._poster.key(context.channel, lane, None),
                                                     "chat.postEphemeral", context.channel, lane, payload)
                    await slot.submit("chat.postEphemeral", send, durable=record, report=False)
                return
            except DeliveryFailed as failed:
                if not any(reason in failed.failure.error for reason in _EPHEMERAL_FALLBACK):
                    await self.report_failure(failed.failure)
                    raise
        channel = await self._dm_channel(user_id)
        await self._post_text(channel, text, actions=actions, lane=f"private:{user_id}")

    async def show_board(self, board: BoardView) -> None:
        lang = self._chairs_language
        actions = [Button(*button) for button in board_buttons(board, lang)]
        await self._show_board(f"{BOARD_PREFIX}{board.discussion}", board_text(board, lang), actions)

    async def edit(self, ref: MessageRef, post: Post) -> None:
        copies = await self._copies.copies(ref)
        if copies:  # `ref` is an original we mirrored: its copy in the post's language is what changes
            lang = _language_of_edit(post, copies)
            if lang is None:
                log.warning("edit of %s: cannot tell which copy (%s) to change", ref, sorted(copies))
                return
            if post.author is not None:
                await (await self.mirror.copy(lang, replace(post, reply_to=ref), ref))
                return
            ref = copies[lang]
        payload = message_payload(message_parts(post.text)[0], post.actions)
        await self._outbox.submit(
            "chat.update", partial(self._client.chat_update, channel=ref.channel, ts=ref.id, **payload),
            channel=ref.channel, key=f"edit:{ref.id}",
        )

    async def delete(self, ref: MessageRef) -> None:
        copies = await self._copies.copies(ref)
        targets = list(copies.values()) if copies else [ref]
        for target in targets:
            if copies and await self.mirror.drop_bundled_line(target, ref):
                continue
            try:
                await (await self._poster.change("chat.delete", target.channel, {"ts": target.id}, report=False))
            except DeliveryFailed as failed:
                # Already gone, or a user's own message with no copies: nothing to do, nothing to report.
                if not any(reason in failed.failure.error for reason in _NOTHING_TO_DELETE):
                    await self.report_failure(failed.failure)
                    raise
        if copies:
            await self._copies.forget(ref)

    async def react(self, ref: MessageRef, emoji: str) -> None:
        name = emoji.strip(":")
        await self._outbox.submit(
            "reactions.add", partial(self._client.reactions_add, channel=ref.channel, timestamp=ref.id, name=name),
            channel=ref.channel,
        )

    def note_thread(self, ref: MessageRef, root_ts: str) -> None:
        """The intake tells us a message is a reply in a thread, so its copies go into the copies' threads."""
        self.mirror.note_thread(ref, root_ts)

    # -- failures -----------------------------------------------------------------------------------------

    async def report_failure(self, failure: Failure) -> None:
        """Tell the chairs what could not be delivered (never about the chairs' channel itself: log that)."""
        chairs = self.channels.chairs
        if chairs is None or failure.channel == chairs:
            log.error("undeliverable and not reportable: %s", failure)
            return
        text = render("slack.delivery_failed", self._chairs_language, channel=failure.channel,
                      method=failure.method, attempts=failure.attempts, error=failure.error)
        await self._post_text(chairs, text, lane=f"report:{chairs}", report=False)

    # -- helpers ------------------------------------------------------------------------------------------

    def _chairs(self) -> str:
        return self.channels.chairs or self.channels.for_language(self.channels.languages[0])

    def _all_languages(self, texts: Mapping[str, str]) -> str:
        if len(texts) == 1:
            return next(iter(texts.values()))
        return "\n\n".join(
            render("slack.thread.section", lang, language=render(f"slack.endonym.{lang}", lang), text=text)
            for lang, text in texts.items()
        )

    async def _post_text(
        self, channel: str, text: str, *, actions: Sequence[Button] = (), key: str | None = None,
        lane: str | None = None, report: bool = True, meta: Mapping[str, Any] | None = None, once: bool = True,
    ) -> MessageRef:
        """Post `text` (split into several messages if too long), durably; returns the first message's ref."""
        return await (await self._poster.post(channel, text, actions=actions, key=key, lane=lane, report=report,
                                              meta=meta, once=once))

    def resume(self, entries: Sequence[JournalEntry]) -> None:
        """Queue what a previous run left unconfirmed, ahead of anything new (see resume.py)."""
        if entries:
            log.warning("Slack: resuming %d unconfirmed posts left by a previous run", len(entries))
            resume(self._outbox, entries, self._poster.find_sent, self._poster.make_call, self._resent)

    async def _resent(self, call: OutgoingCall, result: Any) -> None:
        """A resent post's follow-up, as the live path does it: a copy is indexed under its original, a board
        remembered."""
        if call.method != "chat.postMessage":
            return
        ref = ref_of(result)
        if (original := call.meta.get("copy_of")) and (lang := call.meta.get("lang")):
            await self._copies.add(MessageRef(SURFACE, str(original[0]), str(original[1])), str(lang), ref)
        if board := call.meta.get("board"):
            await self._boards.set(str(board), ref.channel, ref.id)

    async def _dm_channel(self, user_id: str) -> str:
        if user_id not in self._dm_channels:
            response = await self._outbox.submit(
                "conversations.open", lambda: self._client.conversations_open(users=user_id),
                channel=f"open:{user_id}", lane=f"private:{user_id}:open",
            )
            self._dm_channels[user_id] = str(response["channel"]["id"])
        return self._dm_channels[user_id]

    async def _show_board(self, key: str, text: str, actions: Sequence[Button]) -> MessageRef:
        board = self._board_state.setdefault(key, _Board())
        channel = self._chairs()
        async with board.lock:
            if board.ref is None:
                stored = await self._boards.get(key)
                if stored is not None:
                    board.ref = MessageRef(SURFACE, stored[0], stored[1])
            if board.ref is None:
                board.ref = await self._post_text(channel, text, actions=actions, key=key, lane=f"board:{channel}",
                                                  meta={"board": key}, once=False)
                await self._boards.set(key, board.ref.channel, board.ref.id)
                return board.ref
            ref = board.ref
        payload = message_payload(message_parts(text)[0], actions)
        # Same key: a newer board replaces a queued one; the throttle keeps updates ~1 per board_interval.
        try:
            await self._outbox.submit(
                "chat.update", partial(self._client.chat_update, channel=ref.channel, ts=ref.id, **payload),
                channel=ref.channel, lane=f"board:{ref.channel}", key=key, throttle=self._board_interval,
                report=False,
            )
        except DeliveryFailed as failed:
            if "message_not_found" not in failed.failure.error:
                await self.report_failure(failed.failure)
                raise
            async with board.lock:  # someone deleted the board: post a new one
                if board.ref == ref:
                    board.ref = None
                    await self._boards.forget(key)
            return await self._show_board(key, text, actions)
        return ref
