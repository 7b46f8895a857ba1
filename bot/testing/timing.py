"""Virtual time for the translation pipeline's `Waits` port (bot.app.translation.timing): the tests and the
translation benchmark (bench/translation.py) run batching windows, backoffs and deadlines without sleeping."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable


class VirtualWaits:
    """Virtual time that moves only on `advance`; sleepers wake in order of their due time."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + max(0.0, seconds), next(self._order), future))
        await future

    @property
    def pending(self) -> int:
        return sum(1 for _, _, f in self._sleepers if not f.done())

    async def settle(self) -> None:
        """Let every task that can run do so before time moves again."""
        for _ in range(20):
            await asyncio.sleep(0)

    async def advance(self, seconds: float, between: Callable[[], Awaitable[None]] | None = None) -> None:
        await self.advance_to(self._now + seconds, between)

    async def advance_to(self, when: float, between: Callable[[], Awaitable[None]] | None = None) -> None:
        """Move to `when`, waking sleepers in order. `between` runs after each wake-up: e.g. wait for
        real I/O to finish so it takes no virtual time."""
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= when:
            due, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, due)
            if not future.done():
                future.set_result(None)
            await self.settle()
            if between is not None:
                await between()
                await self.settle()
        self._now = max(self._now, when)
