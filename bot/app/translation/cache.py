"""An LRU of finished translations: a repeated text costs nothing."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from bot.app.ports.translation import Lang, Status, Translation

CacheKey = tuple[str, Lang | None, Lang, str | None]  # (text, source, target, glossary id)


class TranslationCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[CacheKey, Translation] = OrderedDict()
        self.max_entries = max_entries

    def get(self, key: CacheKey) -> Translation | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return replace(found, billed_characters=0, cached=True)

    def put(self, key: CacheKey, translation: Translation) -> None:
        # Only real translations: a failure must be retried next time, not remembered.
        if translation.status is not Status.TRANSLATED:
            return
        self._entries[key] = translation
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
