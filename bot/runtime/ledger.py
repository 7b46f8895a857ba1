"""The conductor's view of the store's cue ledger (bot/store/ledger.py).

A claim left by a process that died between claiming and posting is taken over by the current leader:
posting such a cue late, once, beats losing it (RELIABILITY 10); the takeover is a compare-and-set on the
old owner, so two successors cannot both take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.recovery import LedgerState
from bot.store.ledger import CueLedger, CueState
from bot.store.tables import CueRow


@dataclass
class StoreLedger:
    engine: AsyncEngine
    owner: str

    def __post_init__(self) -> None:
        self.ledger = CueLedger(self.engine)

    async def cue_states(self) -> dict[str, LedgerState]:
        return {record.cue_id: LedgerState(record.state.value) for record in await self.ledger.all()}

    async def claim_cue(self, cue_id: str, owner: str, now: datetime) -> bool:
        if await self.ledger.claim(cue_id, owner, now):
            return True
        record = await self.ledger.get(cue_id)
        if record is None or record.state is not CueState.CLAIMED or record.claimed_by == owner:
            return False
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(CueRow)
                .where(CueRow.cue_id == cue_id, CueRow.state == CueState.CLAIMED,
                       CueRow.claimed_by == record.claimed_by)
                .values(claimed_by=owner, claimed_at=now)
            )
            return bool(result.rowcount == 1)

    async def mark_cue(self, cue_id: str, state: LedgerState, now: datetime) -> None:
        if state is LedgerState.MISSED:
            await self.ledger.mark_missed(cue_id, self.owner, now)
        else:
            await self.ledger.mark_posted(cue_id, self.owner, now, late=state is LedgerState.LATE)
