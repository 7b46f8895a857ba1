"""The floor service: every change to a list of speakers, serialised, authorised, persisted and audited.

`execute(discussion_id, operation, actor, now)` runs in ONE transaction: lock the list, authorise chair
verbs (bot.domain.authz), apply the pure operation (bot.domain.floor.rules), write the new snapshot and the report
rows, append an audit entry (every change, refusal and no-op, except the timer's idle ticks), commit.

The lock: on SQLite every write transaction starts with `BEGIN IMMEDIATE`; on PostgreSQL the list's row is
locked, by `SELECT ... FOR UPDATE` when the snapshot is read, or by the versioned `UPDATE` when this process
already holds the latest snapshot in memory (its version is checked by that UPDATE, or by a versioned
`SELECT ... FOR UPDATE` when nothing changes; stale memory falls back to the full locked read). Either way
no operation is applied to anything but the committed list, and operations on one list happen one after
the other, across tasks, processes and machines. In one process they also queue on an asyncio lock first,
so the waiting happens in Python rather than on database connections.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.app.ports.metrics import Meter, NoMeter
from bot.app.ports.store import AuditRecord, FloorStore, FloorTransaction
from bot.config.model import Schedule
from bot.domain import authz
from bot.domain.authz import Permission
from bot.domain.floor import rules as core
from bot.domain.floor.events import Outcome, Refusal
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.regroup import regroup
from bot.domain.floor.state import FloorState, Participant, RequestKind, Surface
from bot.domain.grammar import Verb

Apply = Callable[[FloorState, datetime, FloorPolicy], Outcome]
# What a transaction decided: the outcome, the list's row version after it, the state as stored (if known).
_Applied = tuple[Outcome, int, FloorState | None]

log = logging.getLogger(__name__)

# Operations the bot runs on its own behalf (the speaker's timer): no person to authorise.
SYSTEM_ACTOR = "system:floorbot"
SYSTEM_VERB_TICK = "tick"


@dataclass(frozen=True)
class FloorOp:
    """One operation on a list: its verb (what authorisation and the audit log see) and the pure function.

    Build them with the functions below (`request_op`, `next_op`, ...)."""

    verb: str
    apply: Apply
    details: Mapping[str, Any] = field(default_factory=dict)


class Authorizer(Protocol):
    def __call__(self, actor: str, verb: str, discussion_id: str) -> Permission: ...


def allow_everyone(actor: str, verb: str, discussion_id: str) -> Permission:
    """For tests and tools without a schedule: every verb allowed (still audited). Never a default: a
    forgotten `authorize` must fail loudly, not hand every chair verb to everyone."""
    return Permission(True, "floor.authz.anyone")


def schedule_authorizer(schedule: Schedule) -> Authorizer:
    """Chair verbs for the discussion's chairs and the event's organisers (discussion id = item id)."""

    def check(actor: str, verb: str, discussion_id: str) -> Permission:
        try:
            item = schedule.item(discussion_id)
        except KeyError:
            item = None
        return authz.authorize(actor, verb, item, schedule)

    return check


def schedule_policy(schedule: Schedule) -> Callable[[str], FloorPolicy]:
    policy = FloorPolicy.from_schedule(schedule.floor)
    return lambda _discussion_id: policy


class SnapshotCache:
    """The lists one process last committed, with their row versions.

    A cached state is only trusted once the store confirms its version under the list's lock (see
    `FloorService._on_cached`): another process writing the list just turns it into a miss. It saves reading
    and decoding the snapshot, the biggest cost of an operation after the commit itself.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, FloorState]] = {}

    def latest(self, discussion_id: str) -> tuple[int, FloorState] | None:
        return self._entries.get(discussion_id)

    def put(self, discussion_id: str, version: int, state: FloorState) -> None:
        self._entries[discussion_id] = (version, state)

    def offer(self, discussion_id: str, version: int, state: FloorState) -> None:
        """Keep a state read outside the lock, unless a newer one was committed meanwhile."""
        held = self._entries.get(discussion_id)
        if held is None or held[0] < version:
            self._entries[discussion_id] = (version, state)

    def forget(self, discussion_id: str) -> None:
        self._entries.pop(discussion_id, None)


class FloorService:
    """Runs operations on lists of speakers, one list at a time."""

    def __init__(
        self,
        store: FloorStore,
        *,
        authorize: Authorizer,
        policy_for: Callable[[str], FloorPolicy] = lambda _discussion_id: FloorPolicy(),
        meter: Meter | None = None,
    ) -> None:
        self._meter = meter or NoMeter()
        self._store = store
        self._authorize = authorize
        self._policy_for = policy_for
        self._local_locks: dict[str, asyncio.Lock] = {}
        self._cache = SnapshotCache()
        self._version_reads: dict[str, asyncio.Future[int | None]] = {}

    async def execute(self, discussion_id: str, operation: FloorOp, actor: str, now: datetime) -> Outcome:
        """Apply `operation` by `actor` at `now`; the outcome is also what was committed."""
        decision = self._decide(actor, operation.verb, discussion_id)
        policy = self._policy_for(discussion_id)

        def apply(state: FloorState) -> Outcome:
            if not decision.allowed:
                return Outcome(state, refusal=Refusal(decision.reason_key))
            return operation.apply(state, now, policy)

        lock = self._local_locks.setdefault(discussion_id, asyncio.Lock())
        async with lock:
            async with self._store.transaction() as transaction:
                done = await self._on_cached(transaction, discussion_id, apply, now)
                if done is None:
                    done = await self._on_locked_read(transaction, discussion_id, apply, now)
                outcome, version, stored = done
                if outcome.changed:
                    await transaction.record_events(discussion_id, outcome.events, now)
                # Everything people do is audited, no-ops included ("I asked twice"); the bot's own timer
                # is audited when it changes something, not on each tick that finds nothing due.
                if outcome.changed or actor != SYSTEM_ACTOR:
                    record = _audit_record(discussion_id, operation, actor, now, decision, outcome, version)
                    await transaction.audit(record)
            # Only once committed: a rolled-back change must not be remembered.
            if stored is not None:
                self._cache.put(discussion_id, version, stored)
        result, reason = _result_of(outcome, decision)
        if result == "refused":
            log.info("refused %s by %s on %s: %s", operation.verb, actor, discussion_id, reason)
        if actor != SYSTEM_ACTOR or outcome.changed:  # not the timer's idle ticks
            self._meter.floor_operation(operation.verb, result, discussion_id, len(outcome.state.pending))
        return outcome

    async def _on_cached(
        self, transaction: FloorTransaction, discussion_id: str, apply: Callable[[FloorState], Outcome],
        now: datetime,
    ) -> _Applied | None:
        """The fast path: apply to the state this process last committed, and let the database confirm it
        is still current while taking the lock: the versioned UPDATE for a change, a versioned read
        FOR UPDATE otherwise. None when there is no cached state or it is stale (nothing written)."""
        cached = self._cache.latest(discussion_id)
        if cached is None:
            return None
        version, state = cached
        outcome = apply(state)
        if outcome.changed:
            saved = await transaction.try_save(discussion_id, version, outcome.state, now)
            if saved is None:
                self._cache.forget(discussion_id)
                return None
            return outcome, saved[0], saved[1]
        if await transaction.locked_version(discussion_id) != version:
            self._cache.forget(discussion_id)
            return None
        return outcome, version, state

    async def _on_locked_read(
        self, transaction: FloorTransaction, discussion_id: str, apply: Callable[[FloorState], Outcome],
        now: datetime,
    ) -> _Applied:
        """The safe path: read the snapshot under the lock (SELECT ... FOR UPDATE), apply, write."""
        locked = await transaction.lock(discussion_id, now)
        outcome = apply(locked.state if locked.state is not None else FloorState(discussion=discussion_id))
        if outcome.changed:
            version, stored = await transaction.save(locked, outcome.state, now)
            return outcome, version, stored
        return outcome, locked.version, locked.state

    async def state(self, discussion_id: str) -> FloorState:
        """The list as committed (a fresh empty list if it was never written). While the committed version
        is the one held in memory, that same state object is returned: nothing decoded, and what is derived
        from it once per list version (the order, the console's view) is not derived again."""
        cached = self._cache.latest(discussion_id)
        if cached is not None and await self._committed_version(discussion_id) == cached[0]:
            return cached[1]
        held = await self._store.versioned(discussion_id)
        if held is None:
            return FloorState(discussion=discussion_id)
        self._cache.offer(discussion_id, *held)
        return held[1]

    async def _committed_version(self, discussion_id: str) -> int | None:
        """The committed version, one read at a time per list: the 200 pages that fetch the state after a change
        share the read in flight (one that began before a commit may miss it, as any read racing a commit may)."""
        flight = self._version_reads.get(discussion_id)
        if flight is None:
            flight = asyncio.ensure_future(self._store.version(discussion_id))
            self._version_reads[discussion_id] = flight
            flight.add_done_callback(lambda _: self._version_reads.pop(discussion_id, None))
        return await asyncio.shield(flight)

    def _decide(self, actor: str, verb: str, discussion_id: str) -> Permission:
        if verb == SYSTEM_VERB_TICK:
            # The timer is the bot's own clock work; nobody else can ask for it.
            return Permission(
                actor == SYSTEM_ACTOR, "floor.authz.system" if actor == SYSTEM_ACTOR else "floor.authz.unknown_verb"
            )
        return self._authorize(actor, verb, discussion_id)


def _result_of(outcome: Outcome, decision: Permission) -> tuple[str, str]:
    """(changed | noop | refused, why): what the audit log and the meter record of an operation."""
    if outcome.refusal is not None:
        return "refused", outcome.refusal.reason_key
    if outcome.noop_reason is not None:
        return "noop", outcome.noop_reason
    return "changed", decision.reason_key


def _audit_record(
    discussion_id: str,
    operation: FloorOp,
    actor: str,
    now: datetime,
    decision: Permission,
    outcome: Outcome,
    version: int,
) -> AuditRecord:
    result, reason = _result_of(outcome, decision)
    return AuditRecord(
        at=now,
        actor=actor,
        verb=operation.verb,
        target=discussion_id,
        allowed=decision.allowed,
        reason=reason,
        details={
            **operation.details,
            "result": result,
            "authz": decision.reason_key,
            "events": [event.name for event in outcome.events],
            "version": version,
        },
    )


# ---------------------------------------------------------------- operations


def request_op(
    participant: Participant,
    kind: RequestKind = RequestKind.NEW,
    *,
    note: str | None = None,
    source: Surface = Surface.WEB,
    made_at: datetime | None = None,
) -> FloorOp:
    """A request made at `made_at` (the platform's time, see bot.app.places.made_at), else when applied."""
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.request(state, participant, kind, now, policy, note=note, source=source, made_at=made_at)

    return FloorOp(Verb.REQUEST, apply, {"person": participant.person, "kind": kind.value})


def regroup_op(participant: Participant) -> FloorOp:
    """The person's listed requests take the group they now say they belong to (`participant.group`)."""
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return regroup(state, participant, now, policy)

    return FloorOp(Verb.GROUP, apply, {"person": participant.person, "group": participant.group})


def withdraw_op(person: str, kind: RequestKind | None = None) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.withdraw(state, person, now, policy, kind=kind)

    return FloorOp(Verb.WITHDRAW, apply, {"person": person, "kind": kind.value if kind else None})


def next_op(present: frozenset[str] | None = None) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.next_speaker(state, now, policy, present=present)

    return FloorOp(Verb.NEXT, apply)


def give_op(participant: Participant, kind: RequestKind = RequestKind.NEW, source: Surface = Surface.WEB) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.give(state, participant, now, policy, kind=kind, source=source)

    return FloorOp(Verb.GIVE, apply, {"person": participant.person})


def skip_op(present: frozenset[str] | None = None) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.skip(state, now, policy, present=present)

    return FloorOp(Verb.SKIP, apply)


def remove_op(person: str) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.remove(state, person, now, policy)

    return FloorOp(Verb.REMOVE, apply, {"person": person})


def move_op(request_id: str, to_position: int) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.move(state, request_id, to_position, now, policy)

    return FloorOp(Verb.MOVE, apply, {"request": request_id, "position": to_position})


def close_op() -> FloorOp:
    return FloorOp(Verb.CLOSE, core.close)


def open_op() -> FloorOp:
    return FloorOp(Verb.OPEN, core.reopen)


def extend_op(by: timedelta) -> FloorOp:
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        return core.extend(state, by, now, policy)

    return FloorOp(Verb.EXTEND, apply, {"seconds": by.total_seconds()})


def stop_op() -> FloorOp:
    return FloorOp(Verb.STOP, core.stop)


def tick_op() -> FloorOp:
    """Warnings and expiry of the current speaker's time; run as SYSTEM_ACTOR."""
    return FloorOp(SYSTEM_VERB_TICK, core.tick)


__all__ = [
    "SYSTEM_ACTOR",
    "Authorizer",
    "FloorOp",
    "FloorService",
    "allow_everyone",
    "close_op",
    "extend_op",
    "give_op",
    "move_op",
    "next_op",
    "open_op",
    "regroup_op",
    "remove_op",
    "request_op",
    "schedule_authorizer",
    "schedule_policy",
    "skip_op",
    "stop_op",
    "tick_op",
    "withdraw_op",
]
