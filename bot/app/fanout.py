"""Several chat surfaces as one port: Slack for attendees plus the web console as the chairs' dashboard.

Announcements and posts go to every surface; a private reply goes to the surface the user id belongs to
(console users are `web:<person>`); edits, deletions and reactions go to the surface of the message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass

from bot.app.ports.board import BoardView
from bot.app.ports.chat import AudienceKind, Button, ChatPort, MessageRef, Post

WEB_PREFIX = "web:"


@dataclass
class FanoutChat:
    primary: ChatPort
    console: ChatPort
    surface: str = "fanout"

    def _ports(self) -> list[ChatPort]:
        return [self.primary, self.console] if self.primary is not self.console else [self.primary]

    def _of(self, ref: MessageRef) -> ChatPort:
        return self.console if ref.surface == self.console.surface else self.primary

    async def announce(
        self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
        key: str | None = None, actions: Sequence[Button] = (),
    ) -> list[MessageRef]:
        refs: list[MessageRef] = []
        for port in self._ports():
            refs += await port.announce(texts, audience=audience, key=key, actions=actions)
        return refs

    async def post(self, lang: str, post: Post, *, audience: AudienceKind = AudienceKind.PARTICIPANTS) -> MessageRef:
        if post.reply_to is not None:
            # A translated copy belongs with its original, on the original's surface.
            return await self._of(post.reply_to).post(lang, post, audience=audience)
        first = await self.primary.post(lang, post, audience=audience)
        if self.console is not self.primary:
            await self.console.post(lang, post, audience=audience)
        return first

    async def queue(self, lang: str, post: Post) -> Awaitable[MessageRef]:
        if post.reply_to is not None:
            return await self._of(post.reply_to).queue(lang, post)
        first = await self.primary.queue(lang, post)
        if self.console is not self.primary:
            await self.console.post(lang, post)
        return first

    async def reply_private(self, user_id: str, text: str, *, context: MessageRef | None = None,
                            actions: Sequence[Button] = ()) -> None:
        port = self.console if user_id.startswith(WEB_PREFIX) else self.primary
        await port.reply_private(user_id, text, context=context, actions=actions)

    async def show_board(self, board: BoardView) -> None:
        for port in self._ports():
            await port.show_board(board)

    async def edit(self, ref: MessageRef, post: Post) -> None:
        await self._of(ref).edit(ref, post)

    async def delete(self, ref: MessageRef) -> None:
        await self._of(ref).delete(ref)

    async def react(self, ref: MessageRef, emoji: str) -> None:
        await self._of(ref).react(ref, emoji)
