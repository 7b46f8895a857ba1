"""LocalChat: the ChatPort of the web console.

Each language audience is a channel (`participants:en`, `chairs:fr`, ...) and each person has a private one
(`user:web:lene-wendland`). Every channel keeps a bounded history, so a page that connects late (or
reconnects) sees the recent conversation; live subscribers get every new or changed message of the channels
they can read. Nothing here blocks or fails: a subscriber that cannot keep up is told to reload instead of
slowing the bot down.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.app.clock import Clock
from bot.app.ports.board import BoardView
from bot.app.ports.chat import AudienceKind, Button, MessageRef, Post, delivered
from bot.i18n import catalog as i18n
from bot.i18n.board import board_buttons, board_text

SURFACE = "web"
USER_CHANNEL_PREFIX = "user:"


@dataclass(frozen=True)
class ConsoleMessage:
    """One message as the console keeps it. `author` None means the bot itself."""

    seq: int
    id: str
    channel: str
    kind: str  # announce | post | private | inbound (what an attendee typed)
    lang: str | None
    text: str
    at: datetime
    author: str | None = None
    user_id: str | None = None  # the writer of an inbound message, the recipient of a private one
    key: str | None = None
    actions: tuple[Button, ...] = ()
    original_id: str | None = None  # the original of a mirrored (translated) copy
    link: str | None = None
    edited: bool = False
    deleted: bool = False
    reactions: tuple[str, ...] = ()


@dataclass(frozen=True)
class StreamEvent:
    """What a subscriber receives: `message` (new), `update` (edited/deleted/reacted), `state` (refetch the
    floor), `reset` (too far behind: reload the history)."""

    type: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _Subscriber:
    user_id: str
    lang: str
    chair: bool
    queue: asyncio.Queue[StreamEvent]

    def reads(self, channel: str) -> bool:
        return can_read(channel, self.user_id, self.lang, chair=self.chair)


class Subscription:
    """An async iterator of StreamEvents for one open page."""

    def __init__(self, subscriber: _Subscriber) -> None:
        self._subscriber = subscriber

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> StreamEvent:
        return await self._subscriber.queue.get()


# What the dispatcher appends to a mirrored copy (translate.notice.*); all but "machine" mean the reader is
# looking at the original words.
_NOTICES = {"translate.notice.machine": False, "translate.notice.untranslated": True,
            "translate.notice.unavailable": True, "translate.notice.original_kept": True}


def split_notice(text: str, lang: str | None) -> tuple[str, str | None, bool]:
    """(the message without its translation notice, the notice, whether it is untranslated)."""
    if lang not in i18n.LANGUAGES:
        return text, None, False
    for key, untranslated in _NOTICES.items():
        if not i18n.has(key):
            continue
        notice = i18n.render(key, lang)
        for tail in (f"\n_{notice}_", f"\n{notice}", f" {notice}"):
            if text.endswith(tail):
                return text[: -len(tail)].rstrip(), notice, untranslated
    marker = i18n.render("common.untranslated", lang)
    if marker in text:
        return text.replace(marker, "").strip(), None, True
    return text, None, False


def audience_channel(audience: AudienceKind, lang: str) -> str:
    return f"{audience.value}:{lang}"


def can_read(channel: str, user_id: str, lang: str, *, chair: bool) -> bool:
    """A reader sees their language's pane, their private notices, and the chairs' pane if they chair."""
    return channel in (audience_channel(AudienceKind.PARTICIPANTS, lang), USER_CHANNEL_PREFIX + user_id) or (
        chair and channel == audience_channel(AudienceKind.CHAIRS, lang)
    )


class LocalChat:
    """ChatPort for the browser, with bounded per-channel history and live fan-out."""

    surface = SURFACE

    def __init__(self, clock: Clock, *, history: int = 300, queue_size: int = 256, origin: str = "") -> None:
        self._clock = clock
        # Several instances share one console (bot/adapters/web/shared_chat.py): each prefixes its message ids
        # with its origin and hands every change to `publish`; `apply` takes in the others' changes.
        self._origin = origin
        self.publish: Callable[[dict[str, Any]], None] | None = None
        self._history_size = history
        self._queue_size = queue_size
        self._seq = itertools.count(1)
        self._channels: dict[str, deque[str]] = {}
        self._messages: dict[str, ConsoleMessage] = {}
        self._subscribers: list[_Subscriber] = []
        self._boards: dict[tuple[str, str], MessageRef] = {}  # (discussion, lang) -> its live board

    @property
    def origin(self) -> str:
        return self._origin

    def connections(self) -> dict[str, int]:
        """Live streams by role (chair, attendee): what /metrics reports as console connections."""
        chairs = sum(1 for s in self._subscribers if s.chair)
        return {"chair": chairs, "attendee": len(self._subscribers) - chairs}

    # -- ChatPort ------------------------------------------------------------------------------------------

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        return [
            self._append(audience_channel(audience, lang), "announce", lang, text, key=key, actions=tuple(actions))
            for lang, text in texts.items()
        ]

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        return delivered(await self.post(lang, post))

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        return self._append(
            audience_channel(audience, lang), "post", lang, post.text,
            author=post.author.name if post.author else None, key=post.key, actions=tuple(post.actions),
            original_id=post.reply_to.id if post.reply_to and post.reply_to.surface == SURFACE else None,
            link=post.link,
        )

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        # The buttons (the group prompt) are pressed through /api/floor like a post's (buttons.py).
        self._append(USER_CHANNEL_PREFIX + user_id, "private", None, text, user_id=user_id, actions=tuple(actions))

    async def show_board(self, board: BoardView) -> None:
        """One live board per discussion in each language's chairs pane, updated in place."""
        for lang in board.languages:
            text = board_text(board, lang)
            actions = tuple(Button(*button) for button in board_buttons(board, lang))
            ref = self._boards.get((board.discussion, lang))
            if ref is not None and ref.id in self._messages:
                self._update(ref, text=text, actions=actions)
            else:
                self._boards[(board.discussion, lang)] = self._append(
                    audience_channel(AudienceKind.CHAIRS, lang), "announce", lang, text,
                    key=f"board:{board.discussion}", actions=actions)

    async def edit(self, ref: MessageRef, post: Post) -> None:
        self._update(ref, text=post.text, actions=tuple(post.actions), edited=True)

    async def delete(self, ref: MessageRef) -> None:
        self._update(ref, text="", actions=(), deleted=True)

    async def react(self, ref: MessageRef, emoji: str) -> None:
        message = self._messages.get(ref.id)
        if message is not None and emoji not in message.reactions:
            self._update(ref, reactions=(*message.reactions, emoji))

    # -- console side --------------------------------------------------------------------------------------

    def record_inbound(self, user_id: str, display_name: str, lang: str, text: str) -> MessageRef:
        """Show what an attendee typed in their own language's pane, as a chat platform would; the
        dispatcher then mirrors it (translated) to the other panes with `reply_to` this ref."""
        return self._append(
            audience_channel(AudienceKind.PARTICIPANTS, lang), "inbound", lang, text,
            author=display_name, user_id=user_id,
        )

    def changed(self, discussion: str | None = None, version: int | None = None) -> None:
        """Tell every open page to refetch the floor state (the list, the timer, its place). With the list's
        version, a page that already shows that version of that list does not fetch again."""
        data = {"discussion": discussion, "version": version} if version is not None else {}
        self._broadcast(lambda _: True, StreamEvent("state", data))
        self._share({"op": "changed", "data": data})

    def apply(self, change: Mapping[str, Any]) -> None:
        """Another instance's change (what its `publish` was handed): shown here as if made here."""
        if change.get("op") == "changed":
            self._broadcast(lambda _: True, StreamEvent("state", dict(change.get("data") or {})))
            return
        fields = dict(change["message"])
        fields["at"] = datetime.fromisoformat(fields["at"])
        fields["actions"] = tuple(Button(**a) for a in fields["actions"])
        fields["reactions"] = tuple(fields["reactions"])
        if change.get("op") == "append":
            self._keep(replace(ConsoleMessage(**fields), seq=next(self._seq)))
        elif (known := self._messages.get(fields["id"])) is not None:
            self._messages[known.id] = updated = replace(ConsoleMessage(**fields), seq=known.seq)
            self._broadcast(lambda s: s.reads(updated.channel), StreamEvent("update", self.to_json(updated)))

    def _share(self, change: dict[str, Any]) -> None:
        if self.publish is not None:
            self.publish(change)

    @staticmethod
    def _wire(message: ConsoleMessage) -> dict[str, Any]:
        fields = {name: getattr(message, name) for name in ConsoleMessage.__dataclass_fields__}
        return fields | {"at": message.at.isoformat(), "actions": [vars(a) for a in message.actions],
                         "reactions": list(message.reactions)}

    def history(self, user_id: str, lang: str, *, chair: bool = False) -> list[ConsoleMessage]:
        ids = [i for channel, queue in self._channels.items() if can_read(channel, user_id, lang, chair=chair)
               for i in queue]
        return sorted((self._messages[i] for i in ids), key=lambda m: m.seq)

    def message(self, message_id: str) -> ConsoleMessage | None:
        return self._messages.get(message_id)

    def offered(self, user_id: str, message_id: str, action_id: str, value: str) -> bool:
        """Whether `message_id` is a private notice to this person that still offers this button."""
        notice = self._messages.get(message_id)
        return (notice is not None and notice.channel == USER_CHANNEL_PREFIX + user_id
                and any((b.id, b.value) == (action_id, value) for b in notice.actions))

    def answered(self, message_id: str) -> None:
        """A private notice's question is answered: its buttons go, so it cannot be answered twice (as on Slack,
        where the prompt is replaced); the answer itself comes as the next private notice."""
        self._update(MessageRef(SURFACE, "", message_id), actions=())

    @contextmanager
    def subscribe(self, user_id: str, lang: str, *, chair: bool = False) -> Iterator[Subscription]:
        subscriber = _Subscriber(user_id, lang, chair, asyncio.Queue(maxsize=self._queue_size))
        self._subscribers.append(subscriber)
        try:
            yield Subscription(subscriber)
        finally:
            self._subscribers.remove(subscriber)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def to_json(self, message: ConsoleMessage) -> dict[str, Any]:
        """A message as the page shows it: with its original when it is a copy, and the "untranslated"
        mark (the translation port leaves the catalog's marker in the text, or the copy equals the original)."""
        text, notice, untranslated = split_notice(message.text, message.lang)
        original = self._messages.get(message.original_id) if message.original_id else None
        if original is not None and original.lang != message.lang and original.text.strip() == text.strip():
            untranslated = True
        return {
            "id": message.id,
            "seq": message.seq,
            "kind": message.kind,
            "channel": message.channel,
            "private": message.channel.startswith(USER_CHANNEL_PREFIX),
            "chairs": message.channel.startswith(AudienceKind.CHAIRS.value + ":"),
            "lang": message.lang,
            "text": text,
            "at": message.at.isoformat(),
            "author": message.author,
            "user_id": message.user_id if message.kind == "inbound" else None,
            "key": message.key,
            "actions": [{"id": a.id, "label": a.label, "value": a.value, "style": a.style} for a in message.actions],
            "untranslated": untranslated,
            "notice": notice,  # e.g. "Machine translation", in the reader's language
            "original": (
                {"text": original.text, "lang": original.lang, "author": original.author}
                if original is not None and original.lang != message.lang and not original.deleted else None
            ),
            "link": message.link,
            "edited": message.edited,
            "deleted": message.deleted,
            "reactions": list(message.reactions),
        }

    # -- internals -----------------------------------------------------------------------------------------

    def _append(self, channel: str, kind: str, lang: str | None, text: str, **fields: Any) -> MessageRef:
        seq = next(self._seq)
        message = ConsoleMessage(seq=seq, id=f"{self._origin}{seq}", channel=channel, kind=kind, lang=lang,
                                 text=text, at=self._clock.now(), **fields)
        self._keep(message)
        self._share({"op": "append", "message": self._wire(message)})
        return MessageRef(SURFACE, channel, message.id)

    def _keep(self, message: ConsoleMessage) -> None:
        queue = self._channels.setdefault(message.channel, deque())
        if len(queue) >= self._history_size:
            self._messages.pop(queue.popleft(), None)
        queue.append(message.id)
        self._messages[message.id] = message
        self._broadcast(lambda s: s.reads(message.channel), StreamEvent("message", self.to_json(message)))

    def _update(self, ref: MessageRef, **changes: Any) -> None:
        message = self._messages.get(ref.id)
        if message is None:  # scrolled out of the history: nobody can see it any more
            return
        updated = replace(message, **changes)
        self._messages[ref.id] = updated
        self._broadcast(lambda s: s.reads(updated.channel), StreamEvent("update", self.to_json(updated)))
        self._share({"op": "update", "message": self._wire(updated)})

    def _broadcast(self, wanted: Callable[[_Subscriber], bool], event: StreamEvent) -> None:
        for subscriber in self._subscribers:
            if not wanted(subscriber):
                continue
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:
                # A page this far behind reloads its history rather than slowing everyone down.
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                subscriber.queue.put_nowait(StreamEvent("reset"))
