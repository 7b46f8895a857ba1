"""The store's adapters over one database, opened together: what the composition root and the read-only
commands (report, inputs) share."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.audit import SqlAuditLog
from bot.adapters.store.engine import create_engine
from bot.adapters.store.floor_lists import FloorLists
from bot.adapters.store.inputs import SqlInputStore, inputs_folder
from bot.adapters.store.intake import InboundEvents
from bot.adapters.store.journal import SqlPostJournal
from bot.adapters.store.key_values import SqlKeyValues
from bot.adapters.store.lease import LeaderLease
from bot.adapters.store.ledger import SqlCueLedger
from bot.adapters.store.migrate import upgrade_to_head
from bot.adapters.store.plan_changes import SqlPlanChanges
from bot.adapters.store.revocations import SqlRevocations


@dataclass
class Store:
    """The store's adapters over one database, each behind its port (bot.app.ports.store)."""

    db: AsyncEngine
    floor: FloorLists
    kv: SqlKeyValues
    seen: InboundEvents
    ledger: SqlCueLedger
    audit: SqlAuditLog
    lease: LeaderLease
    revocations: SqlRevocations
    inputs: SqlInputStore
    plan_changes: SqlPlanChanges
    journal: SqlPostJournal

    async def close(self) -> None:
        await self.db.dispose()


async def open_store(url: str, inputs_dir: str | None = None, *, read_only: bool = False) -> Store:
    """The database at `url`, migrated to the latest schema; `read_only` (the report) opens it as it is, never
    created, migrated or written (bot.adapters.store.engine.StoreMissingError when a SQLite file is not there).
    Written inputs' files go to `inputs_dir` (default: beside the SQLite file)."""
    db = create_engine(url, read_only=read_only)
    if not read_only:
        await upgrade_to_head(db)
    return Store(db, FloorLists(db), SqlKeyValues(db), InboundEvents(db), SqlCueLedger(db), SqlAuditLog(db),
                 LeaderLease(db), SqlRevocations(db), SqlInputStore(db, inputs_folder(url, inputs_dir)),
                 SqlPlanChanges(db), SqlPostJournal(db))
