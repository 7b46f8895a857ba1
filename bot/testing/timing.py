"""Virtual time for the `Waits` port (bot.app.ports.waits), the one simulated monotonic clock: the translation
pipeline's and the Slack outbox's tests and the benchmarks (bench/translation.py) run batching windows,
pacing, backoffs and deadlines without sleeping."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable


class VirtualWaits:
    """Virtual time that moves only on `advance`; sleepers wake in order of their due time.

    With `instant=True`, `sleep(d)` returns at once having moved the clock on by d: good enough where a test
    only needs time to pass (retry backoff), not to watch it pass. `slept` records every sleep asked for.
    """

    def __init__(self, start: float = 0.0, *, instant: bool = False) -> None:
        self._now = start
        self.instant = instant
        self.slept: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._asleep = asyncio.Condition()

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds <= 0:  # as asyncio.sleep(0): a turn of the loop, no wait for `advance`
            await asyncio.sleep(0)
            return
        if self.instant:
            self._now += seconds
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), future))
        async with self._asleep:
            self._asleep.notify_all()
        await future

    @property
    def wake_times(self) -> list[float]:
        """When the tasks asleep now are due, earliest first."""
        return sorted(due for due, _, future in self._sleepers if not future.done())

    async def wait_for_sleepers(self, count: int) -> None:
        """Wait (on an event, not the wall clock) until `count` tasks are asleep."""
        async with asyncio.timeout(10), self._asleep:
            await self._asleep.wait_for(lambda: len(self.wake_times) >= count)

    @staticmethod
    async def settle(turns: int = 50) -> None:
        """Let every task that can run do so before time moves again (in-process work only: no sockets)."""
        for _ in range(turns):
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

    async def run_until_idle(self, limit: float = 10_000.0) -> None:
        """Advance to each next wake-up until nobody sleeps (or `limit` virtual seconds pass)."""
        start = self._now
        await self.settle()
        while self._sleepers and self._now - start < limit:
            await self.advance(max(0.0, self._sleepers[0][0] - self._now))
