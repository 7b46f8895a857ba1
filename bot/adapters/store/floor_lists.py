"""Lists of speakers in the database: the FloorState snapshot under a row lock, plus report rows.

The snapshot is the source of truth for the list; `floor_requests` and `floor_interventions` are written
alongside it, in the same transaction, from the operation's domain events, for reports and dashboards.

Snapshot size stays bounded: the full history of interventions lives in `floor_interventions`; the
snapshot keeps only each stakeholder group's latest intervention, which is all the ordering policies read
(the balanced order asks "when was this group last heard?"). So a list's every operation costs the same
on the first day and on the last.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.adapters.store.audit import write_audit
from bot.adapters.store.engine import reading
from bot.adapters.store.floor_codec import state_from_json, state_to_text
from bot.adapters.store.tables import floor_interventions, floor_lists, floor_requests
from bot.adapters.store.upsert import insert_on_conflict
from bot.app.ports.store import AuditRecord, LockedList, RequestStatus
from bot.config.model import NOT_STATED
from bot.domain.floor.events import (
    FloorEvent,
    FloorGiven,
    FloorRequested,
    RequestCarried,
    RequestRegrouped,
    RequestRemoved,
    RequestUnserved,
    RequestWithdrawn,
    TimerStopped,
)
from bot.domain.floor.state import FloorState, Intervention, Request, RequestKind, Surface


class ConcurrentUpdateError(RuntimeError):
    """The list changed under us: someone wrote it without holding its lock. Never expected; never hidden."""


def compact(state: FloorState) -> FloorState:
    """The state to snapshot: interventions trimmed to each group's latest (see the module docstring)."""
    latest: dict[str, Intervention] = {}
    for done in state.interventions:
        kept = latest.get(done.group)
        if kept is None or done.start >= kept.start:
            latest[done.group] = done
    if len(latest) == len(state.interventions):
        return state
    return replace(state, interventions=tuple(sorted(latest.values(), key=lambda i: (i.start, i.request_id))))


def dump_snapshot(state: FloorState) -> str:
    return state_to_text(compact(state))


def load_snapshot(text: str) -> FloorState:
    return state_from_json(json.loads(text))


# Built once: the hot path passes plain parameters instead of building (and cache-keying) statements.
_LOCK = (
    select(floor_lists.c.snapshot, floor_lists.c.version)
    .where(floor_lists.c.discussion_id == bindparam("d_id"))
    .with_for_update()
)
_LOCK_VERSION = select(floor_lists.c.version).where(floor_lists.c.discussion_id == bindparam("d_id")).with_for_update()
_SAVE = (
    update(floor_lists)
    .where(floor_lists.c.discussion_id == bindparam("d_id"), floor_lists.c.version == bindparam("old_version"))
    .values(snapshot=bindparam("snapshot"), version=bindparam("new_version"), updated_at=bindparam("at"))
)
_INSERT_REQUESTS = insert(floor_requests)


async def lock_list(connection: AsyncConnection, discussion_id: str, now: datetime) -> LockedList:
    """Read a list and hold its lock until the transaction ends (PostgreSQL: the row, FOR UPDATE;
    SQLite: the whole database, taken at BEGIN IMMEDIATE). A missing row is created first, so that two
    first operations on a new list also queue on the lock instead of racing to insert."""
    row = (await connection.execute(_LOCK, {"d_id": discussion_id})).first()
    if row is None:
        await connection.execute(
            insert_on_conflict(connection, floor_lists)
            .values(discussion_id=discussion_id, snapshot=None, version=0, updated_at=now)
            .on_conflict_do_nothing(index_elements=["discussion_id"])
        )
        row = (await connection.execute(_LOCK, {"d_id": discussion_id})).one()
    return LockedList(discussion_id, None if row.snapshot is None else load_snapshot(row.snapshot), row.version)


async def locked_version(connection: AsyncConnection, discussion_id: str) -> int | None:
    """The list's version, read under its lock (None: no such list yet)."""
    version: int | None = await connection.scalar(_LOCK_VERSION, {"d_id": discussion_id})
    return version


async def try_save(
    connection: AsyncConnection, discussion_id: str, expected_version: int, state: FloorState, now: datetime
) -> tuple[int, FloorState] | None:
    """Write the new snapshot if the list is still at `expected_version`, and keep it locked (the UPDATE
    takes the row lock on PostgreSQL; SQLite's is held since BEGIN IMMEDIATE). Returns the new version
    and the state as stored, or None if the list had moved on (nothing written)."""
    version = expected_version + 1
    stored = compact(state)
    result = await connection.execute(
        _SAVE,
        {
            "d_id": discussion_id,
            "old_version": expected_version,
            "snapshot": dump_snapshot(stored),
            "new_version": version,
            "at": now,
        },
    )
    return (version, stored) if result.rowcount == 1 else None


async def save_list(
    connection: AsyncConnection, locked: LockedList, state: FloorState, now: datetime
) -> tuple[int, FloorState]:
    """Write the new snapshot of a list read by `lock_list` (its lock is held, so this cannot miss)."""
    saved = await try_save(connection, locked.discussion_id, locked.version, state, now)
    if saved is None:
        raise ConcurrentUpdateError(f"list {locked.discussion_id!r} changed while locked")
    return saved


_ONE_REQUEST = update(floor_requests).where(
    floor_requests.c.discussion_id == bindparam("d_id"),
    floor_requests.c.request_id == bindparam("r_id"),
)
_STATUS_UPDATE = _ONE_REQUEST.values(status=bindparam("status"), updated_at=bindparam("at"))
_DETAILS_UPDATE = _ONE_REQUEST.values(details=bindparam("details"), updated_at=bindparam("at"))


async def record_events(
    connection: AsyncConnection, discussion_id: str, events: Iterable[FloorEvent], now: datetime
) -> None:
    """Write the report rows an operation's events imply, in the caller's transaction."""
    new_requests: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    interventions: list[dict[str, Any]] = []
    regrouped: list[dict[str, Any]] = []

    def status(request: Request, value: str) -> None:
        statuses.append({"d_id": discussion_id, "r_id": request.id, "status": value, "at": now})

    for event in events:
        if isinstance(event, FloorRequested):
            new_requests.append(_request_row(discussion_id, event.request, now))
        elif isinstance(event, FloorGiven):
            status(event.request, RequestStatus.SPEAKING)
        elif isinstance(event, TimerStopped):
            done = event.intervention
            statuses.append({"d_id": discussion_id, "r_id": done.request_id, "status": RequestStatus.SPOKEN, "at": now})
            interventions.append(_intervention_row(discussion_id, done))
        elif isinstance(event, RequestWithdrawn):
            status(event.request, RequestStatus.WITHDRAWN)
        elif isinstance(event, RequestRemoved):
            status(event.request, RequestStatus.REMOVED)
        elif isinstance(event, RequestUnserved):
            status(event.request, RequestStatus.UNSERVED)
        elif isinstance(event, RequestCarried):
            status(event.request, RequestStatus.CARRIED)
        elif isinstance(event, RequestRegrouped):  # the report counts the request where its person now is
            details = _request_row(discussion_id, event.request, now)["details"]
            regrouped.append({"d_id": discussion_id, "r_id": event.request.id, "details": details, "at": now})
    if new_requests:
        await connection.execute(_INSERT_REQUESTS, new_requests)
    if regrouped:
        await connection.execute(_DETAILS_UPDATE, regrouped)
    if statuses:
        # One round trip; executemany keeps the order, so the last status of a request wins.
        await connection.execute(_STATUS_UPDATE, statuses)
    if interventions:
        await connection.execute(
            insert_on_conflict(connection, floor_interventions).on_conflict_do_nothing(
                index_elements=["discussion_id", "intervention_id"]
            ),
            interventions,
        )


def _request_row(discussion_id: str, request: Request, now: datetime) -> dict[str, Any]:
    p = request.participant
    return {
        "discussion_id": discussion_id,
        "request_id": request.id,
        "participant_id": p.person,
        "kind": request.kind.value,
        "status": RequestStatus.WAITING,
        "requested_at": request.at,
        "updated_at": now,
        "details": {
            "name": p.name,
            "group": p.group,
            "language": p.language,
            "source": request.source.value,
            "note": request.note,
        },
    }


def _intervention_row(discussion_id: str, done: Intervention) -> dict[str, Any]:
    return {
        "discussion_id": discussion_id,
        "intervention_id": done.request_id,
        "participant_id": done.person,
        "kind": done.kind.value,
        "started_at": done.start,
        "ended_at": done.end,
        "details": {
            "name": done.name,
            "group": done.group,
            "language": done.language,
            "source": done.source.value,
            "duration_us": done.duration // timedelta(microseconds=1),
        },
    }


class _Transaction:
    """bot.app.ports.store.FloorTransaction on one connection inside `engine.begin()`."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def lock(self, discussion_id: str, now: datetime) -> LockedList:
        return await lock_list(self._connection, discussion_id, now)

    async def locked_version(self, discussion_id: str) -> int | None:
        return await locked_version(self._connection, discussion_id)

    async def try_save(
        self, discussion_id: str, expected_version: int, state: FloorState, now: datetime
    ) -> tuple[int, FloorState] | None:
        return await try_save(self._connection, discussion_id, expected_version, state, now)

    async def save(self, locked: LockedList, state: FloorState, now: datetime) -> tuple[int, FloorState]:
        return await save_list(self._connection, locked, state, now)

    async def record_events(self, discussion_id: str, events: Iterable[FloorEvent], now: datetime) -> None:
        await record_events(self._connection, discussion_id, events, now)

    async def audit(self, record: AuditRecord) -> None:
        await write_audit(self._connection, record)


class FloorLists:
    """The lists of speakers in the database: bot.app.ports.store.FloorStore (writes, through bot.app.floor)
    and FloorRecords (what the report reads), plus read-only views for tools and tests."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Transaction]:
        async with self._engine.begin() as connection:
            yield _Transaction(connection)

    async def state(self, discussion_id: str) -> FloorState | None:
        held = await self.versioned(discussion_id)
        return None if held is None else held[1]

    async def version(self, discussion_id: str) -> int | None:
        async with reading(self._engine) as connection:
            version: int | None = await connection.scalar(
                select(floor_lists.c.version).where(floor_lists.c.discussion_id == discussion_id)
            )
        return version

    async def versioned(self, discussion_id: str) -> tuple[int, FloorState] | None:
        async with reading(self._engine) as connection:
            query = select(floor_lists.c.version, floor_lists.c.snapshot)
            row = (await connection.execute(query.where(floor_lists.c.discussion_id == discussion_id))).first()
        return None if row is None or row.snapshot is None else (row.version, load_snapshot(row.snapshot))

    async def requests(self, discussion_id: str) -> list[dict[str, Any]]:
        """Every request ever made on the list, oldest first, with its last status."""
        async with reading(self._engine) as connection:
            rows = (
                await connection.execute(
                    select(floor_requests)
                    .where(floor_requests.c.discussion_id == discussion_id)
                    .order_by(floor_requests.c.requested_at, floor_requests.c.request_id)
                )
            ).all()
        return [dict(row._mapping) for row in rows]

    async def interventions(self, discussion_id: str | None = None) -> list[dict[str, Any]]:
        """Interventions in the order they started (all discussions unless one is named)."""
        query = select(floor_interventions).order_by(
            floor_interventions.c.started_at, floor_interventions.c.intervention_id
        )
        if discussion_id is not None:
            query = query.where(floor_interventions.c.discussion_id == discussion_id)
        async with reading(self._engine) as connection:
            rows = (await connection.execute(query)).all()
        return [dict(row._mapping) for row in rows]

    async def history(self) -> list[tuple[str, Intervention]]:
        return [(str(row["discussion_id"]), _intervention(row)) for row in await self.interventions()]

    async def request_counts(self) -> dict[str, dict[str, int]]:
        query = select(floor_requests.c.discussion_id, floor_requests.c.status, func.count()).group_by(
            floor_requests.c.discussion_id, floor_requests.c.status
        )
        async with reading(self._engine) as connection:
            rows = (await connection.execute(query)).all()
        by_status: dict[str, dict[str, int]] = {}
        for discussion, status, count in rows:
            by_status.setdefault(str(discussion), {})[str(status)] = int(count)
        return by_status


def _intervention(row: Mapping[str, Any]) -> Intervention:
    details = row["details"]
    end = row["ended_at"] or row["started_at"]
    measured = (end - row["started_at"]) // timedelta(microseconds=1)
    return Intervention(
        person=row["participant_id"],
        name=details.get("name", row["participant_id"]),
        group=details.get("group", NOT_STATED),  # never a silent default: the report says "not stated"
        language=details.get("language", "en"),
        kind=RequestKind(row["kind"]),
        source=Surface(details.get("source", "web")),
        start=row["started_at"],
        end=end,
        duration=timedelta(microseconds=int(details.get("duration_us", measured))),
        request_id=row["intervention_id"],
    )
