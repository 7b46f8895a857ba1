"""A chair's announcement, one text per audience: what the chair wrote for it, else a machine translation
(the glossary applies: the translator carries it), else the chair's text marked untranslated.

The console offers one field per language and can prefill the empty ones (`drafts`) before the chair edits
and sends; `/floor announce <text>` gives one text, in its author's language, and takes the same road.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.app.context import EventContext, as_lang
from bot.app.ports.translation import Lang
from bot.app.relay import with_notice
from bot.app.translation.service import ChatTranslator, notice_key

UNTRANSLATED = "translate.notice.untranslated"


@dataclass
class Announcer:
    ctx: EventContext
    translator: ChatTranslator | None = None

    @property
    def translates(self) -> bool:
        return self.translator is not None and self.translator.machine

    def _source(self, own: Mapping[str, str], author_lang: str | None) -> str | None:
        """The text the others are made from: the author's own language's, else the first one written."""
        if author_lang in own:
            return author_lang
        return next((lang for lang in self.ctx.languages if lang in own), None)

    async def drafts(self, text: str, source_lang: str | None) -> dict[str, str]:
        """Machine translations of `text` into the event's other languages, for the chair to edit (none
        without a translator, or for a text that needs none)."""
        if self.translator is None or not text.strip():
            return {}
        result = await self.translator.translate_message(text, event_languages=self.ctx.langs(),
                                                         author_lang=as_lang(source_lang))
        return {lang: t.text for lang, t in result.translations.items() if t.translated}

    async def bodies(self, texts: Mapping[str, str], author_lang: str | None) -> dict[str, str]:
        """The announcement as each audience reads it, notices included."""
        own = {lang: text.strip() for lang, text in texts.items() if lang in self.ctx.languages and text.strip()}
        source = self._source(own, author_lang)
        if source is None:
            return {}
        missing = [lang for lang in self.ctx.languages if lang not in own]
        made: dict[str, tuple[str, str | None]] = {}
        if missing and self.translator is not None:
            languages: list[Lang] = [lang for lang in self.ctx.langs() if lang in missing or lang == source]
            result = await self.translator.translate_message(own[source], event_languages=languages,
                                                             author_lang=as_lang(source))
            made = {lang: (t.text, notice_key(t.status)) for lang, t in result.translations.items()}
        out = dict(own)
        for lang in missing:
            body, notice = made.get(lang, (own[source], UNTRANSLATED))
            out[lang] = with_notice(body, notice, lang, self.ctx)
        return {lang: out[lang] for lang in self.ctx.languages}
