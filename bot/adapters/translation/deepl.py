"""DeepL adapter: `deepl.DeepLClient` (blocking `requests`) run through asyncio.to_thread.

The library's own retries (5, backoff from 1 s, Retry-After ignored) would hold a message far past
its deadline, so they are switched off and this adapter retries with the shared policy
(bot/adapters/retry.py): a bounded number of times within a total time budget. A 456 (quota) is never
retried here: its texts come back QUOTA_EXHAUSTED, and the application's quota guard decides what to try
next (bot/app/translation/quota.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import deepl
import deepl.http_client
import deepl.util
from deepl.api_data import MultilingualGlossaryDictionaryEntries
from pydantic import SecretStr

from bot.adapters.retry import RetryPolicy
from bot.adapters.translation.glossary import Glossary
from bot.app.clock import LoopWaits
from bot.app.ports.translation import (
    Lang,
    QuotaExhaustedError,
    SourceText,
    Status,
    Translation,
    TranslatorAuthError,
    TranslatorError,
    Usage,
)
from bot.app.ports.waits import Waits
from bot.app.translation.chunking import MAX_REQUEST_BYTES, MAX_TEXTS, chunk, encoded_size
from bot.app.translation.entities import PLACEHOLDER_TAG, Protected, protect, restore

log = logging.getLogger(__name__)

GLOSSARY_PREFIX = "floorbot-"
GLOSSARY_RETRY_INTERVAL = 60.0  # seconds between glossary sync attempts while DeepL is unreachable
TARGET_CODES: dict[Lang, str] = {"en": "EN-GB", "fr": "FR", "es": "ES"}
# `formality` is not supported for English; prefer_more would fall back silently, so send none.
FORMALITY: dict[Lang, str | None] = {"en": None, "fr": "prefer_more", "es": "prefer_more"}
_LANG_FROM_DEEPL: dict[str, Lang] = {"EN": "en", "FR": "fr", "ES": "es"}

T = TypeVar("T")


@dataclass(frozen=True)
class GlossaryState:
    """The account's floorbot glossary against the one the bot would use: `name` is the account's newest
    floorbot glossary (None: there is none); `differing` counts the entries, over all six language pairs,
    present on one side only or translated differently."""

    wanted: str
    name: str | None
    differing: int

    @property
    def in_sync(self) -> bool:
        return self.name == self.wanted and self.differing == 0


# The per-message deadline is ~20 s: all the tries of one request fit in 15 s.
DEEPL_RETRY = RetryPolicy(attempts=4, first_delay=0.5, multiplier=2.0, max_delay=4.0, budget=15.0)
REQUEST_TIMEOUT = 10.0  # one HTTP exchange


def _retryable(error: BaseException) -> bool:
    if isinstance(error, deepl.QuotaExceededException | deepl.AuthorizationException):
        return False
    if isinstance(error, deepl.TooManyRequestsException | deepl.ConnectionException):
        return True
    if isinstance(error, deepl.DeepLException):
        status = error.http_status_code
        return bool(error.should_retry) or (status is not None and status >= 500)
    return False


def _entries(raw: object) -> dict[str, str]:
    """DeepL answers a dictionary's entries as TSV text (`entries_format: tsv`), whatever the library's hint says."""
    if isinstance(raw, str):
        return dict(deepl.util.convert_tsv_to_dict(raw, skip_checks=True))
    return {str(k): str(v) for k, v in dict(raw).items()} if isinstance(raw, dict) else {}


class DeepLTranslator:
    """The DeepL backend, with a synced v3 multilingual glossary."""

    name = "deepl"

    def __init__(
        self,
        auth_key: SecretStr,
        *,
        server_url: str | None = None,
        glossary: Glossary | None = None,
        retry: RetryPolicy = DEEPL_RETRY,
        waits: Waits | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self._retry = retry
        self._waits = waits or LoopWaits()
        # Module-level knobs of the deepl library: our retries replace its own.
        deepl.http_client.max_network_retries = 0
        deepl.http_client.min_connection_timeout = request_timeout
        self._client = deepl.DeepLClient(auth_key.get_secret_value(), server_url=server_url)
        self._server_url = server_url or "DeepL's default server"
        self._glossary = glossary
        self._glossary_info: Any = None
        self._glossary_due = False
        self._last_sync_attempt: float | None = None
        self.quota_exhausted = False
        self.requests_made = 0

    # -- Translator protocol ----------------------------------------------------------------------
    def describe(self) -> str:
        if self._glossary_info is not None:
            glossary = f"glossary {self._glossary_info.name} ({len(self._glossary or ())} terms)"
        else:
            glossary = "no glossary"
        state = ", quota exhausted" if self.quota_exhausted else ""
        return f"DeepL at {self._server_url}, {glossary}{state}"

    @property
    def glossary_id(self) -> str | None:
        return None if self._glossary_info is None else str(self._glossary_info.glossary_id)

    async def start(self) -> None:
        """Sync the glossary. DeepL being down must not stop the bot: the sync is retried before later
        translations (at most once a minute); a refused key raises TranslatorAuthError."""
        if self._glossary is not None and len(self._glossary):
            self._glossary_due = True
            await self._sync_if_due()

    async def _sync_if_due(self) -> None:
        if not self._glossary_due or self._glossary is None or self.quota_exhausted:
            return
        now = self._waits.now()
        if self._last_sync_attempt is not None and now - self._last_sync_attempt < GLOSSARY_RETRY_INTERVAL:
            return
        self._last_sync_attempt = now
        try:
            self._glossary_info = await self._call(self._sync_glossary, self._glossary)
            self._glossary_due = False
        except TranslatorAuthError:
            raise
        except TranslatorError as error:
            log.warning("DeepL glossary not synced (%s); translating without it until it is", error)

    async def usage(self) -> Usage | None:
        result = await self._call(self._client.get_usage)
        character = result.character
        if not character.valid:
            return None
        return Usage(int(character.count or 0), character.limit)

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        # A refused key was reported by start(); the translation below fails the same way and says so.
        with contextlib.suppress(TranslatorAuthError):
            await self._sync_if_due()
        results: list[Translation | None] = [None] * len(texts)
        protected = [protect(source.text) for source in texts]
        groups: dict[tuple[Lang | None, str | None], list[int]] = {}
        for index, (source, prot) in enumerate(zip(texts, protected, strict=True)):
            if source.lang == target or not prot.has_words:
                results[index] = Translation(source.text, Status.NOT_NEEDED, target, source.lang)
            else:
                groups.setdefault((source.lang, source.context), []).append(index)
        for (lang, context), indices in groups.items():
            for part in chunk(indices, key=lambda i: encoded_size(protected[i].xml)):
                for index, translation in zip(
                    part, await self._translate_chunk([protected[i] for i in part], texts, part, lang,
                                                      context, target), strict=True
                ):
                    results[index] = translation
        return [r for r in results if r is not None]

    async def aclose(self) -> None:
        return None

    # -- internals --------------------------------------------------------------------------------
    async def _translate_chunk(
        self,
        protected: list[Protected],
        sources: Sequence[SourceText],
        indices: list[int],
        lang: Lang | None,
        context: str | None,
        target: Lang,
    ) -> list[Translation]:
        originals = [sources[i].text for i in indices]
        use_glossary = lang is not None and self._glossary_info is not None
        kwargs: dict[str, Any] = {
            "source_lang": lang.upper() if lang else None,
            "target_lang": TARGET_CODES[target],
            "tag_handling": "xml",
            "ignore_tags": [PLACEHOLDER_TAG],
            # Chat lines are single sentences or fragments; never split on our own newlines.
            "split_sentences": "nonewlines",
        }
        if FORMALITY[target]:
            kwargs["formality"] = FORMALITY[target]
        if use_glossary:
            kwargs["glossary"] = self._glossary_info
        if context:
            kwargs["context"] = context
        try:
            answer = await self._call(self._client.translate_text, [p.xml for p in protected], **kwargs)
        except QuotaExhaustedError:
            return [Translation(t, Status.QUOTA_EXHAUSTED, target, lang) for t in originals]
        except TranslatorError as error:
            log.warning("DeepL translation unavailable: %s", error)
            return [Translation(t, Status.UNAVAILABLE, target, lang) for t in originals]
        self.quota_exhausted = False
        results = answer if isinstance(answer, list) else [answer]
        out = []
        for original, prot, result in zip(originals, protected, results, strict=True):
            detected = _LANG_FROM_DEEPL.get(str(result.detected_source_lang).upper()[:2])
            restored = restore(result.text, prot)
            billed = int(result.billed_characters or 0)
            if restored is None:
                log.warning("DeepL output lost or duplicated an entity; keeping the original")
                out.append(Translation(original, Status.ENTITY_MISMATCH, target, detected, billed))
            elif detected == target and lang is None:
                out.append(Translation(original, Status.NOT_NEEDED, target, detected, billed))
            else:
                out.append(Translation(restored, Status.TRANSLATED, target, detected, billed))
        return out

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking library call in a thread, with bounded retries inside the time budget."""
        tries = 0
        try:
            async for attempt in self._retry.retrying(_retryable, sleep=self._waits.sleep, now=self._waits.now,
                                                      what="DeepL"):
                with attempt:
                    tries += 1
                    self.requests_made += 1
                    return await asyncio.to_thread(function, *args, **kwargs)
        except deepl.QuotaExceededException as error:
            if not self.quota_exhausted:
                log.error("DeepL quota exhausted (HTTP 456)")
            self.quota_exhausted = True
            raise QuotaExhaustedError("DeepL quota exhausted") from error
        except deepl.AuthorizationException as error:
            # The library's message never contains the key; ours neither.
            raise TranslatorAuthError(
                "DeepL refused the authentication key (HTTP 403): check DEEPL_AUTH_KEY and "
                "DEEPL_SERVER_URL (free keys ending in ':fx' use the free API server)"
            ) from error
        except deepl.DeepLException as error:
            raise TranslatorError(f"DeepL failed after {tries} attempt(s): {error}") from error
        raise AssertionError("unreachable")

    async def glossary_state(self) -> GlossaryState | None:
        """What `start()` would find on the account (read-only); None when the bot uses no glossary."""
        if self._glossary is None or not len(self._glossary):
            return None
        return await self._call(self._read_glossary_state, self._glossary)

    def _read_glossary_state(self, glossary: Glossary) -> GlossaryState:
        wanted = f"{GLOSSARY_PREFIX}{glossary.content_hash}"
        ours = [info for info in self._client.list_multilingual_glossaries() if info.name.startswith(GLOSSARY_PREFIX)]
        if not ours:
            return GlossaryState(wanted, None, 0)
        # The one start() keeps: the glossary of this content if there is one, else the newest.
        held = next((info for info in ours if info.name == wanted), max(ours, key=lambda info: info.creation_time))
        differing = 0
        for (source, target), entries in glossary.pairs().items():
            try:
                response = self._client.get_multilingual_glossary_entries(held, source.upper(), target.upper())
                found = {k: v for d in response.dictionaries for k, v in _entries(d.entries).items()}
            except deepl.GlossaryNotFoundException:
                found = {}
            differing += len(set(entries.items()) ^ set(found.items())) - len(
                {k for k in entries if k in found and entries[k] != found[k]})
        return GlossaryState(wanted, held.name, differing)

    def _sync_glossary(self, glossary: Glossary) -> Any:
        """Reuse the glossary named after this content, or create it and delete older ones."""
        wanted = f"{GLOSSARY_PREFIX}{glossary.content_hash}"
        existing = self._client.list_multilingual_glossaries()
        keep = None
        for info in existing:
            if info.name == wanted and keep is None:
                keep = info
        if keep is None:
            dictionaries = [
                MultilingualGlossaryDictionaryEntries(source.upper(), target.upper(), entries)
                for (source, target), entries in glossary.pairs().items()
            ]
            keep = self._client.create_multilingual_glossary(wanted, dictionaries)
            log.info("created DeepL glossary %s", wanted)
        for info in existing:
            if info.name.startswith(GLOSSARY_PREFIX) and info.glossary_id != keep.glossary_id:
                self._client.delete_multilingual_glossary(info.glossary_id)
                log.info("deleted outdated DeepL glossary %s", info.name)
        return keep


__all__ = ["DEEPL_RETRY", "DeepLTranslator", "GlossaryState", "RetryPolicy", "MAX_TEXTS", "MAX_REQUEST_BYTES",
           "TARGET_CODES"]
