"""The micro-batcher on its own: one request out per target, and a backend that fails strands nobody."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.app.ports.translation import Lang, SourceText, Status, Translation
from bot.app.translation.batcher import MicroBatcher
from bot.testing.timing import VirtualWaits


class BrokenOnce:
    """A backend (the port's protocol) whose first request waits for `gate`, then raises: a bug, not an outage."""

    name = "broken-once"
    glossary_id = None

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.out = asyncio.Event()
        self.batches: list[list[str]] = []

    def describe(self) -> str:
        return "a backend with a bug in its first request"

    async def start(self) -> None:
        return None

    async def usage(self) -> None:
        return None

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        self.batches.append([t.text for t in texts])
        if len(self.batches) == 1:
            self.out.set()
            await self.gate.wait()
            raise RuntimeError("backend bug")
        return [Translation(f"<{target}> {t.text}", Status.TRANSLATED, target, t.lang) for t in texts]

    async def aclose(self) -> None:
        return None


async def test_a_failed_request_fails_its_texts_and_releases_the_next_batch() -> None:
    virtual = VirtualWaits()
    backend = BrokenOnce()
    batcher = MicroBatcher(backend, waits=virtual)
    first = asyncio.ensure_future(batcher.translate(SourceText("one", "en"), "fr"))
    await virtual.advance(0.1)
    await asyncio.wait_for(backend.out.wait(), 5)
    later = [asyncio.ensure_future(batcher.translate(SourceText(t, "en"), "fr")) for t in ("two", "three")]
    await virtual.settle()
    assert backend.batches == [["one"]]  # the others wait for the request out
    backend.gate.set()
    with pytest.raises(RuntimeError):
        await first
    assert [r.text for r in await asyncio.gather(*later)] == ["<fr> two", "<fr> three"]
    assert backend.batches == [["one"], ["two", "three"]]
    await batcher.aclose()
