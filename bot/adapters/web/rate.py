"""Token buckets: a burst of `capacity` requests, then `per_second` more each second, per key.

On the clock given (the wall clock in production, a simulated one in tests), so a burst is refused the
same way on any machine. Keys are bounded: the least recently seen is forgotten first.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

from bot.app.clock import Clock


@dataclass
class _Bucket:
    tokens: float
    at: float  # seconds since the epoch, when `tokens` was counted


class RateLimiter:
    def __init__(self, clock: Clock, *, capacity: int, per_second: float, max_keys: int = 10_000) -> None:
        self._clock = clock
        self.capacity = capacity
        self.per_second = per_second
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> int:
        """0 when `key` may go on (one token spent), else the seconds to wait before asking again."""
        now = self._clock.now().timestamp()
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.capacity), now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        self._buckets[key] = bucket
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self.per_second))
