"""What the application needs from durable state, declared once; bot/adapters/store implements it (SQLite or
PostgreSQL through SQLAlchemy), bot/testing/memory.py has in-memory versions of the small ones.

- `FloorStore` / `FloorTransaction`: a list of speakers read under its lock, written, its report rows and its
  audit entry, all in one transaction (bot.app.floor runs the rules in between);
- `AuditLog`, `KeyValues`, `SeenEvents` (exactly-once intake), `CueLedger` (what the run of show did),
  `PlanChanges` (the chairs' live changes to the plan), `Lease` (one leader per event);
- `FloorRecords`: the read model of what ran, for the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from bot.domain.agenda.adjustments import Adjustment
from bot.domain.agenda.recovery import LedgerState
from bot.domain.floor.events import FloorEvent
from bot.domain.floor.state import FloorState, Intervention


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the audit log: who did (or was refused) what, to which list, when and why."""

    at: datetime
    actor: str
    verb: str
    target: str
    allowed: bool
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


class AuditLog(Protocol):
    async def append(self, record: AuditRecord) -> None: ...

    async def entries(self, target: str | None = None, limit: int | None = None) -> list[AuditRecord]:
        """Oldest first; optionally only those about one target (a discussion id)."""
        ...


class KeyValues(Protocol):
    """JSON values under (namespace, key): a user's chosen language, an item's Zoom meeting, the runtime's
    place in the event."""

    async def get(self, namespace: str, key: str, default: Any = None) -> Any: ...

    async def set(self, namespace: str, key: str, value: Any, now: datetime) -> None: ...

    async def delete(self, namespace: str, key: str) -> bool: ...

    async def items(self, namespace: str) -> dict[str, Any]: ...


class SeenEvents(Protocol):
    """Exactly-once intake of inbound events."""

    async def seen_before(self, source: str, event_id: str, now: datetime) -> bool:
        """Record the id; True when it was already recorded (atomic: of N concurrent callers, one gets False)."""
        ...


@dataclass(frozen=True, slots=True)
class CueTimes:
    """One cue as the ledger keeps it: where it stands, its time in the plan, the time it was due once the
    chairs moved the plan, and when it was posted (wall times)."""

    state: LedgerState
    planned_at: datetime | None = None
    due_at: datetime | None = None
    posted_at: datetime | None = None


class Inbox(SeenEvents, Protocol):
    """The durable inbox: an inbound event recorded before it is acknowledged, marked done once handled."""

    async def record(self, source: str, event_id: str, payload: dict[str, Any], now: datetime, *,
                     owner: str = "") -> bool:
        """Record the event with what it takes to handle it again, taken in by `owner` (an instance); False
        when it was already recorded."""
        ...

    async def done(self, source: str, event_id: str, now: datetime) -> None: ...

    async def unfinished(self, source: str, *, owner: str = "") -> list[tuple[str, dict[str, Any]]]:
        """(event id, payload) of the events `owner` recorded and did not finish, oldest first."""
        ...

    async def owners_with_unfinished(self) -> list[str]: ...

    async def adopt(self, previous: str, owner: str) -> int:
        """Take over the unfinished events of an instance that is gone. Returns how many."""
        ...

    async def purge(self, now: datetime) -> int:
        """Forget done events old enough that no platform still redelivers them. Returns how many."""
        ...


class PostState(StrEnum):
    PENDING = "pending"  # recorded, not confirmed by the platform
    SENT = "sent"  # confirmed (or found in the channel's history after a crash)
    FAILED = "failed"  # given up on after its retries (and reported)


@dataclass(frozen=True, slots=True)
class OutgoingCall:
    """A platform call as the durable outbox records it: enough to send it again after a crash."""

    key: str  # the post's own key, unique; also carried in the message's metadata
    lane: str  # the order it belongs to (a channel, or one person's private replies)
    method: str
    channel: str
    payload: dict[str, Any]  # the call's arguments
    meta: dict[str, Any] = field(default_factory=dict)  # what the surface does once it is confirmed


@dataclass(frozen=True, slots=True)
class JournalEntry:
    call: OutgoingCall
    state: PostState
    result: dict[str, Any] | None
    owner: str


class PostJournal(Protocol):
    """The durable outbox's records, one per outgoing call (by key)."""

    async def record(self, call: OutgoingCall, owner: str, now: datetime, *,
                     replace: bool = False) -> JournalEntry | None:
        """Record a call about to be queued: None when new; else the entry already recorded under its key
        (`replace`: a newer version of the same call, e.g. a board update, takes the old one's place)."""
        ...

    async def settle(self, keys: Sequence[str], state: PostState, result: dict[str, Any] | None,
                     now: datetime) -> None: ...

    async def unsent(self, owner: str) -> list[JournalEntry]:
        """The owner's calls not confirmed yet, in the order they were recorded."""
        ...

    async def owners_with_unsent(self) -> list[str]: ...

    async def adopt(self, previous: str, owner: str) -> int:
        """Take over the unsent calls of an instance that is gone. Returns how many."""
        ...

    async def purge(self, now: datetime) -> int:
        """Forget settled calls old enough to matter no more. Returns how many."""
        ...


class CueLedger(Protocol):
    """The store's record of what the run of show has done."""

    async def cue_states(self) -> dict[str, LedgerState]: ...

    async def cue_times(self) -> dict[str, CueTimes]: ...

    async def claim_cue(self, cue_id: str, owner: str, now: datetime, *, planned_at: datetime | None = None,
                        due_at: datetime | None = None) -> bool: ...

    async def mark_cue(self, cue_id: str, state: LedgerState, now: datetime) -> None: ...

    # The same for many cues in one transaction (a late start reports a morning's cues at once).
    async def claim_cues(self, cue_ids: Sequence[str], owner: str, now: datetime) -> set[str]: ...

    async def mark_cues(self, cue_ids: Sequence[str], state: LedgerState, now: datetime) -> None: ...

    async def reclaim_missed(self, cue_id: str, owner: str, now: datetime) -> bool:
        """Claim a cue reported missed, for a chair's repost: True for the one caller that now owns it."""
        ...


@runtime_checkable
class PostedTimes(Protocol):
    """When the run of show posted its cues, as the report reads the programme as it ran."""

    async def posted_times(self) -> dict[str, datetime]:
        """cue id -> when it was posted (on time or late); cues not posted are absent."""
        ...


class PlanChanges(Protocol):
    """The chairs' live changes to the plan, in the order they were made."""

    async def adjustments(self) -> list[Adjustment]: ...

    async def append(self, adjustment: Adjustment, actor: str, audit: AuditRecord) -> None:
        """Record a change and its audit entry in one transaction."""
        ...


class Lease(Protocol):
    """Named leases; with several instances exactly one holds a name at a time."""

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool: ...

    async def renew(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool: ...

    async def release(self, name: str, holder: str, now: datetime) -> bool: ...

    async def is_held(self, name: str, holder: str, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class LockedList:
    """A list read under its lock: `state` is None for a discussion never written."""

    discussion_id: str
    state: FloorState | None
    version: int


class FloorTransaction(Protocol):
    """One transaction on the lists of speakers; everything in it commits, or nothing does."""

    async def lock(self, discussion_id: str, now: datetime) -> LockedList:
        """Read a list and hold its lock until the transaction ends (a missing list is created first)."""
        ...

    async def locked_version(self, discussion_id: str) -> int | None:
        """The list's version, read under its lock (None: no such list yet)."""
        ...

    async def try_save(
        self, discussion_id: str, expected_version: int, state: FloorState, now: datetime
    ) -> tuple[int, FloorState] | None:
        """Write the new state if the list is still at `expected_version`, keeping it locked. Returns the new
        version and the state as stored, or None if the list had moved on (nothing written)."""
        ...

    async def save(self, locked: LockedList, state: FloorState, now: datetime) -> tuple[int, FloorState]:
        """Write the new state of a list read by `lock` (its lock is held, so this cannot miss)."""
        ...

    async def record_events(self, discussion_id: str, events: Iterable[FloorEvent], now: datetime) -> None:
        """The report rows an operation's events imply."""
        ...

    async def audit(self, record: AuditRecord) -> None:
        """Append to the audit log, so the entry commits (or not) with the change it records."""
        ...


class FloorStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[FloorTransaction]:
        """A write transaction (on SQLite it takes the database's write lock at once)."""
        ...

    async def state(self, discussion_id: str) -> FloorState | None:
        """The list as committed, None if it was never written."""
        ...

    async def version(self, discussion_id: str) -> int | None:
        """The committed list's row version (a cheap read: is a state held in memory still current?)."""
        ...

    async def versioned(self, discussion_id: str) -> tuple[int, FloorState] | None:
        """The list as committed with its row version, None if it was never written."""
        ...


class RequestStatus(StrEnum):
    """How a request on a list ended (or where it stands): the report rows' vocabulary."""

    WAITING = "waiting"
    SPEAKING = "speaking"
    SPOKEN = "spoken"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"
    UNSERVED = "unserved"
    CARRIED = "carried"


class FloorRecords(Protocol):
    """What ran, as the report reads it."""

    async def state(self, discussion_id: str) -> FloorState | None: ...

    async def request_counts(self) -> dict[str, dict[str, int]]:
        """Per discussion: how many requests are in each `RequestStatus`."""
        ...

    async def history(self) -> list[tuple[str, Intervention]]:
        """Every intervention of every discussion, (discussion id, intervention), in the order they started."""
        ...


__all__ = [
    "AuditLog",
    "AuditRecord",
    "CueLedger",
    "CueTimes",
    "FloorRecords",
    "FloorStore",
    "FloorTransaction",
    "Inbox",
    "JournalEntry",
    "KeyValues",
    "Lease",
    "LockedList",
    "PlanChanges",
    "OutgoingCall",
    "PostJournal",
    "PostState",
    "RequestStatus",
    "SeenEvents",
]
