"""Pacing of platform calls: a token bucket per method (per channel where the platform limits per channel),
with Slack's published limits, and the pause a 429's Retry-After imposes on a bucket."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """A token bucket: `per_second` sustained, `burst` at once; per channel or shared by the whole method."""

    per_second: float
    burst: int = 1
    per_channel: bool = False


# Slack's published limits: chat.postMessage ~1/s per channel (short bursts tolerated); the others by tier
# (Tier 3 ~50/min, Tier 4 ~100/min) for the whole workspace. We stay a little under each: posts sent 1 s apart
# can arrive closer together, and one 429 costs a second's pause (bench/live_chat.py: at exactly 1/s, one or
# two 429s per quiet-chat run put copies' p99 past 2 s; at 0.95/s none).
SLACK_LIMITS: Mapping[str, Limit] = {
    "chat.postMessage": Limit(0.95, burst=3, per_channel=True),
    "chat.update": Limit(45 / 60, burst=5),
    "chat.delete": Limit(45 / 60, burst=5),
    "reactions.add": Limit(45 / 60, burst=5),
    "conversations.open": Limit(45 / 60, burst=5),
    "conversations.history": Limit(45 / 60, burst=5),
    "chat.postEphemeral": Limit(90 / 60, burst=10),
    "views.publish": Limit(90 / 60, burst=10),
}
DEFAULT_LIMIT = Limit(45 / 60, burst=5)


class Bucket:
    def __init__(self, limit: Limit, now: float) -> None:
        self.rate = limit.per_second
        self.capacity = float(limit.burst)
        self.tokens = float(limit.burst)
        self.updated = now
        self.blocked_until = 0.0  # set by a 429's Retry-After

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait(self, now: float) -> float:
        self._refill(now)
        blocked = max(0.0, self.blocked_until - now)
        short = 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate
        return max(blocked, short)

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0
