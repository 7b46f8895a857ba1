"""The pass-through half of a Translator decorator: a wrapper that adds one concern (the quota guard, the
metrics) around another Translator inherits this and writes only `translate`."""

from __future__ import annotations

from bot.app.ports.translation import Translator, Usage


class ForwardingTranslator:
    inner: Translator

    def describe(self) -> str:
        return self.inner.describe()

    @property
    def glossary_id(self) -> str | None:
        return self.inner.glossary_id

    async def start(self) -> None:
        await self.inner.start()

    async def usage(self) -> Usage | None:
        return await self.inner.usage()

    async def aclose(self) -> None:
        await self.inner.aclose()
