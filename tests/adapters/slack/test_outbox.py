"""The outbox on simulated time: pacing, order, 429 pauses, bounded retries, failure reports, coalescing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.adapters.slack.outbox import Bundled, Bundling, DeliveryFailed, Failure, Limit, Outbox, Verdict
from bot.testing.timing import VirtualWaits


class Limited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429, retry after {retry_after}")
        self.retry_after = retry_after


class Flaky(Exception):
    pass


class Broken(Exception):
    pass


def classify(error: BaseException) -> tuple[Verdict, float]:
    if isinstance(error, Limited):
        return Verdict.RATE_LIMITED, error.retry_after
    if isinstance(error, Flaky):
        return Verdict.RETRY, 0.0
    return Verdict.FAIL, 0.0


class Platform:
    """An in-process stand-in for the platform: records (time, channel, label) and fails on request."""

    def __init__(self, time: VirtualWaits) -> None:
        self.time = time
        self.delivered: list[tuple[float, str, str]] = []
        self.attempts: list[tuple[float, str, str]] = []
        self.script: dict[str, list[Exception]] = {}

    def call(self, channel: str, label: str) -> Callable[[], Awaitable[str]]:
        async def send() -> str:
            self.attempts.append((self.time.now(), channel, label))
            errors = self.script.get(label)
            if errors:
                raise errors.pop(0)
            self.delivered.append((self.time.now(), channel, label))
            return label
        return send


@pytest.fixture
def time() -> VirtualWaits:
    return VirtualWaits()


@pytest.fixture
def platform(time: VirtualWaits) -> Platform:
    return Platform(time)


@pytest.fixture
def reports() -> list[Failure]:
    return []


@pytest.fixture
async def outbox(time: VirtualWaits, reports: list[Failure]):  # type: ignore[no-untyped-def]
    async def report(failure: Failure) -> None:
        reports.append(failure)

    box = Outbox(classify, waits=time, max_attempts=3, backoff=2.0, on_failure=report,
                 limits={"post": Limit(1.0, burst=3, per_channel=True), "update": Limit(1.0, burst=2)})
    yield box
    await box.aclose()


def submit_all(outbox: Outbox, platform: Platform, channel: str, labels: list[str],
               method: str = "post") -> list[asyncio.Task[str]]:
    return [asyncio.create_task(outbox.submit(method, platform.call(channel, label), channel=channel))
            for label in labels]


async def test_burst_then_one_per_second_in_order(outbox: Outbox, platform: Platform, time: VirtualWaits) -> None:
    labels = [f"m{i}" for i in range(8)]
    tasks = submit_all(outbox, platform, "A", labels)
    await time.run_until_idle()
    assert [t.result() for t in tasks] == labels
    assert [label for _, _, label in platform.delivered] == labels
    times = [at for at, _, _ in platform.delivered]
    assert times[:3] == [0.0, 0.0, 0.0]  # the burst
    assert times[3:] == pytest.approx([1.0, 2.0, 3.0, 4.0, 5.0])  # then ~1/s sustained


async def test_channels_are_paced_independently(outbox: Outbox, platform: Platform, time: VirtualWaits) -> None:
    tasks = submit_all(outbox, platform, "A", ["a0", "a1", "a2", "a3"]) + submit_all(
        outbox, platform, "B", ["b0", "b1", "b2", "b3"])
    await time.run_until_idle()
    await asyncio.gather(*tasks)
    by_channel = {ch: [at for at, c, _ in platform.delivered if c == ch] for ch in "AB"}
    assert by_channel["A"] == by_channel["B"] == pytest.approx([0.0, 0.0, 0.0, 1.0])


async def test_429_pauses_only_that_channel_then_resumes_in_order(
    outbox: Outbox, platform: Platform, time: VirtualWaits
) -> None:
    platform.script["a0"] = [Limited(7)]
    a = submit_all(outbox, platform, "A", ["a0", "a1", "a2"])
    b = submit_all(outbox, platform, "B", ["b0", "b1", "b2"])
    await time.settle()
    # B went straight through; A is paused for Retry-After.
    assert [label for _, c, label in platform.delivered if c == "B"] == ["b0", "b1", "b2"]
    assert [label for _, c, label in platform.delivered if c == "A"] == []
    assert time.wake_times == [7.0]
    await time.advance(6.9)
    assert [label for _, c, label in platform.delivered if c == "A"] == []
    await time.advance(0.1)
    await time.run_until_idle()
    assert [(at, label) for at, c, label in platform.delivered if c == "A"] == [(7.0, "a0"), (7.0, "a1"), (7.0, "a2")]
    assert [t.result() for t in a + b] == ["a0", "a1", "a2", "b0", "b1", "b2"]
    assert outbox.stats.rate_limited == 1 and outbox.stats.failed == 0


async def test_transient_errors_are_retried_with_backoff(outbox: Outbox, platform: Platform, time: VirtualWaits,
                                                         reports: list[Failure]) -> None:
    platform.script["m0"] = [Flaky("502"), Flaky("connection reset")]
    tasks = submit_all(outbox, platform, "A", ["m0", "m1"])
    await time.run_until_idle()
    assert [t.result() for t in tasks] == ["m0", "m1"]
    assert [at for at, _, label in platform.attempts if label == "m0"] == [0.0, 2.0, 6.0]  # backoff 2 s, 4 s
    assert [label for _, _, label in platform.delivered] == ["m0", "m1"]
    assert reports == []


async def test_bounded_retries_then_reported_and_the_lane_goes_on(
    outbox: Outbox, platform: Platform, time: VirtualWaits, reports: list[Failure]
) -> None:
    platform.script["m0"] = [Flaky("503")] * 5
    platform.script["m1"] = [Broken("channel_not_found")]
    tasks = submit_all(outbox, platform, "A", ["m0", "m1", "m2"])
    await time.run_until_idle()
    await outbox.drain()
    with pytest.raises(DeliveryFailed):
        tasks[0].result()
    with pytest.raises(DeliveryFailed):
        tasks[1].result()
    assert tasks[2].result() == "m2"
    assert len([a for a in platform.attempts if a[2] == "m0"]) == 3  # max_attempts
    assert len([a for a in platform.attempts if a[2] == "m1"]) == 1  # final errors are not retried
    assert [(f.channel, f.attempts) for f in reports] == [("A", 3), ("A", 1)]
    assert "channel_not_found" in reports[1].error


async def test_updates_with_the_same_key_are_coalesced(outbox: Outbox, platform: Platform, time: VirtualWaits) -> None:
    gate = asyncio.Event()
    sent: list[str] = []

    def board(version: str) -> Callable[[], Awaitable[str]]:
        async def send() -> str:
            if version == "v0":
                await gate.wait()  # the first update is in flight while the others arrive
            sent.append(version)
            return version
        return send

    def submit(version: str) -> asyncio.Task[str]:
        return asyncio.create_task(outbox.submit("update", board(version), channel="CH", key="board", throttle=1.5))

    tasks = [submit("v0")]
    await time.settle()
    tasks += [submit(f"v{i}") for i in range(1, 6)]
    await time.settle()
    gate.set()
    await time.run_until_idle()
    assert sent == ["v0", "v5"]  # only the latest of the queued versions is sent
    assert [t.result() for t in tasks] == ["v0"] + ["v5"] * 5
    assert outbox.stats.coalesced == 4


async def test_throttle_spaces_updates(outbox: Outbox, time: VirtualWaits) -> None:
    times: list[float] = []

    async def send() -> None:
        times.append(time.now())

    for _ in range(3):
        task = asyncio.create_task(outbox.submit("update", send, channel="CH", key="board", throttle=1.5))
        await time.run_until_idle()
        await task
    assert times == pytest.approx([0.0, 1.5, 3.0])


async def test_reserved_places_keep_their_order(outbox: Outbox, platform: Platform, time: VirtualWaits) -> None:
    first, second = outbox.reserve("A"), outbox.reserve("A")
    dropped = outbox.reserve("A")
    late = asyncio.create_task(second.submit("post", platform.call("A", "second")))
    await time.settle()
    assert platform.delivered == []  # the lane waits for the first place to be filled
    dropped.cancel()
    early = asyncio.create_task(first.submit("post", platform.call("A", "first")))
    after = asyncio.create_task(outbox.submit("post", platform.call("A", "after"), channel="A"))
    await time.run_until_idle()
    await asyncio.gather(late, early, after)
    assert [label for _, _, label in platform.delivered] == ["first", "second", "after"]


async def test_backlogged_bundleable_calls_travel_together_in_order(
    outbox: Outbox, platform: Platform, time: VirtualWaits
) -> None:
    sent: list[list[str]] = []

    def combine(labels: list[str]) -> Callable[[], Awaitable[str]]:
        async def send() -> str:
            sent.append(list(labels))
            return "+".join(labels)
        return send

    def bundleable(label: str) -> asyncio.Task[Bundled[str]]:
        slot = outbox.reserve("A")
        return asyncio.create_task(slot.submit_bundled("post", platform.call("A", label),
                                                       Bundling("copies:A", label, combine, max_items=4)))

    plain = submit_all(outbox, platform, "A", ["p0", "p1", "p2"])  # uses the burst
    await time.settle()
    tasks = [bundleable(f"c{i}") for i in range(6)]  # a backlog: the next token is a second away
    lone = submit_all(outbox, platform, "A", ["p3"])
    await time.run_until_idle()
    await asyncio.gather(*plain, *lone)
    results = [t.result() for t in tasks]
    assert sent == [["c0", "c1", "c2", "c3"]]  # at most max_items; the last two are below min_backlog
    assert [(r.result, r.index, r.size) for r in results[:4]] == [("c0+c1+c2+c3", i, 4) for i in range(4)]
    assert [(r.result, r.size) for r in results[4:]] == [("c4", 1), ("c5", 1)]
    assert [label for _, _, label in platform.delivered] == ["p0", "p1", "p2", "c4", "c5", "p3"]
    assert outbox.stats.bundled == 3
