"""Forgetting on purpose: handled inbound events once no platform will deliver them again (two hours), settled
posts once no restart or redelivery will ask for them (six hours). What is not handled or not sent stays."""

from __future__ import annotations

import asyncio
import logging

from bot.app.clock import Clock
from bot.app.ports.store import Inbox, PostJournal

log = logging.getLogger(__name__)

EVERY_SECONDS = 600.0


async def housekeep(inbox: Inbox, journal: PostJournal, clock: Clock) -> tuple[int, int]:
    """One pass: how many inbound events and settled posts were forgotten."""
    now = clock.now()
    events, posts = await inbox.purge(now), await journal.purge(now)
    if events or posts:
        log.info("purged %d handled inbound events and %d settled posts", events, posts)
    return events, posts


async def keep_tidy(inbox: Inbox, journal: PostJournal, clock: Clock, every: float = EVERY_SECONDS) -> None:
    """A pass now and every `every` seconds, until cancelled."""
    while True:
        try:
            await housekeep(inbox, journal, clock)
        except Exception:
            log.exception("housekeeping failed; trying again later")
        await asyncio.sleep(every)
