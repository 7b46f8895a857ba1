"""Durable state: SQLAlchemy 2 (asyncio) on SQLite (default, WAL) or PostgreSQL (several instances).

Start-up: `engine = create_engine(settings.floorbot_database_url)` then `await upgrade_to_head(engine)`.
The schema exists only through the Alembic migrations in bot/adapters/store/migrations. See docs/state.md.
"""

from bot.adapters.store.audit import SqlAuditLog
from bot.adapters.store.engine import create_engine, reading
from bot.adapters.store.floor_lists import FloorLists
from bot.adapters.store.intake import KEEP_SEEN_FOR, InboundEvents
from bot.adapters.store.key_values import SqlKeyValues
from bot.adapters.store.lease import LeaderLease, LeaseRecord
from bot.adapters.store.ledger import SqlCueLedger
from bot.adapters.store.migrate import current_revision, head_revision, upgrade_to_head
from bot.adapters.store.urls import UnsupportedDatabaseError, async_url

__all__ = [
    "KEEP_SEEN_FOR",
    "SqlAuditLog",
    "SqlCueLedger",
    "FloorLists",
    "InboundEvents",
    "SqlKeyValues",
    "LeaderLease",
    "LeaseRecord",
    "UnsupportedDatabaseError",
    "async_url",
    "create_engine",
    "current_revision",
    "head_revision",
    "reading",
    "upgrade_to_head",
]
