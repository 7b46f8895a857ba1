"""Interpreters' signals to the chair: "slower, please", "no sound", "relay needed", or a few words of their own.

A signal comes from the console's interpreters' view or from `/floor signal …` in Slack (accepted only in the
interpreters' channel, or from a known interpreter, chair or organizer). It reaches the chairs' audience at
once and is kept, with its time and booth, among the recent signals the chair's console lists. The same signal
from the same sender within `SAME_SIGNAL_WINDOW` is refused as a repeat (a booth pressing a button twice must
not flood the chairs). The recent signals live in the key-value store: a restart keeps them, and the repeat
rule with them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.app.context import EventContext
from bot.app.effects import Replies
from bot.app.ports.chat import AudienceKind, InboundEvent
from bot.app.ports.store import KeyValues
from bot.config.model import Interpreter
from bot.domain import authz
from bot.domain.floor.state import Participant
from bot.domain.grammar import Command
from bot.domain.identity import normalize_email
from bot.domain.signals import SIGNAL_TEXT, SIGNALS

NAMESPACE = "booths"
RECENT_KEY = "signals"
KEEP = 50  # recent signals kept (and shown to the chairs)
SAME_SIGNAL_WINDOW = timedelta(seconds=20)
MAX_SIGNAL_TEXT = 300


class Sent(StrEnum):
    SENT = "sent"
    REPEATED = "repeated"  # the same signal from the same sender, too soon
    INVALID = "invalid"  # an unknown signal, or free text with no words


@dataclass(frozen=True)
class BoothSignal:
    at: datetime
    sender: str  # the sender's key (a person id, an interpreter's e-mail): what the repeat rule counts by
    name: str
    kind: str  # one of SIGNALS, or SIGNAL_TEXT
    text: str = ""  # the free words of a SIGNAL_TEXT
    booth: str | None = None  # the booth's language, when the sender is a listed interpreter

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "sender": self.sender, "name": self.name, "kind": self.kind,
                "text": self.text, "booth": self.booth}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoothSignal:
        return cls(datetime.fromisoformat(str(data["at"])), str(data["sender"]), str(data.get("name") or ""),
                   str(data["kind"]), str(data.get("text") or ""), data.get("booth"))


@dataclass
class BoothSignals:
    ctx: EventContext
    kv: KeyValues
    replies: Replies
    on_change: list[Callable[[], None]] = field(default_factory=list)  # the console refreshes the chairs' pages
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def interpreter(self, email: str | None) -> Interpreter | None:
        wanted = normalize_email(email) if email else None
        if not wanted:
            return None
        return next((i for i in self.ctx.schedule.all_interpreters() if normalize_email(i.email) == wanted), None)

    async def recent(self) -> list[BoothSignal]:
        """The signals kept, newest first."""
        stored = await self.kv.get(NAMESPACE, RECENT_KEY, []) or []
        return [BoothSignal.from_json(item) for item in stored][::-1]

    async def send(self, sender: str, name: str, kind: str, text: str = "", *, booth: str | None = None) -> Sent:
        text = " ".join(text.split())[:MAX_SIGNAL_TEXT] if kind == SIGNAL_TEXT else ""
        if kind not in (*SIGNALS, SIGNAL_TEXT) or (kind == SIGNAL_TEXT and not text):
            return Sent.INVALID
        now = self.ctx.clock.now()
        signal = BoothSignal(now, sender, name, kind, text, booth)
        async with self._lock:
            stored = list(await self.kv.get(NAMESPACE, RECENT_KEY, []) or [])
            for earlier in map(BoothSignal.from_json, stored):
                if (earlier.sender, earlier.kind, earlier.text) == (sender, kind, text) \
                        and now - earlier.at < SAME_SIGNAL_WINDOW:
                    return Sent.REPEATED
            # Kept before it is posted: a crash between the two leaves it listed for the chairs, and the
            # chat key makes a durable outbox send it once.
            await self.kv.set(NAMESPACE, RECENT_KEY, [*stored, signal.to_json()][-KEEP:], now)
        texts = {lang: self.line(signal, lang) for lang in self.ctx.languages}
        await self.ctx.chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"signal:{sender}:{now.isoformat()}")
        for hook in self.on_change:
            hook()
        return Sent.SENT

    def line(self, signal: BoothSignal, lang: str) -> str:
        texts = self.ctx.texts
        what = signal.text if signal.kind == SIGNAL_TEXT else texts.render(f"interpreters.signal.{signal.kind}", lang)
        if signal.booth:
            origin = texts.render("interpreters.signal.from_booth", lang, name=signal.name,
                                  booth=signal.booth.upper())
        else:
            origin = texts.render("interpreters.signal.from", lang, name=signal.name)
        return texts.render("interpreters.signal.line", lang, origin=origin, signal=what)

    # -- from chat (`/floor signal …`) ------------------------------------------------------------------------

    def may_signal(self, event: InboundEvent) -> bool:
        """From the interpreters' channel, or from a known interpreter, chair or organizer."""
        channel = self.ctx.schedule.chat.interpreters_channel
        if channel and event.source == "slack" and event.channel_key == channel:
            return True
        if self.interpreter(event.email) is not None:
            return True
        person = authz.person_for(event.user_id, self.ctx.schedule)
        if person is None:
            return False
        s = self.ctx.schedule
        return person in s.event.organizers or any(person in authz.chairs_of(item, s) for _, item in s.items())

    async def from_chat(self, command: Command, event: InboundEvent, who: Participant) -> None:
        if not self.may_signal(event):
            await self.replies.reply(who.person, event, "interpreters.signal.refused")
            return
        interpreter = self.interpreter(event.email)
        name = (interpreter.name if interpreter and interpreter.name else None) or who.name
        booth = interpreter.booth_language if interpreter is not None else None
        result = await self.send(who.person, name, command.signal or "", command.text or "", booth=booth)
        await self.replies.reply(who.person, event, f"interpreters.signal.{result.value}")
