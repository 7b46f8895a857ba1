"""Time for waits (batching window, retry backoff, per-message deadline), injectable so tests and the
benchmark run on virtual time instead of sleeping (bot.testing.timing.VirtualWaits)."""

from __future__ import annotations

import asyncio
from typing import Protocol


class Waits(Protocol):
    def now(self) -> float:
        """Monotonic seconds."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class LoopWaits:
    """Real time: the running loop's monotonic clock."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

