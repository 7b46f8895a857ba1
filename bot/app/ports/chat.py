"""The chat port: the only thing the rest of Floorbot knows about a chat surface.

Adapters (Slack, the local web console, the recording fake) implement `ChatPort` for output and turn
everything they receive into one `InboundEvent` type handed to an `InboundHandler` (convert at the edge,
dispatch once). The edge does three things once, so nothing downstream does them again: it deduplicates
the delivery, takes the event's `Place` in its channel's order before any await (see `Places`), and parses
the chat grammar, putting the `Command` on the event. Text given to the port is final, already rendered in
the audience's language; adapters escape it for their own markup. The chairs' board is the exception: it
is a typed `BoardView` each surface renders in its own audience's language.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.app.places import Place
from bot.app.ports.board import BoardView
from bot.domain.grammar import Command


class AudienceKind(StrEnum):
    PARTICIPANTS = "participants"
    CHAIRS = "chairs"
    INTERPRETERS = "interpreters"  # the booths: who speaks next, in which language (Slack: interpreters_channel)


class InboundKind(StrEnum):
    MESSAGE = "message"  # a chat message (may be a floor command in the chat grammar)
    COMMAND = "command"  # an explicit command (`/floor next`, a console button); `command` None: not understood
    REACTION = "reaction"  # an emoji reaction on a message, e.g. raised_hand on the "floor is open" post
    ACTION = "action"  # a button press (chair controls); its command is on the event
    EDIT = "edit"  # an original message was edited
    DELETE = "delete"  # an original message was deleted


@dataclass(frozen=True)
class MessageRef:
    """Where a posted message lives, opaque to the core (Slack: channel + ts; console: id)."""

    surface: str
    channel: str
    id: str


@dataclass(frozen=True)
class Author:
    """Who a mirrored message is shown as (not the bot)."""

    name: str
    avatar_url: str | None = None


@dataclass(frozen=True)
class Button:
    """A button offered with a post (chair controls); adapters render what they can."""

    id: str
    label: str
    value: str = ""
    style: str = ""  # "primary" | "danger" | ""


@dataclass(frozen=True)
class Post:
    text: str
    author: Author | None = None
    actions: Sequence[Button] = ()
    key: str | None = None  # stable purpose key, e.g. "cue:session-1/open"
    reply_to: MessageRef | None = None  # thread parent or the original of a mirrored copy
    link: str | None = None  # permalink to the original message, for mirrored copies


@dataclass(frozen=True)
class InboundEvent:
    """Everything a surface receives, in one platform-neutral shape."""

    source: str  # "slack" | "zoom" | "web" | "simulated"
    event_id: str  # the platform's delivery id: the exactly-once key
    kind: InboundKind
    user_id: str  # platform user id, as signed by the platform (never a display name)
    at: datetime
    text: str = ""
    display_name: str = ""
    email: str | None = None
    language: str | None = None  # the user's declared or chosen language
    channel_language: str | None = None  # the language of the channel it was posted in (mirror mode)
    ref: MessageRef | None = None  # the message itself, or the message reacted to
    extra: Mapping[str, str] = field(default_factory=dict)
    command: Command | None = None  # parsed once, at the edge; None for plain chat (and not understood)
    place: Place | None = None  # the event's place in its channel's order, taken at the edge

    @property
    def channel_key(self) -> str:
        """The order an event belongs to: its channel; events that name none share one order per surface."""
        return (self.ref.channel if self.ref is not None else None) or self.extra.get("channel") or ""


InboundHandler = Callable[[InboundEvent], Awaitable[None]]

# The inbound event ("source:event_id") whose handling makes the posts being made: a surface with a durable
# outbox keys them by it, so handling the same event again after a crash makes the same posts, never new ones.
CAUSE: ContextVar[str | None] = ContextVar("floorbot_cause", default=None)


def delivered(ref: MessageRef) -> Awaitable[MessageRef]:
    """What `ChatPort.queue` returns on a surface that delivers at once: the ref, already there."""
    future: asyncio.Future[MessageRef] = asyncio.get_running_loop().create_future()
    future.set_result(ref)
    return future


class ChatPort(Protocol):
    """Output side of a chat surface."""

    surface: str

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        """Post one announcement rendered per language ({lang: text}) to every language's audience."""
        ...

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        """Post to one language's audience (e.g. a translated copy of a participant's message)."""
        ...

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        """Like `post`, in two steps: returns once the post has its place in its audience's order (recorded,
        on a surface with a durable outbox), with the awaitable of its ref once delivered. What keeps order
        without waiting for each post: the relay queues a message's copies, then lets the next one queue."""
        ...

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        """Tell one person something only they see (their place in the list, a refusal, 'you are next'), with
        buttons to answer by when the surface has them (the group prompt); each press comes back as an ACTION
        whose command is the button's `value`, in the chat grammar."""
        ...

    async def show_board(self, board: BoardView) -> None:
        """Show the chairs the live board of a discussion: one message kept up to date, in their language."""
        ...

    async def edit(self, ref: MessageRef, post: Post) -> None: ...

    async def delete(self, ref: MessageRef) -> None: ...

    async def react(self, ref: MessageRef, emoji: str) -> None: ...
