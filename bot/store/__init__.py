"""Durable state: SQLAlchemy 2 (asyncio) on SQLite (default, WAL) or PostgreSQL (several instances).

Start-up: `engine = create_engine(settings.floorbot_database_url)` then `await upgrade_to_head(engine)`.
The schema exists only through the Alembic migrations in bot/store/migrations. See docs/state.md.
"""

from bot.store.audit import AuditLog, AuditRecord
from bot.store.engine import create_engine, reading
from bot.store.floor_lists import FloorLists
from bot.store.intake import KEEP_SEEN_FOR, InboundEvents
from bot.store.key_values import KeyValues
from bot.store.lease import LeaderLease, LeaseRecord
from bot.store.ledger import CueLedger, CueRecord, CueState
from bot.store.migrate import current_revision, head_revision, upgrade_to_head
from bot.store.urls import UnsupportedDatabaseError, async_url

__all__ = [
    "KEEP_SEEN_FOR",
    "AuditLog",
    "AuditRecord",
    "CueLedger",
    "CueRecord",
    "CueState",
    "FloorLists",
    "InboundEvents",
    "KeyValues",
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
