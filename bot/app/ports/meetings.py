"""What the Zoom side needs from the rest of Floorbot, as small protocols.

`FloorRequests` and `Notifier` are adapters the app builds around `bot.app.floor` and a chat surface; the
store's ports (key-values, seen events) are in bot.app.ports.store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.domain.grammar import Command


@dataclass(frozen=True)
class ZoomFloorCommand:
    """A chat-grammar command typed in a Zoom meeting's chat, with who typed it, where and when."""

    command: Command
    person: str  # canonical person key (bot.domain.identity)
    name: str
    email: str | None
    language: str  # the person's language (schedule, else the event's first language)
    meeting_id: str
    meeting_uuid: str
    at: datetime
    event_id: str  # the delivery key this came with (exactly-once)
    text: str = ""
    source: str = "zoom"
    user_id: str | None = None  # the Zoom-side handle the person was resolved from (None: by email only)


@dataclass(frozen=True)
class Reply:
    """What to tell the person: a prompts/ message key and its values, rendered in their language."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


class FloorRequests(Protocol):
    async def submit(self, request: ZoomFloorCommand) -> Reply | None:
        """Apply the command to the list of the discussion live in that meeting; what to tell the person."""
        ...


class Notifier(Protocol):
    async def notify(self, person: str, email: str | None, text: str, *, meeting_id: str) -> None:
        """Tell one person something privately (Zoom's API cannot write into a meeting's chat)."""
        ...

