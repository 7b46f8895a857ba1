"""The cue ledger: every run-of-show cue is claimed in the database before it is posted.

A cue goes claimed -> posted (on time) or late (posted within its grace, after a restart), or missed
(past its grace: reported, not posted unless a chair reposts it: missed -> claimed -> late). The claim
is one INSERT on the primary key, so exactly one claimant wins, across tasks, processes and machines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import cue_ledger as _cues
from bot.adapters.store.upsert import insert_on_conflict
from bot.app.ports.store import CueTimes
from bot.domain.agenda.recovery import LedgerState

# A claim older than this with no outcome belongs to a process that died between claim and post (posting
# takes seconds); the conductor may then take it over, once, and post late rather than lose the cue.
STALE_CLAIM_AFTER = timedelta(minutes=1)


class SqlCueLedger:
    """Claims and outcomes of cues (bot.app.ports.store.CueLedger); the states are the pure core's, so the
    conductor's recovery decisions read the ledger as it is."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def cue_states(self) -> dict[str, LedgerState]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_cues.c.cue_id, _cues.c.state))).all()
        return {row.cue_id: LedgerState(row.state) for row in rows}

    async def posted_times(self) -> dict[str, datetime]:
        # Two columns only: the report reads stores as they are, never migrated (an older one has no due_at).
        async with reading(self._engine) as connection:
            rows = (await connection.execute(
                select(_cues.c.cue_id, _cues.c.posted_at).where(_cues.c.posted_at.is_not(None)))).all()
        return {row.cue_id: row.posted_at for row in rows}

    async def cue_times(self) -> dict[str, CueTimes]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_cues))).all()
        return {row.cue_id: CueTimes(LedgerState(row.state), row.planned_at, row.due_at, row.posted_at)
                for row in rows}

    async def claim_cue(self, cue_id: str, owner: str, now: datetime, *, planned_at: datetime | None = None,
                        due_at: datetime | None = None) -> bool:
        """True for the one caller that now owns the cue: a first claim, or the take-over of a claim with no
        outcome made more than STALE_CLAIM_AFTER ago. `planned_at` and `due_at`: the cue's time in the plan
        and the time it was due once the chairs moved the plan, kept with it.

        Exclusive either way: the take-over moves `claimed_at` to `now`, so a second taker finds a fresh claim.
        """
        return bool(await self.claim_cues([cue_id], owner, now, times={cue_id: (planned_at, due_at)}))

    async def claim_cues(self, cue_ids: Sequence[str], owner: str, now: datetime,
                         times: Mapping[str, tuple[datetime | None, datetime | None]] | None = None) -> set[str]:
        """`claim_cue` for many cues in one transaction (a start reporting a morning's missed cues): the
        ones this caller now owns."""
        if not cue_ids:
            return set()
        times = times or {}
        rows = [{"cue_id": cue_id, "state": LedgerState.CLAIMED, "claimed_by": owner, "claimed_at": now,
                 "posted_at": None, "planned_at": times.get(cue_id, (None, None))[0],
                 "due_at": times.get(cue_id, (None, None))[1]} for cue_id in dict.fromkeys(cue_ids)]
        async with self._engine.begin() as connection:
            insert = insert_on_conflict(connection, _cues).values(rows)
            statement = insert.on_conflict_do_update(
                index_elements=["cue_id"],
                set_={"claimed_by": insert.excluded.claimed_by, "claimed_at": insert.excluded.claimed_at},
                where=(_cues.c.state == LedgerState.CLAIMED) & (_cues.c.claimed_at < now - STALE_CLAIM_AFTER),
            ).returning(_cues.c.cue_id)
            # RETURNING, not rowcount: the PostgreSQL driver reports -1 for INSERTs built by SQLAlchemy.
            return {row.cue_id for row in (await connection.execute(statement)).all()}

    async def reclaim_missed(self, cue_id: str, owner: str, now: datetime) -> bool:
        """A missed cue claimed again (a chair reposts it): one UPDATE on its row, so one claimant wins;
        `mark_cue` then settles it as posted late, and a crash in between leaves an open claim to recover."""
        async with self._engine.begin() as connection:
            statement = (
                update(_cues)
                .where(_cues.c.cue_id == cue_id, _cues.c.state == LedgerState.MISSED)
                .values(state=LedgerState.CLAIMED, claimed_by=owner, claimed_at=now)
                .returning(_cues.c.cue_id)
            )
            return bool((await connection.execute(statement)).all())

    async def mark_cue(self, cue_id: str, state: LedgerState, now: datetime) -> None:
        """Settle an open claim, whoever holds it (the conductor checked leadership before claiming)."""
        await self.mark_cues([cue_id], state, now)

    async def mark_cues(self, cue_ids: Sequence[str], state: LedgerState, now: datetime) -> None:
        """`mark_cue` for many cues in one transaction."""
        if not cue_ids:
            return
        posted_at = now if state in (LedgerState.POSTED, LedgerState.LATE) else None
        async with self._engine.begin() as connection:
            await connection.execute(
                update(_cues)
                .where(_cues.c.cue_id.in_(list(cue_ids)), _cues.c.state == LedgerState.CLAIMED)
                .values(state=state, posted_at=posted_at)
            )
