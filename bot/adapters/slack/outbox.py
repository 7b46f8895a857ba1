"""The outbox: every write to a chat platform goes through here, paced, ordered, retried, never silently lost.

Platform-agnostic: a call is an awaitable factory plus the method name and channel it targets; a
`classify` function (given by the adapter) says whether an exception is a rate limit, worth retrying, or
final. Each *lane* (by default the channel) is worked by one task in FIFO order, so order within a
channel is kept while other channels carry on. Token buckets pace each method (pacing.py). Time is
injected as the `Waits` port (monotonic `now()` and `sleep(seconds)`), so tests and benchmarks run on
simulated time.

Durable: a call given with its `OutgoingCall` record is written to the journal (the store's `PostJournal`)
before it takes its place in the lane, and settled there when the platform confirms it; resume.py queues
what a previous run left unconfirmed, ahead of everything new, after asking the platform which of those
calls did go out (a crash between sending and recording must not double a post). A call recorded under a
key already confirmed is not sent again: the caller gets the recorded result.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from bot.adapters.slack.delivery import (
    Bundled,
    Bundling,
    Classify,
    DeliveryFailed,
    Failure,
    Stats,
    Verdict,
    describe,
)
from bot.adapters.slack.pacing import DEFAULT_LIMIT, SLACK_LIMITS, Bucket, Limit
from bot.adapters.slack.slots import Journal, Slot, _Item
from bot.app.ports.store import JournalEntry, OutgoingCall, PostState
from bot.app.ports.waits import Waits

log = logging.getLogger(__name__)

T = TypeVar("T")


class Outbox:
    """Paced, ordered, retried delivery of platform calls. See the module docstring."""

    def __init__(
        self, classify: Classify, *, waits: Waits,
        limits: Mapping[str, Limit] = SLACK_LIMITS,
        max_attempts: int = 4,
        backoff: float = 1.0,
        max_rate_limited: int = 20,
        on_failure: Callable[[Failure], Awaitable[None]] | None = None,
        journal: Journal | None = None,
    ) -> None:
        self._classify = classify
        self._waits = self.waits = waits
        self._limits = limits
        self._max_attempts = max_attempts
        self._backoff = self.backoff = backoff
        self._max_rate_limited = max_rate_limited
        self.on_failure = on_failure
        self._lanes: dict[str, deque[_Item]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._pending: dict[tuple[str, str], _Item] = {}
        self._buckets: dict[tuple[str, ...], Bucket] = {}
        self.journal = journal
        self._inflight: dict[str, asyncio.Future[Any]] = {}  # durable calls queued or in flight, by key
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

    def earlier(self, entry: JournalEntry, bundling: Bundling | None) -> asyncio.Future[Any] | None:
        """The result of a call already recorded under the same key: confirmed (its recorded result) or still
        queued here (its future); None when it must be sent (it failed, or was left by a run that is gone)."""
        if (queued := self._inflight.get(entry.call.key)) is not None:
            return queued
        if entry.state is not PostState.SENT:
            return None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        result = entry.result or {}
        future.set_result(Bundled(result) if bundling is not None else result)
        return future

    def place(self, item: _Item, future: asyncio.Future[Any], durable: OutgoingCall | None) -> None:
        """Fill a reserved place whose call is set (see `Slot.fill`, `Slot.resend`)."""
        item.durable = durable
        item.futures.append(future)
        if durable is not None:
            self._inflight[durable.key] = future
        assert item.filled is not None
        item.filled.set()

    def expect(self, key: str) -> asyncio.Future[Any]:
        """The future of a durable call about to be queued again (see resume.py): later calls under its key
        get its result instead of being sent."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        return future

    def track(self, task: asyncio.Task[None]) -> None:
        """A background task `drain` waits for and `aclose` cancels."""
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def settle_records(self, keys: list[str], state: PostState, result: Any) -> None:
        try:
            if self.journal is not None and keys:
                summary = self.journal.summarize(result) if result is not None else None
                await self.journal.records.settle(keys, state, summary, self.journal.now())
        except Exception:  # the post went out (or failed) all the same; at worst a restart finds it in history
            log.exception("could not record the outcome of %d posts", len(keys))
        finally:
            # Only once recorded: until then a call under the same key must find it here, not as "pending".
            for key in keys:
                self._inflight.pop(key, None)

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

    def _buckets_for(self, item: _Item) -> list[Bucket]:
        limit = self._limits.get(item.method, DEFAULT_LIMIT)
        key = (item.method, item.channel) if limit.per_channel else (item.method,)
        now = self._waits.now()
        buckets = [self._buckets.setdefault(key, Bucket(limit, now))]
        if item.throttle:
            throttle = Limit(1.0 / item.throttle, burst=1)
            buckets.append(self._buckets.setdefault(("throttle", item.lane), Bucket(throttle, now)))
        return buckets

    async def _wait_turn(self, buckets: list[Bucket]) -> None:
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

    async def _deliver(self, item: _Item, buckets: list[Bucket]) -> None:
        attempts = 0
        rate_limited = 0
        while True:
            self.stats.calls += 1
            self.stats.unsettled += 1
            try:
                result = await item.call()
            except asyncio.CancelledError:
                self.stats.unsettled -= 1
                raise
            except Exception as error:
                self.stats.unsettled -= 1
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
                                describe(error))
                    await self._waits.sleep(self._backoff * 2 ** (attempts - 1))
                    await self._wait_turn(buckets)
                    continue
                await self.settle_records(_durable_keys(item), PostState.FAILED, None)
                self._fail(item, error, attempts + rate_limited)
                return
            self.stats.delivered += 1
            self.stats.last_delivered_at = self._waits.now()
            await self.settle_records(_durable_keys(item), PostState.SENT, result)
            self.stats.unsettled -= 1
            self._settle(item, result)
            return

    def _fail(self, item: _Item, error: Exception, attempts: int) -> None:
        self.stats.failed += 1
        failure = Failure(item.lane, item.method, item.channel, describe(error), attempts, item.key)
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


def _durable_keys(item: _Item) -> list[str]:
    return [part.durable.key for part in item.parts or [item] if part.durable is not None]


__all__ = ["SLACK_LIMITS", "Bundled", "Bundling", "Classify", "DeliveryFailed", "Failure", "Journal", "Limit",
           "Outbox", "Slot", "Stats", "Verdict"]
