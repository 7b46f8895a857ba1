"""ChatTranslator: a chat message in, its translations into the event's OTHER languages out.

Platform-neutral: the Slack adapter and the web console both call `translate_message`. It decides the
source language (channel, else author, else local detection), skips what needs no translation (floor
commands, which the caller flags since the edge has parsed them already; emoji/link/mention-only
messages), answers repeats from the cache, sends the rest through
the micro-batcher (through the quota guard), and bounds each message by a deadline after which the
original is returned marked unavailable. A spent quota is reported to the chairs once, and so is its
return.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from bot.app.clock import LoopWaits
from bot.app.ports.translation import (
    LANGS,
    Lang,
    SourceText,
    Status,
    Translation,
    Translator,
    TranslatorAuthError,
    TranslatorError,
)
from bot.app.ports.waits import Waits
from bot.app.translation.batcher import MicroBatcher
from bot.app.translation.cache import CacheKey, TranslationCache
from bot.app.translation.detect import LocalDetector
from bot.app.translation.entities import is_trivial
from bot.app.translation.quota import QuotaGuard

log = logging.getLogger(__name__)

NotifyChairs = Callable[..., Awaitable[None]]  # notify_chairs(message_key, **values)

CONTEXT_MESSAGES = 5
CONTEXT_CHARS = 1500

# The notice a chat surface shows under a mirrored text (catalog keys in prompts/<lang>/translate.yaml):
# a label for machine translations, an explanation when the original is shown instead; none when nothing
# needed translating.
NOTICE_KEYS: dict[Status, str] = {
    Status.TRANSLATED: "translate.notice.machine",
    Status.UNTRANSLATED: "translate.notice.untranslated",
    Status.UNAVAILABLE: "translate.notice.unavailable",
    Status.ENTITY_MISMATCH: "translate.notice.original_kept",
    Status.QUOTA_EXHAUSTED: "translate.notice.unavailable",
}


def notice_key(status: Status) -> str | None:
    """Catalog key of the notice to show with a text of this status, if any."""
    return NOTICE_KEYS.get(status)


@dataclass(frozen=True)
class MessageTranslations:
    source_lang: Lang | None
    translations: dict[Lang, Translation]

    @property
    def billed_characters(self) -> int:
        return sum(t.billed_characters for t in self.translations.values())


async def _no_notify(message_key: str, **values: object) -> None:
    log.warning("chairs not told (no notifier): %s %s", message_key, values)


class ChatTranslator:
    def __init__(
        self,
        translator: Translator,
        *,
        notify_chairs: NotifyChairs = _no_notify,
        deadline: float = 20.0,
        window: float = 0.1,
        waits: Waits | None = None,
        cache: TranslationCache | None = None,
        min_confidence: float | None = None,
    ) -> None:
        self.translator = translator
        self._notify = notify_chairs
        self._deadline = deadline
        self._waits = waits or LoopWaits()
        self.cache = cache or TranslationCache()
        self.quota = QuotaGuard(translator, waits=self._waits)
        self.batcher = MicroBatcher(self.quota, window=window, waits=self._waits)
        self._min_confidence = min_confidence
        self._detectors: dict[tuple[Lang, ...], LocalDetector] = {}
        self._in_flight: dict[CacheKey, asyncio.Task[Translation]] = {}
        self._quota_reported = False
        self.billed_characters = 0  # what the backend billed this process (repeats from the cache are free)
        # Nothing to save by waiting when no backend is called: answer at once.
        self._direct = translator.name == "none"

    def describe(self) -> str:
        return self.translator.describe()

    @property
    def machine(self) -> bool:
        """A real backend translates (not the stand-in that returns every text marked untranslated)."""
        return not self._direct

    async def start(
        self, expected_characters: int | None = None, event_languages: Sequence[Lang] = LANGS
    ) -> None:
        """Load the language detector, sync the glossary, check the quota. A refused key raises
        TranslatorAuthError."""
        # Loading the detector's model takes about a second: never on the event loop mid-event.
        await asyncio.to_thread(self._detector(event_languages).classify, "warm up")
        try:
            await self.translator.start()
        except TranslatorAuthError:
            log.error("translation backend refused the credentials; see the error for the setting to check")
            raise
        try:
            usage = await self.translator.usage()
        except TranslatorError as error:
            log.warning("could not read the translation quota at start-up: %s", error)
            return
        if usage is None or usage.remaining is None:
            return
        threshold = expected_characters if expected_characters is not None else 0.1 * (usage.characters_limit or 0)
        if usage.remaining <= threshold:
            await self._tell_chairs(
                "translate.chairs.quota_low",
                remaining=usage.remaining,
                limit=usage.characters_limit,
                expected=expected_characters if expected_characters is not None else "?",
            )

    async def _tell_chairs(self, message_key: str, **values: object) -> None:
        # A failing notifier must not cost the message its mirror.
        try:
            await self._notify(message_key, **values)
        except Exception:
            log.exception("could not tell the chairs %s", message_key)

    def _detector(self, languages: Sequence[Lang]) -> LocalDetector:
        key = tuple(sorted(set(languages)))
        if key not in self._detectors:
            self._detectors[key] = (
                LocalDetector(key) if self._min_confidence is None else LocalDetector(key, self._min_confidence)
            )
        return self._detectors[key]

    def source_language(
        self, text: str, *, channel_lang: Lang | None, author_lang: Lang | None, event_languages: Sequence[Lang]
    ) -> Lang | None:
        """Channel (mirror mode) first, then the author's declared language, then local detection."""
        for declared in (channel_lang, author_lang):
            if declared in event_languages:
                return declared
        return self._detector(event_languages).detect(text)

    async def translate_message(
        self,
        text: str,
        *,
        event_languages: Sequence[Lang] = LANGS,
        channel_lang: Lang | None = None,
        author_lang: Lang | None = None,
        context: Sequence[str] = (),
        is_command: bool = False,
    ) -> MessageTranslations:
        """`is_command`: the message is a floor command (the edge parsed it): never translated."""
        source = self.source_language(
            text, channel_lang=channel_lang, author_lang=author_lang, event_languages=event_languages
        )
        targets = [lang for lang in dict.fromkeys(event_languages) if lang != source]
        if is_command or is_trivial(text):
            return MessageTranslations(
                source, {t: Translation(text, Status.NOT_NEEDED, t, source) for t in targets}
            )
        joined = "\n".join(line for line in context[-CONTEXT_MESSAGES:] if line.strip())[-CONTEXT_CHARS:]
        request = SourceText(text, source, joined or None)
        results = await asyncio.gather(*(self._one(request, target) for target in targets))
        translations = dict(zip(targets, results, strict=True))
        self.billed_characters += sum(t.billed_characters for t in results)
        if any(t.status is Status.QUOTA_EXHAUSTED for t in results) and not self._quota_reported:
            self._quota_reported = True
            await self._tell_chairs("translate.chairs.quota_exhausted", backend=self.translator.name)
        elif self._quota_reported and not self.quota.limited:
            self._quota_reported = False
            await self._tell_chairs("translate.chairs.quota_restored", backend=self.translator.name)
        return MessageTranslations(source, translations)

    async def _one(self, source: SourceText, target: Lang) -> Translation:
        key: CacheKey = (source.text, source.lang, target, self.translator.glossary_id)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if self._direct:
            [result] = await self.translator.translate([source], target)
            return result
        task = self._in_flight.get(key)
        shared = task is not None
        if task is None:
            task = asyncio.ensure_future(self.batcher.translate(source, target))
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._settled(key, done))
        result = await self._within_deadline(task, source, target)
        if shared and result.status is Status.TRANSLATED:
            result = replace(result, billed_characters=0, cached=True)
        return result

    def _settled(self, key: CacheKey, task: asyncio.Task[Translation]) -> None:
        # Cached on completion, even if the message's deadline passed: the next repeat is free.
        self._in_flight.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self.cache.put(key, task.result())

    async def _within_deadline(
        self, task: asyncio.Task[Translation], source: SourceText, target: Lang
    ) -> Translation:
        expiry = asyncio.ensure_future(self._waits.sleep(self._deadline))
        try:
            done, _ = await asyncio.wait({task, expiry}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            expiry.cancel()
        if task in done:
            try:
                return task.result()
            except Exception:
                log.exception("translation failed")
                return Translation(source.text, Status.UNAVAILABLE, target, source.lang)
        log.warning("translation to %s missed its %.0f s deadline; posting the original", target, self._deadline)
        return Translation(source.text, Status.UNAVAILABLE, target, source.lang)

    async def aclose(self) -> None:
        await self.batcher.aclose()
        for task in list(self._in_flight.values()):
            task.cancel()
        await self.translator.aclose()
