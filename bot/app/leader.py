"""One leader per event: a lease in the database, renewed; the leader re-checks it before each side effect.

With several instances on PostgreSQL exactly one posts cues; if it dies, another takes over once the lease
expires; if it freezes and wakes up, its first check fails and it stands down without posting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.app.clock import Clock
from bot.app.ports.store import Lease

log = logging.getLogger(__name__)


@dataclass
class Leadership:
    lease: Lease
    name: str
    holder: str
    clock: Clock
    ttl: timedelta = timedelta(seconds=15)
    leading: bool = False
    tried: bool = False  # standing by is logged once, not on every attempt (every 5 s)

    async def try_lead(self) -> bool:
        was, self.leading = self.leading, await self.lease.acquire(self.name, self.holder, self.clock.now(), self.ttl)
        if self.leading and not was:
            log.info("leading %s as %s", self.name, self.holder)
        elif not self.leading and not self.tried:
            log.info("standing by: %s is led by another instance", self.name)
        self.tried = True
        return self.leading

    async def check(self) -> bool:
        """True only while the lease is ours; run right before each side effect."""
        if not self.leading:
            return False
        try:
            held = await self.lease.is_held(self.name, self.holder, self.clock.now())
        except Exception:  # cannot tell: stand down rather than risk a double post
            log.exception("lease check failed; standing down")
            held = False
        if not held:
            self.leading = False
            log.warning("lost the lease %s; standing down", self.name)
        return held

    async def keep(
        self,
        on_elected: Callable[[], Awaitable[None]],
        on_deposed: Callable[[], Awaitable[None]],
        every: float = 5.0,
    ) -> None:
        """Renew while leading, try to lead while not; runs until cancelled."""
        while True:
            try:
                if self.leading:
                    if not await self.lease.renew(self.name, self.holder, self.clock.now(), self.ttl):
                        self.leading = False
                        log.warning("lost the lease %s; standing down", self.name)
                        await on_deposed()
                elif await self.try_lead():
                    await on_elected()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("lease renewal failed")
                if self.leading:
                    self.leading = False
                    await on_deposed()
            await asyncio.sleep(every)

    async def release(self) -> None:
        if self.leading:
            await self.lease.release(self.name, self.holder, self.clock.now())
            self.leading = False
