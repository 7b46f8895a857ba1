"""Simulated time for the outbox: `clock()` and `sleep()` that only move when the test says so."""

from __future__ import annotations

import asyncio
import heapq
import itertools


class VirtualTime:
    """Sleepers wait on futures; `advance()` wakes them in order of their wake-up time.

    With `instant=True`, `sleep(d)` returns at once having moved the clock to at least now+d: good enough
    where a test only needs time to pass, not to watch it pass.
    """

    def __init__(self, *, instant: bool = False) -> None:
        self.now = 0.0
        self.instant = instant
        self.slept: list[float] = []
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._slept = asyncio.Condition()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        if self.instant:
            self.now += seconds
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (self.now + seconds, next(self._seq), future))
        async with self._slept:
            self._slept.notify_all()
        await future

    @property
    def wake_times(self) -> list[float]:
        return sorted(wake for wake, _, future in self._waiters if not future.done())

    async def wait_for_sleepers(self, count: int) -> None:
        """Wait (on an event, not the wall clock) until `count` tasks are asleep."""
        async with asyncio.timeout(10), self._slept:
            await self._slept.wait_for(lambda: len(self.wake_times) >= count)

    @staticmethod
    async def settle(turns: int = 50) -> None:
        """Let every ready task run (in-process work only: no sockets involved)."""
        for _ in range(turns):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        target = self.now + seconds
        await self.settle()
        while self._waiters and self._waiters[0][0] <= target:
            wake, _, future = heapq.heappop(self._waiters)
            self.now = max(self.now, wake)
            if not future.done():
                future.set_result(None)
            await self.settle()
        self.now = target

    async def run_until_idle(self, limit: float = 10_000.0) -> None:
        """Advance to each next wake-up until nobody sleeps (or `limit` simulated seconds pass)."""
        start = self.now
        await self.settle()
        while self._waiters and self.now - start < limit:
            await self.advance(max(0.0, self._waiters[0][0] - self.now))
