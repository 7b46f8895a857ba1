"""No translator configured: every text comes back as it was, marked untranslated."""

from __future__ import annotations

from collections.abc import Sequence

from bot.app.ports.translation import Lang, SourceText, Status, Translation, Usage
from bot.app.translation.entities import is_trivial


class NoTranslator:
    name = "none"

    def describe(self) -> str:
        return "no machine translation (messages are mirrored untranslated)"

    @property
    def glossary_id(self) -> str | None:
        return None

    async def start(self) -> None:
        return None

    async def usage(self) -> Usage | None:
        return None

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        return [
            Translation(
                source.text,
                Status.NOT_NEEDED if source.lang == target or is_trivial(source.text) else Status.UNTRANSLATED,
                target,
                source.lang,
            )
            for source in texts
        ]

    async def aclose(self) -> None:
        return None
