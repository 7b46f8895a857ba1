"""A ChatPort that records everything: the transcript scenario tests assert on."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.app.ports.board import BoardView
from bot.app.ports.chat import AudienceKind, Button, MessageRef, Post, delivered
from bot.i18n.board import board_buttons, board_text


@dataclass
class Entry:
    op: str  # announce | post | private | board | edit | delete | react
    audience: str
    lang: str | None
    text: str
    key: str | None = None
    user_id: str | None = None
    ref: MessageRef | None = None
    actions: tuple[Button, ...] = ()
    author: str | None = None


@dataclass
class RecordingChat:
    """Keeps a transcript; never fails. `surface` is 'recording'."""

    surface: str = "recording"
    transcript: list[Entry] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _ref(self, channel: str) -> MessageRef:
        return MessageRef(self.surface, channel, str(next(self._ids)))

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        refs = []
        for lang, text in texts.items():
            ref = self._ref(f"{audience.value}:{lang}")
            self.transcript.append(
                Entry("announce", audience.value, lang, text, key=key, ref=ref, actions=tuple(actions))
            )
            refs.append(ref)
        return refs

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        return delivered(await self.post(lang, post))

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        ref = self._ref(f"{audience.value}:{lang}")
        self.transcript.append(
            Entry("post", audience.value, lang, post.text, key=post.key, ref=ref, actions=tuple(post.actions),
                  author=post.author.name if post.author else None)
        )
        return ref

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        self.transcript.append(Entry("private", "user", None, text, user_id=user_id, ref=context,
                                     actions=tuple(actions)))

    async def show_board(self, board: BoardView) -> None:
        """Recorded in every language of the event (each surface shows its readers one of them)."""
        for lang in board.languages:
            actions = tuple(Button(*button) for button in board_buttons(board, lang))
            self.transcript.append(Entry("board", "chairs", lang, board_text(board, lang),
                                         key=f"board:{board.discussion}", actions=actions))

    async def edit(self, ref: MessageRef, post: Post) -> None:
        self.transcript.append(Entry("edit", ref.channel, None, post.text, key=post.key, ref=ref))

    async def delete(self, ref: MessageRef) -> None:
        self.transcript.append(Entry("delete", ref.channel, None, "", ref=ref))

    async def react(self, ref: MessageRef, emoji: str) -> None:
        self.transcript.append(Entry("react", ref.channel, None, emoji, ref=ref))

    def texts(self, *, lang: str | None = None, op: str | None = None, user_id: str | None = None) -> list[str]:
        return [
            e.text for e in self.transcript
            if (lang is None or e.lang == lang) and (op is None or e.op == op)
            and (user_id is None or e.user_id == user_id)
        ]
