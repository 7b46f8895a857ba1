"""The chat relay: a participant's message translated and copied to the other language audiences.

Copies keep the order in which the messages arrived: each event carries its place in its channel's
order (taken at the edge before any await), and a copy into a language waits until every earlier message
of that channel has queued its copy in that language, so a fast (or cached) translation never overtakes an
earlier message. A copy is queued (durably, on Slack), not awaited, before the next one may queue. Copies
are remembered per original, so edits and deletions of the original follow them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field

from bot.app.context import EventContext, as_lang
from bot.app.ports.chat import Author, InboundEvent, MessageRef, Post
from bot.app.translation.service import ChatTranslator, notice_key
from bot.domain.floor.state import Participant

CONTEXT_LINES = 5
MAX_TRACKED_ORIGINALS = 5000
PRIVATE_AUDIENCES = frozenset({"chairs", "interpreters", "direct"})

RefKey = tuple[str, str, str]


def with_notice(body: str, notice: str | None, lang: str, ctx: EventContext) -> str:
    """A text with the notice that says where it comes from (machine translation, untranslated original)."""
    return f"{body}\n_{ctx.texts.render(notice, lang)}_" if notice else body


def _ref_key(ref: MessageRef) -> RefKey:
    return (ref.surface, ref.channel, ref.id)


@dataclass
class Relay:
    ctx: EventContext
    translator: ChatTranslator | None = None
    _context: dict[str, deque[str]] = field(default_factory=dict)  # recent lines per source language
    # Mirrored copies of each original message (by surface, channel, id), so edits and deletions follow.
    _copies: dict[RefKey, dict[str, MessageRef]] = field(default_factory=dict)

    async def relay(self, event: InboundEvent, who: Participant, *, edit: bool = False) -> None:
        """A participant's message (or its edit), translated into every other event language."""
        text = event.text
        if not text.strip() or event.extra.get("audience") in PRIVATE_AUDIENCES:
            return  # nothing to say, or said in the chairs' channel or a direct message: never mirrored
        languages = self.ctx.languages
        source_lang = event.channel_language or (event.language if event.language in languages else None)
        context = self._context.setdefault(source_lang or "?", deque(maxlen=CONTEXT_LINES))
        if self.translator is None:
            targets: dict[str, tuple[str, str | None]] = {
                lang: (text, "translate.notice.untranslated") for lang in languages if lang != source_lang
            }
        else:
            result = await self.translator.translate_message(
                text, event_languages=self.ctx.langs(), channel_lang=as_lang(event.channel_language),
                author_lang=as_lang(event.language), context=list(context),
            )
            targets = {lang: (t.text, notice_key(t.status)) for lang, t in result.translations.items()}
        context.append(text)
        author = Author(who.name, event.extra.get("avatar_url") or None)
        copies = self._copies.setdefault(_ref_key(event.ref), {}) if event.ref is not None else {}
        while len(self._copies) > MAX_TRACKED_ORIGINALS:
            self._copies.pop(next(iter(self._copies)))
        queued: dict[str, Awaitable[MessageRef]] = {}
        for lang, (body, notice) in targets.items():
            if event.place is not None:
                await event.place.turn(lang)
            try:
                shown = with_notice(body, notice, lang, self.ctx)
                if edit and event.ref is not None:
                    # The copies change with their original; one the relay does not know (posted before a
                    # restart) is left to the surface, which keeps its own index of copies.
                    target = copies.get(lang, event.ref)
                    await self.ctx.chat.edit(target, Post(shown, author=author, key=f"mirror-edit:{lang}",
                                                          reply_to=event.ref))
                else:
                    # Queued, not delivered: the next message's copy may queue behind it at once, so a
                    # backlog waits in the outbox (paced, bundled), in order.
                    post = Post(shown, author=author, key=f"mirror:{event.event_id}", reply_to=event.ref)
                    queued[lang] = await self.ctx.chat.queue(lang, post)
            finally:
                if event.place is not None:
                    event.place.release(lang)
        for lang, delivery in queued.items():
            copies[lang] = await delivery

    async def delete(self, ref: MessageRef) -> None:
        copies = self._copies.pop(_ref_key(ref), {})
        for copy in copies.values():
            await self.ctx.chat.delete(copy)
        if not copies:  # made before a restart: the surface may still know its copies
            await self.ctx.chat.delete(ref)
