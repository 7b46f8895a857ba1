"""A chat surface for rehearsals: records every post with the simulated time, per language audience.

It is the recording fake plus a clock, plus the attendees' own original messages (which, on a real
surface, the platform shows without the bot posting them).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from bot.app.clock import Clock
from bot.app.ports.board import BoardView
from bot.app.ports.chat import AudienceKind, Button, MessageRef, Post, delivered
from bot.rehearsal.recording import RecordingChat


@dataclass(frozen=True)
class TranscriptLine:
    at: datetime
    op: str  # announce | post | private | original | edit | delete | react
    audience: str  # participants | chairs | user
    lang: str | None
    text: str
    author: str | None = None
    user_id: str | None = None
    key: str | None = None


@dataclass
class TranscriptChat:
    """A ChatPort that keeps a timed transcript (and a RecordingChat beneath for refs)."""

    clock: Clock
    surface: str = "rehearsal"
    lines: list[TranscriptLine] = field(default_factory=list)
    _inner: RecordingChat = field(default_factory=RecordingChat)

    def _stamp(self, before: int) -> None:
        now = self.clock.now()
        for entry in self._inner.transcript[before:]:
            self.lines.append(TranscriptLine(now, entry.op, entry.audience, entry.lang, entry.text, entry.author,
                                             entry.user_id, entry.key))

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        before = len(self._inner.transcript)
        refs = await self._inner.announce(texts, audience=audience, key=key, actions=actions)
        self._stamp(before)
        return refs

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        return delivered(await self.post(lang, post))

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        before = len(self._inner.transcript)
        ref = await self._inner.post(lang, post, audience=audience)
        self._stamp(before)
        return ref

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        before = len(self._inner.transcript)
        await self._inner.reply_private(user_id, text, context=context, actions=actions)
        self._stamp(before)

    async def show_board(self, board: BoardView) -> None:
        before = len(self._inner.transcript)
        await self._inner.show_board(board)
        self._stamp(before)

    async def edit(self, ref: MessageRef, post: Post) -> None:
        before = len(self._inner.transcript)
        await self._inner.edit(ref, post)
        self._stamp(before)

    async def delete(self, ref: MessageRef) -> None:
        before = len(self._inner.transcript)
        await self._inner.delete(ref)
        self._stamp(before)

    async def react(self, ref: MessageRef, emoji: str) -> None:
        before = len(self._inner.transcript)
        await self._inner.react(ref, emoji)
        self._stamp(before)

    def original(self, lang: str, author: str, text: str, user_id: str) -> MessageRef:
        """An attendee's own message as their audience sees it."""
        self.lines.append(TranscriptLine(self.clock.now(), "original", "participants", lang, text, author, user_id))
        return MessageRef(self.surface, f"participants:{lang}", f"orig-{len(self.lines)}")

    def for_language(self, lang: str) -> list[TranscriptLine]:
        """What a participant reading `lang` sees in the conversation."""
        return [line for line in self.lines if line.audience == "participants" and line.lang == lang]

    def to_json(self) -> list[dict[str, Any]]:
        return [{**asdict(line), "at": line.at.isoformat()} for line in self.lines]

    def to_markdown(self, languages: Sequence[str], zone: tzinfo, headings: Mapping[str, str],
                    booths_heading: str = "") -> str:
        """Each language's conversation, then (when there were any) what the booths were told, in the event's
        first language: an organizer rehearsing reads what the interpreters would get, and when."""
        sections = [(headings[lang], self.for_language(lang)) for lang in languages]
        booths = [line for line in self.lines if line.audience == AudienceKind.INTERPRETERS.value
                  and line.lang == languages[0]]
        if booths:
            sections.append((booths_heading, booths))
        out: list[str] = []
        for heading, lines in sections:
            out += [f"## {heading}", ""]
            for line in lines:
                who = f"**{line.author}**: " if line.author else ""
                body = line.text.replace("\n", "  \n    ")
                out.append(f"- `{line.at.astimezone(zone):%Y-%m-%d %H:%M:%S}` {who}{body}")
            out.append("")
        return "\n".join(out)


def dump_json(chat: TranscriptChat) -> str:
    return json.dumps(chat.to_json(), ensure_ascii=False, indent=1)
