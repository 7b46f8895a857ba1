"""The cue ledger: every run-of-show cue is claimed in the database before it is posted.

A cue goes claimed -> posted (on time) or late (posted within its grace, after a restart), or missed
(past its grace: reported, never posted). The claim is one INSERT on the primary key, so exactly one
claimant wins, across tasks, processes and machines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import cue_ledger as _cues
from bot.adapters.store.upsert import insert_on_conflict
from bot.domain.agenda.recovery import LedgerState

# The states are the pure core's, so the conductor's recovery decisions read the ledger as it is.
CueState = LedgerState

# A claim older than this with no outcome belongs to a process that died between claim and post (posting
# takes seconds); the conductor may then take it over, once, and post late rather than lose the cue.
STALE_CLAIM_AFTER = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class CueRecord:
    cue_id: str
    state: CueState
    claimed_by: str
    claimed_at: datetime
    posted_at: datetime | None


class CueLedger:
    """Claims and outcomes of cues."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, cue_id: str, owner: str, now: datetime) -> bool:
        """True for the one caller that now owns the cue; False if anyone (even `owner`) claimed it before."""
        async with self._engine.begin() as connection:
            statement = (
                insert_on_conflict(connection, _cues)
                .values(cue_id=cue_id, state=CueState.CLAIMED, claimed_by=owner, claimed_at=now, posted_at=None)
                .on_conflict_do_nothing(index_elements=["cue_id"])
                .returning(_cues.c.cue_id)
            )
            # RETURNING, not rowcount: the PostgreSQL driver reports -1 for INSERTs built by SQLAlchemy.
            return (await connection.execute(statement)).first() is not None

    async def claim_stale(self, cue_id: str, owner: str, now: datetime, stale_after: timedelta) -> bool:
        """Like `claim`, but also take over a claim with no outcome made before `now - stale_after`.

        Exclusive too: the take-over moves `claimed_at` to `now`, so a second taker finds a fresh claim.
        """
        async with self._engine.begin() as connection:
            insert = insert_on_conflict(connection, _cues).values(
                cue_id=cue_id, state=CueState.CLAIMED, claimed_by=owner, claimed_at=now, posted_at=None
            )
            statement = insert.on_conflict_do_update(
                index_elements=["cue_id"],
                set_={"claimed_by": insert.excluded.claimed_by, "claimed_at": insert.excluded.claimed_at},
                where=(_cues.c.state == CueState.CLAIMED) & (_cues.c.claimed_at < now - stale_after),
            ).returning(_cues.c.cue_id)
            return (await connection.execute(statement)).first() is not None

    async def mark_posted(self, cue_id: str, owner: str, now: datetime, *, late: bool = False) -> bool:
        """Record that the claimant posted the cue. False if `owner` does not hold an open claim on it."""
        return await self._settle(cue_id, owner, CueState.LATE if late else CueState.POSTED, now)

    async def mark_missed(self, cue_id: str, owner: str, now: datetime) -> bool:
        """Record a cue that will not be posted (past its grace). Claims it first if nobody has."""
        await self.claim(cue_id, owner, now)
        return await self._settle(cue_id, owner, CueState.MISSED, None)

    async def _settle(self, cue_id: str, owner: str, state: CueState, posted_at: datetime | None) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(_cues)
                .where(_cues.c.cue_id == cue_id, _cues.c.claimed_by == owner, _cues.c.state == CueState.CLAIMED)
                .values(state=state, posted_at=posted_at)
            )
            return result.rowcount == 1

    # The conductor's view (bot.app.ports.store.CueLedger).

    async def cue_states(self) -> dict[str, LedgerState]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_cues.c.cue_id, _cues.c.state))).all()
        return {row.cue_id: LedgerState(row.state) for row in rows}

    async def claim_cue(self, cue_id: str, owner: str, now: datetime) -> bool:
        return await self.claim_stale(cue_id, owner, now, STALE_CLAIM_AFTER)

    async def mark_cue(self, cue_id: str, state: LedgerState, now: datetime) -> None:
        """Settle an open claim, whoever holds it (the conductor checked leadership before claiming)."""
        posted_at = now if state in (LedgerState.POSTED, LedgerState.LATE) else None
        async with self._engine.begin() as connection:
            await connection.execute(
                update(_cues)
                .where(_cues.c.cue_id == cue_id, _cues.c.state == CueState.CLAIMED)
                .values(state=state, posted_at=posted_at)
            )

    async def get(self, cue_id: str) -> CueRecord | None:
        async with reading(self._engine) as connection:
            row = (await connection.execute(select(_cues).where(_cues.c.cue_id == cue_id))).first()
        return None if row is None else _record(row._mapping)

    async def all(self) -> list[CueRecord]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(select(_cues).order_by(_cues.c.claimed_at, _cues.c.cue_id))).all()
        return [_record(row._mapping) for row in rows]


def _record(mapping: RowMapping) -> CueRecord:
    return CueRecord(
        cue_id=mapping["cue_id"],
        state=CueState(mapping["state"]),
        claimed_by=mapping["claimed_by"],
        claimed_at=mapping["claimed_at"],
        posted_at=mapping["posted_at"],
    )
