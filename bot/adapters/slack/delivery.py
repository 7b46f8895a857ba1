"""What a delivery can come to: the verdict on an error, a final failure (reported), the outbox's counters,
and the merging of queued calls into one (bundling)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Verdict(Enum):
    RATE_LIMITED = "rate_limited"  # wait Retry-After, then try again (not counted as a failed attempt)
    RETRY = "retry"  # transient (5xx, connection): back off and try again, a bounded number of times
    FAIL = "fail"  # final (bad channel, missing scope): report it


Classify = Callable[[BaseException], tuple[Verdict, float]]


@dataclass(frozen=True)
class Failure:
    lane: str
    method: str
    channel: str
    error: str
    attempts: int
    key: str | None = None


class DeliveryFailed(Exception):
    """A call that still failed after its retries. It has been reported (see `Outbox.on_failure`)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.method} to {failure.channel} failed after {failure.attempts} attempts: "
                         f"{failure.error}")
        self.failure = failure


@dataclass
class Stats:
    calls: int = 0
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    coalesced: int = 0
    bundled: int = 0  # calls saved by merging queued calls
    delivered: int = 0
    resent: int = 0  # unconfirmed calls of a previous run sent again at start
    found_sent: int = 0  # ... or found already in the channel's history (not sent again)
    unsettled: int = 0  # calls sent whose answer is not recorded yet (in flight, or answered and being recorded)
    last_delivered_at: float | None = None  # the outbox's `waits.now()` at the last success


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


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]
