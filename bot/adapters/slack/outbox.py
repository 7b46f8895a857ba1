"""The outbox: every write to a chat platform goes through here, paced, ordered, retried, never silently lost.

Platform-agnostic: a call is an awaitable factory plus the method name and channel it targets; a
`classify` function (given by the adapter) says whether an exception is a rate limit, worth retrying, or
final. Each *lane* (by default the channel) is worked by one task in FIFO order, so order within a
channel is kept while other channels carry on. Token buckets pace each method, per channel where the
platform limits per channel (Slack's chat.postMessage) and per workspace otherwise (its tiers). Time is
injected as the `Waits` port (monotonic `now()` and `sleep(seconds)`), so tests and benchmarks run on
simulated time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from bot.app.ports.waits import Waits

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Limit:
    """A token bucket: `per_second` sustained, `burst` at once; per channel or shared by the whole method."""

    per_second: float
    burst: int = 1
    per_channel: bool = False


# Slack's published limits: chat.postMessage ~1/s per channel (short bursts tolerated); the others by tier
# (Tier 3 ~50/min, Tier 4 ~100/min) for the whole workspace. We stay a little under each.
SLACK_LIMITS: Mapping[str, Limit] = {
    "chat.postMessage": Limit(1.0, burst=3, per_channel=True),
    "chat.update": Limit(45 / 60, burst=5),
    "chat.delete": Limit(45 / 60, burst=5),
    "reactions.add": Limit(45 / 60, burst=5),
    "conversations.open": Limit(45 / 60, burst=5),
    "chat.postEphemeral": Limit(90 / 60, burst=10),
    "views.publish": Limit(90 / 60, burst=10),
}
DEFAULT_LIMIT = Limit(45 / 60, burst=5)


class Verdict(Enum):
    RATE_LIMITED = "rate_limited"  # wait Retry-After, then try again (not counted as a failed attempt)
    RETRY = "retry"  # transient (5xx, connection): back off and try again, a bounded number of times
    FAIL = "fail"  # final (bad channel, missing scope): report it


Classify = Callable[[BaseException], tuple[Verdict, float]]


class DeliveryFailed(Exception):
    """A call that still failed after its retries. It has been reported (see `Outbox.on_failure`)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.method} to {failure.channel} failed after {failure.attempts} attempts: "
                         f"{failure.error}")
        self.failure = failure


@dataclass(frozen=True)
class Failure:
    lane: str
    method: str
    channel: str
    error: str
    attempts: int
    key: str | None = None


@dataclass
class Stats:
    calls: int = 0
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    coalesced: int = 0
    bundled: int = 0  # calls saved by merging queued calls
    delivered: int = 0
    last_delivered_at: float | None = None  # the outbox's `waits.now()` at the last success


class _Bucket:
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


@dataclass(frozen=True)
class Bundling:
    """Lets a queued call be merged with the ones of the same `group` queued right behind it, when a lane is
    backlogged (at least `min_backlog` of them waiting): `combine(datas)` makes the one call that carries
    them all. Fewer, fuller posts when a channel's rate limit is the bottleneck; order is unchanged."""

    group: str
    data: Any
    combine: Callable[[list[Any]], Callable[[], Awaitable[Any]]]
    max_items: int = 8
    min_backlog: int = 3


@dataclass(frozen=True)
class Bundled(Generic[T]):
    """The result of a bundleable call: the call's result, and where this item sits in it (size 1: alone)."""

    result: T
    index: int = 0
    size: int = 1


@dataclass(eq=False)
class _Item:
    lane: str
    method: str
    channel: str
    call: Callable[[], Awaitable[Any]]
    key: str | None
    throttle: float | None
    report: bool = True
    futures: list[asyncio.Future[Any]] = field(default_factory=list)
    filled: asyncio.Event | None = None  # a reserved place whose call is not known yet
    cancelled: bool = False
    bundling: Bundling | None = None
    parts: list[_Item] = field(default_factory=list)  # a merged call: the items it carries, in order


class Slot:
    """A place in a lane's order, taken before the call is known (see `Outbox.reserve`)."""

    def __init__(self, outbox: Outbox, item: _Item) -> None:
        self._outbox = outbox
        self._item = item

    async def submit(self, method: str, call: Callable[[], Awaitable[T]], *, throttle: float | None = None,
                     report: bool = True) -> T:
        item = self._item
        if item.filled is None or item.filled.is_set():
            raise RuntimeError("a slot is used once")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        item.method, item.call, item.throttle, item.report = method, call, throttle, report
        item.futures.append(future)
        item.filled.set()
        return await asyncio.shield(future)

    async def submit_bundled(self, method: str, call: Callable[[], Awaitable[Any]], bundling: Bundling, *,
                             report: bool = True) -> Bundled[Any]:
        """Like `submit`, but the call may travel merged with its neighbours (see `Bundling`)."""
        self._item.bundling = bundling
        result: Bundled[Any] = await self.submit(method, call, report=report)
        return result

    def cancel(self) -> None:
        """Give the place up (the caller failed before knowing its call); no-op once submitted."""
        if self._item.filled is not None and not self._item.filled.is_set():
            self._item.cancelled = True
            self._item.filled.set()


class Outbox:
    """Paced, ordered, retried delivery of platform calls. See the module docstring."""

    def __init__(
        self, classify: Classify, *, waits: Waits,
        limits: Mapping[str, Limit] = SLACK_LIMITS,
        max_attempts: int = 4,
        backoff: float = 1.0,
        max_rate_limited: int = 20,
        on_failure: Callable[[Failure], Awaitable[None]] | None = None,
    ) -> None:
        self._classify = classify
        self._waits = waits
        self._limits = limits
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._max_rate_limited = max_rate_limited
        self.on_failure = on_failure
        self._lanes: dict[str, deque[_Item]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._pending: dict[tuple[str, str], _Item] = {}
        self._buckets: dict[tuple[str, ...], _Bucket] = {}
        self._reports: set[asyncio.Task[None]] = set()
        self.open = asyncio.Event()  # cleared: calls queue unsent until it is set (Slack not reached yet)
        self.open.set()
        self.stats = Stats()

    async def submit(
        self,
        method: str,
        call: Callable[[], Awaitable[T]],
        *,
        channel: str,
        lane: str | None = None,
        key: str | None = None,
        throttle: float | None = None,
        report: bool = True,
    ) -> T:
        """Queue `call` and wait for its result (or `DeliveryFailed`).

        `key`: a newer call with the same key replaces a queued one that has not started (only the latest
        version of e.g. a board is sent; every caller gets that call's result). `throttle`: at most one call
        of this lane every `throttle` seconds, on top of the method's own limit. `report=False`: the caller
        handles a final failure itself (e.g. falls back to another route), so it is not reported.
        """
        lane = lane or channel
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        if key is not None and (queued := self._pending.get((lane, key))) is not None:
            queued.call = call
            queued.futures.append(future)
            self.stats.coalesced += 1
        else:
            item = _Item(lane, method, channel, call, key, throttle, report, [future])
            if key is not None:
                self._pending[(lane, key)] = item
            self._enqueue(item)
        return await asyncio.shield(future)

    def reserve(self, channel: str, *, lane: str | None = None) -> Slot:
        """Take a place in the lane now, fill it later: calls keep the order in which places were taken,
        even when the caller must await something (a permalink, a lookup) before it knows its call.
        Always `submit` or `cancel` the slot: the lane waits for it."""
        lane = lane or channel

        async def unset() -> None:
            raise RuntimeError("slot never filled")

        item = _Item(lane, "", channel, unset, None, None, filled=asyncio.Event())
        self._enqueue(item)
        return Slot(self, item)

    def _enqueue(self, item: _Item) -> None:
        self._lanes.setdefault(item.lane, deque()).append(item)
        if item.lane not in self._workers:
            self._workers[item.lane] = asyncio.create_task(self._work(item.lane), name=f"outbox:{item.lane}")

    @property
    def queued(self) -> int:
        return sum(len(queue) for queue in self._lanes.values())

    async def drain(self) -> None:
        """Wait until every queued call has been delivered or reported."""
        while self._workers or self._reports:
            await asyncio.gather(*self._workers.values(), *self._reports, return_exceptions=True)

    async def aclose(self) -> None:
        for task in [*self._workers.values(), *self._reports]:
            task.cancel()
        await asyncio.gather(*self._workers.values(), *self._reports, return_exceptions=True)

    # -- the lane worker -------------------------------------------------------------------------------------

    def _buckets_for(self, item: _Item) -> list[_Bucket]:
        limit = self._limits.get(item.method, DEFAULT_LIMIT)
        key = (item.method, item.channel) if limit.per_channel else (item.method,)
        now = self._waits.now()
        buckets = [self._buckets.setdefault(key, _Bucket(limit, now))]
        if item.throttle:
            throttle = Limit(1.0 / item.throttle, burst=1)
            buckets.append(self._buckets.setdefault(("throttle", item.lane), _Bucket(throttle, now)))
        return buckets

    async def _wait_turn(self, buckets: list[_Bucket]) -> None:
        while True:
            now = self._waits.now()
            wait = max(bucket.wait(now) for bucket in buckets)
            if wait <= 0:
                for bucket in buckets:
                    bucket.take(now)
                return
            await self._waits.sleep(wait)

    async def _work(self, lane: str) -> None:
        queue = self._lanes[lane]
        try:
            while queue:
                item = queue[0]
                if item.filled is not None:
                    await item.filled.wait()
                    if item.cancelled:
                        queue.popleft()
                        continue
                await self.open.wait()
                buckets = self._buckets_for(item)
                await self._wait_turn(buckets)
                # From here on the item is in flight: later calls with its key queue up behind it.
                queue.popleft()
                if item.key is not None:
                    self._pending.pop((lane, item.key), None)
                await self._deliver(self._bundle(item, queue), buckets)
        finally:
            del self._workers[lane]
            if not queue:
                self._lanes.pop(lane, None)
            else:  # cancelled with work left: fail it loudly rather than leave callers waiting
                for item in queue:
                    for future in item.futures:
                        if not future.done():
                            future.cancel()

    @staticmethod
    def _ready_to_bundle(item: _Item, group: str, method: str) -> bool:
        if item.filled is not None and not item.filled.is_set():
            return False  # a place whose call is not known yet: nothing behind it may jump ahead
        return (item.bundling is not None and item.bundling.group == group and item.method == method
                and not item.cancelled)

    def _bundle(self, head: _Item, queue: deque[_Item]) -> _Item:
        """The head alone, or one merged item carrying the head and its bundleable followers."""
        rules = head.bundling
        if rules is None:
            return head
        followers = 0
        for queued in queue:
            if followers + 1 >= rules.max_items or not self._ready_to_bundle(queued, rules.group, head.method):
                break
            followers += 1
        if followers + 1 < rules.min_backlog:
            return head
        batch = [head] + [queue.popleft() for _ in range(followers)]
        assert all(part.bundling is not None for part in batch)
        merged = _Item(head.lane, head.method, head.channel,
                       rules.combine([part.bundling.data for part in batch if part.bundling is not None]),
                       None, None, head.report, parts=batch)
        self.stats.bundled += len(batch) - 1
        return merged

    def _settle(self, item: _Item, result: Any) -> None:
        parts = item.parts or [item]
        for index, part in enumerate(parts):
            value = Bundled(result, index, len(parts)) if part.bundling is not None else result
            for future in part.futures:
                if not future.done():
                    future.set_result(value)

    async def _deliver(self, item: _Item, buckets: list[_Bucket]) -> None:
        attempts = 0
        rate_limited = 0
        while True:
            self.stats.calls += 1
            try:
                result = await item.call()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                verdict, retry_after = self._classify(error)
                if verdict is Verdict.RATE_LIMITED and rate_limited < self._max_rate_limited:
                    rate_limited += 1
                    self.stats.rate_limited += 1
                    # Pause only this method (for this channel, if it is limited per channel).
                    buckets[0].blocked_until = max(buckets[0].blocked_until, self._waits.now() + max(retry_after, 1.0))
                    log.info("%s on %s rate limited; pausing %.1fs", item.method, item.channel, retry_after)
                    await self._wait_turn(buckets)
                    continue
                attempts += 1
                if verdict is Verdict.RETRY and attempts < self._max_attempts:
                    self.stats.retried += 1
                    log.warning("%s to %s failed (attempt %d), retrying: %s", item.method, item.channel, attempts,
                                _describe(error))
                    await self._waits.sleep(self._backoff * 2 ** (attempts - 1))
                    await self._wait_turn(buckets)
                    continue
                self._fail(item, error, attempts + rate_limited)
                return
            self.stats.delivered += 1
            self.stats.last_delivered_at = self._waits.now()
            self._settle(item, result)
            return

    def _fail(self, item: _Item, error: Exception, attempts: int) -> None:
        self.stats.failed += 1
        failure = Failure(item.lane, item.method, item.channel, _describe(error), attempts, item.key)
        log.error("giving up on %s to %s after %d attempts: %s", item.method, item.channel, attempts,
                  failure.error)
        for part in item.parts or [item]:
            for future in part.futures:
                if not future.done():
                    future.set_exception(DeliveryFailed(failure))
                    # Mark retrieved: a caller that stopped waiting must not turn this into a loop warning.
                    future.exception()
        if self.on_failure is not None and item.report:
            task = asyncio.create_task(self._report(failure), name=f"outbox-report:{item.lane}")
            self._reports.add(task)
            task.add_done_callback(self._reports.discard)

    async def _report(self, failure: Failure) -> None:
        assert self.on_failure is not None
        try:
            await self.on_failure(failure)
        except Exception:
            log.exception("could not report a failed delivery to the chairs: %s", failure)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]
