"""Monotonic time and waiting, the one shape in which they are injected: the translation pipeline (batching
window, retry backoff, per-message deadline), the Slack outbox (pacing, 429 pauses, retries) and its profile
cache. Real time is `bot.app.clock.LoopWaits`; tests and benchmarks pass `bot.testing.timing.VirtualWaits`,
so they never sleep. (The wall clock, for what happens at a time of day, is `bot.app.clock.Clock`.)"""

from __future__ import annotations

from typing import Protocol


class Waits(Protocol):
    def now(self) -> float:
        """Monotonic seconds (an arbitrary origin: only differences mean something)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return once `seconds` have passed on `now()`; zero or less just yields to the loop."""
        ...
