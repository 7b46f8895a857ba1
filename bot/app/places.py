"""The one sequencer: each inbound event's place in its channel's order, taken at the edge before any await.

A surface calls `Places.take(surface, channel)` synchronously as the platform hands it an event (Slack's
listener, the console's request handler), so places follow arrival order whatever the lookups, the store
and the translator do afterwards. Downstream, a stage that must keep that order (the floor, each language's
copies) waits for `turn(stage)`: every earlier place of the channel has passed the stage. A place passes a
stage when its event is done with it (`release(stage)`) or done altogether (`release_all()`, also for an
event dropped as a duplicate). The wait is bounded: order is worth a short wait, not a stuck channel. An
earlier event still at the edge (a user lookup that hangs) holds the next ones at most ORDER_WAIT_SECONDS;
one that has reached the dispatcher (`arrive()`) is bounded by its own deadlines (a translation's is about
20 s), so it is waited for up to STAGE_WAIT_SECONDS: a slow translation is never overtaken.

Across channels and surfaces the list of speakers is ordered by when each request was made (`made_at`, taken
at the edge with the place), not by when the floor got to it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# How long a stage waits for the earlier events of its channel (a hung lookup holds the next at most this long).
ORDER_WAIT_SECONDS = 5.0
STAGE_WAIT_SECONDS = 60.0
FLOOR_STAGE = "floor"  # the list of speakers; the relay's stages are the target languages
# How far back a platform's own timestamp is believed: Slack redelivers an event after about 1 and 5 minutes.
MAX_LATENESS = timedelta(minutes=10)


def made_at(claimed: datetime | None, received: datetime) -> datetime:
    """When an event was made, for the order of the list: the platform's own timestamp (Slack's message `ts`,
    Zoom's `event_ts`), so a late redelivery or a slow handler keeps its place; the receipt time when it has
    none (a slash command, a console click). Never after the receipt: a clock running ahead or a far-future
    stamp cannot take a place ahead of requests already made; never more than MAX_LATENESS before it."""
    if claimed is None:
        return received
    return min(received, max(claimed, received - MAX_LATENESS))


@dataclass(eq=False)
class _Line:
    """One channel's order: which places passed which stage, compacted below `floor` (all passed all)."""

    taken: int = 0
    floor: int = 0  # every place numbered below this has passed every stage
    done: set[int] = field(default_factory=set)  # released altogether, above `floor`
    arrived: set[int] = field(default_factory=set)  # reached the dispatcher, above `floor`
    passed: dict[str, set[int]] = field(default_factory=dict)  # stage -> places above `floor` past it
    waiters: list[tuple[str, int, asyncio.Future[None]]] = field(default_factory=list)

    def reached(self, stage: str) -> int:
        """The first place that has not passed `stage` (every place before it has)."""
        passed = self.passed.get(stage, set())
        n = self.floor
        while n in self.done or n in passed:
            n += 1
        return n

    def holders_arrived(self, stage: str, n: int) -> bool:
        """Whether every earlier place that still holds `stage` for place `n` has reached the dispatcher."""
        passed = self.passed.get(stage, set())
        return all(m in self.arrived for m in range(self.floor, n) if m not in self.done and m not in passed)

    def settle(self) -> None:
        while self.floor in self.done:
            self.done.discard(self.floor)
            self.arrived.discard(self.floor)
            for places in self.passed.values():
                places.discard(self.floor)
            self.floor += 1
        waiting = []
        for stage, n, future in self.waiters:
            if future.done():
                continue
            if self.reached(stage) >= n:
                future.set_result(None)
            else:
                waiting.append((stage, n, future))
        self.waiters = waiting


class Place:
    """An inbound event's place: number `n` in the order of one (surface, channel)."""

    def __init__(self, line: _Line, n: int) -> None:
        self._line = line
        self.n = n

    def __repr__(self) -> str:
        return f"Place({self.n})"

    def arrive(self) -> None:
        """The event has reached the dispatcher: later events wait for its stages past the edge's bound."""
        if self.n >= self._line.floor:
            self._line.arrived.add(self.n)

    async def turn(self, stage: str, *, wait: float = ORDER_WAIT_SECONDS,
                   arrived_wait: float = STAGE_WAIT_SECONDS) -> None:
        """Return once every earlier place of the channel has passed `stage`, or when the wait is over:
        `wait` seconds while one of them is still at the edge, `arrived_wait` once all have arrived."""
        line = self._line
        if line.reached(stage) >= self.n:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.waiters.append((stage, self.n, future))
        try:
            done, _ = await asyncio.wait({future}, timeout=wait)
            if not done and line.holders_arrived(stage, self.n):
                await asyncio.wait({future}, timeout=arrived_wait)
        finally:
            future.cancel()  # no-op once resolved; otherwise the line forgets this waiter

    def release(self, stage: str) -> None:
        """This event is done with `stage`: later events may pass it."""
        if self.n >= self._line.floor:
            self._line.passed.setdefault(stage, set()).add(self.n)
            self._line.settle()

    def release_all(self) -> None:
        """This event is done (handled, dropped, or failed): it holds no stage any more. Idempotent."""
        if self.n >= self._line.floor:
            self._line.done.add(self.n)
            self._line.settle()


class Places:
    """Hands out places per (surface, channel). One per surface; the edge calls `take` before any await."""

    def __init__(self) -> None:
        self._lines: dict[tuple[str, str], _Line] = {}

    def take(self, surface: str, channel: str) -> Place:
        line = self._lines.setdefault((surface, channel), _Line())
        place = Place(line, line.taken)
        line.taken += 1
        return place
