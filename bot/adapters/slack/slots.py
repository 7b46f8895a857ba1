"""A call's place in a lane: the queued item, and the `Slot` a caller takes before it knows its call (so calls
keep the order in which places were taken, whatever the caller awaits in between)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.adapters.slack.delivery import Bundled, Bundling
from bot.app.ports.store import OutgoingCall, PostJournal

if TYPE_CHECKING:
    from bot.adapters.slack.outbox import Outbox

T = TypeVar("T")
Call = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Journal:
    """Where the outbox records its calls: the store's journal, this instance's name in it, the wall clock of
    the records, and how a platform answer is reduced to what is worth keeping (channel, ts)."""

    records: PostJournal
    owner: str
    now: Callable[[], datetime]
    summarize: Callable[[Any], dict[str, Any]]


@dataclass(eq=False)
class _Item:
    lane: str
    method: str
    channel: str
    call: Call
    key: str | None
    throttle: float | None
    report: bool = True
    futures: list[asyncio.Future[Any]] = field(default_factory=list)
    filled: asyncio.Event | None = None  # a reserved place whose call is not known yet
    cancelled: bool = False
    bundling: Bundling | None = None
    parts: list[_Item] = field(default_factory=list)  # a merged call: the items it carries, in order
    durable: OutgoingCall | None = None


class Slot:
    """A place in a lane's order, taken before the call is known (see `Outbox.reserve`)."""

    def __init__(self, outbox: Outbox, item: _Item) -> None:
        self._outbox = outbox
        self._item = item

    async def fill(self, method: str, call: Call, *, durable: OutgoingCall | None = None, replace: bool = False,
                   throttle: float | None = None, report: bool = True,
                   bundling: Bundling | None = None) -> asyncio.Future[Any]:
        """Record the call (when `durable`), put it in its place, and return the future of its result: once
        this returns, the call is queued (and, if durable, would be sent after a crash)."""
        if self._item.filled is None or self._item.filled.is_set():
            raise RuntimeError("a slot is used once")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if durable is not None and (journal := self._outbox.journal) is not None:
            try:
                existing = await journal.records.record(durable, journal.owner, journal.now(), replace=replace)
            except BaseException:
                self.cancel()
                raise
            if existing is not None and (earlier := self._outbox.earlier(existing, bundling)) is not None:
                self.cancel()  # that post is (being) sent already: never twice
                return earlier
        item = self._item
        item.method, item.call, item.throttle, item.report, item.bundling = method, call, throttle, report, bundling
        self._outbox.place(item, future, durable)
        return future

    async def submit(self, method: str, call: Callable[[], Awaitable[T]], *, throttle: float | None = None,
                     report: bool = True, durable: OutgoingCall | None = None) -> T:
        future = await self.fill(method, call, throttle=throttle, report=report, durable=durable)
        result: T = await asyncio.shield(future)
        return result

    async def submit_bundled(self, method: str, call: Call, bundling: Bundling, *, report: bool = True,
                             durable: OutgoingCall | None = None) -> Bundled[Any]:
        """Like `submit`, but the call may travel merged with its neighbours (see `Bundling`)."""
        future = await self.fill(method, call, bundling=bundling, report=report, durable=durable)
        result: Bundled[Any] = await asyncio.shield(future)
        return result

    def resend(self, call: OutgoingCall, send: Call, future: asyncio.Future[Any]) -> None:
        """Fill the place with a call recorded by an earlier run (its record exists: not recorded again)."""
        self._item.method, self._item.call = call.method, send
        self._outbox.place(self._item, future, call)

    def cancel(self) -> None:
        """Give the place up (the caller failed before knowing its call); no-op once submitted."""
        if self._item.filled is not None and not self._item.filled.is_set():
            self._item.cancelled = True
            self._item.filled.set()
