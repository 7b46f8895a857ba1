"""The cue ledger's rows as stored, for tests that check who won a claim and when a cue was posted (the
product reads only the states, through `CueLedger.cue_states`)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import cue_ledger
from bot.domain.agenda.recovery import LedgerState


class LedgerRow(NamedTuple):
    state: LedgerState
    claimed_by: str
    posted_at: datetime | None


async def ledger_rows(engine: AsyncEngine) -> dict[str, LedgerRow]:
    async with reading(engine) as connection:
        rows = (await connection.execute(select(cue_ledger))).all()
    return {row.cue_id: LedgerRow(LedgerState(row.state), row.claimed_by, row.posted_at) for row in rows}
