"""The translation port: what the chat side asks of any machine-translation backend.

Batch-first: one call carries many texts to one target language, because every backend bills or
rate-limits per request. Adapters take plain text and give plain text back; chat entities
(mentions, links, emoji, code) survive or the original is returned with a status saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

Lang = Literal["en", "fr", "es"]
LANGS: tuple[Lang, ...] = ("en", "fr", "es")


class Status(StrEnum):
    """What happened to one text. Anything but TRANSLATED means `text` is the original."""

    TRANSLATED = "translated"
    NOT_NEEDED = "not-needed"  # nothing to translate: emoji, links, mentions, a floor command
    UNTRANSLATED = "untranslated"  # no translator configured
    UNAVAILABLE = "unavailable"  # errors or the deadline passed
    ENTITY_MISMATCH = "original-kept-entity-mismatch"
    QUOTA_EXHAUSTED = "quota-exhausted"


@dataclass(frozen=True, slots=True)
class SourceText:
    """One text to translate. `lang` None lets the backend detect it (and then no glossary applies)."""

    text: str
    lang: Lang | None = None
    context: str | None = None  # preceding conversation; DeepL does not bill it


@dataclass(frozen=True, slots=True)
class Translation:
    text: str
    status: Status
    target: Lang
    detected_source: Lang | None = None
    billed_characters: int = 0
    cached: bool = False

    @property
    def translated(self) -> bool:
        return self.status is Status.TRANSLATED


@dataclass(frozen=True, slots=True)
class Usage:
    characters_used: int
    characters_limit: int | None  # None: no limit known (self-hosted)

    @property
    def remaining(self) -> int | None:
        return None if self.characters_limit is None else max(0, self.characters_limit - self.characters_used)


class TranslatorError(Exception):
    """A backend failure the caller may retry later (network, 429, 5xx)."""


class QuotaExhaustedError(TranslatorError):
    """The backend's quota is spent (DeepL 456): stop calling it."""


class TranslatorAuthError(TranslatorError):
    """The backend refused our credentials (DeepL 403). Never carries the key itself."""


class Translator(Protocol):
    """A machine-translation backend. Implementations: DeepL, LibreTranslate, none."""

    name: str

    def describe(self) -> str:
        """One line for the console and logs: which backend, where; never a secret."""
        ...

    @property
    def glossary_id(self) -> str | None:
        """The glossary currently applied (part of cache keys), if any."""
        ...

    async def start(self) -> None:
        """Connect, sync the glossary. Raises TranslatorAuthError on bad credentials."""
        ...

    async def usage(self) -> Usage | None:
        ...

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        """One Translation per SourceText, in order. Never raises for per-text problems."""
        ...

    async def aclose(self) -> None:
        ...
