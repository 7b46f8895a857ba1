"""The schema, as ORM metadata. Alembic migrations create it; a test proves they produce exactly this."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no zone-aware type: values are stored as naive UTC text (which sorts and compares correctly
    in SQL) and re-tagged as UTC when read. Naive values are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store only accepts aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime()}


class FloorListRow(Base):
    """One list of speakers: the pure core's FloorState as a JSON snapshot, and an optimistic version."""

    __tablename__ = "floor_lists"

    discussion_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    snapshot: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class FloorRequestRow(Base):
    """A request for the floor, normalised for reports; the snapshot stays the source of truth."""

    __tablename__ = "floor_requests"

    discussion_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    requested_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index(None, "discussion_id", "participant_id"),)


class InterventionRow(Base):
    """Someone had the floor: who, when, for how long. What the intervention report is built from."""

    __tablename__ = "floor_interventions"

    discussion_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    intervention_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index(None, "started_at"),)


class AuditRow(Base):
    """Every change and every refusal: who tried what, on what, when, and why it was allowed or not."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    verb: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(200))
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index(None, "target", "at"),)


class InboundEventRow(Base):
    """An inbound event taken in (Slack event_id, Zoom delivery id): exactly-once intake, and the durable inbox.
    `payload` is what the surface needs to handle it again after a crash; `done_at` is set once handled;
    `owner` is the instance that took it in (another takes it over if that one is gone)."""

    __tablename__ = "inbound_events"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_seen_at: Mapped[datetime]
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    done_at: Mapped[datetime | None]
    owner: Mapped[str | None] = mapped_column(String(200))  # the instance handling it

    __table_args__ = (Index(None, "first_seen_at"), Index(None, "done_at"))


class OutboundPostRow(Base):
    """The durable outbox: a platform call recorded before it is sent, confirmed with the platform's answer.
    `key` is the post's own key (also in the message's metadata, so a resend can tell it already went out);
    `owner` is the instance that sends it; `seq` keeps the order of a lane on resend."""

    __tablename__ = "outbound_posts"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    owner: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20))  # pending | sent | failed
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    settled_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "state", "owner"),)


class CueRow(Base):
    """The run-of-show ledger: a cue is claimed in the database before it is posted."""

    __tablename__ = "cue_ledger"

    cue_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    claimed_by: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    planned_at: Mapped[datetime | None]  # the cue's time in the plan (wall time) ...
    due_at: Mapped[datetime | None]  # ... and the time it was due once the chairs moved the plan


class PlanAdjustmentRow(Base):
    """A chair's live change to the plan (delay, extend the discussion, next panellist...), in the order made:
    the run of show is the plan with these applied (bot.domain.agenda.adjustments)."""

    __tablename__ = "plan_adjustments"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]  # agenda time the change was made
    minutes: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))


class LeaseRow(Base):
    """A named leader lease; `term` grows each time the lease changes hands (a fencing token)."""

    __tablename__ = "leader_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    term: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime]


class KeyValueRow(Base):
    """Small settings others keep: a user's language, an item's Zoom meeting id."""

    __tablename__ = "key_values"

    namespace: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class RevocationRow(Base):
    """A revoked console credential subject (``person:<id>``, ``session:<id>``) and when it was revoked."""

    __tablename__ = "console_revocations"

    subject: Mapped[str] = mapped_column(String(300), primary_key=True)
    revoked_at: Mapped[datetime]
class WrittenInputRow(Base):
    """A written input received: its metadata; the file itself is in the inputs folder, named by checksum."""

    __tablename__ = "written_inputs"

    reference: Mapped[str] = mapped_column(String(40), primary_key=True)
    received_at: Mapped[datetime]
    submitter: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    organization: Mapped[str] = mapped_column(String(300))
    group_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(300))
    format: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index(None, "received_at"),)


metadata = Base.metadata

# Core Table objects, typed as such, for the statements the store builds.
floor_lists = cast(Table, FloorListRow.__table__)
floor_requests = cast(Table, FloorRequestRow.__table__)
floor_interventions = cast(Table, InterventionRow.__table__)
audit_log = cast(Table, AuditRow.__table__)
inbound_events = cast(Table, InboundEventRow.__table__)
outbound_posts = cast(Table, OutboundPostRow.__table__)
cue_ledger = cast(Table, CueRow.__table__)
leader_leases = cast(Table, LeaseRow.__table__)
plan_adjustments = cast(Table, PlanAdjustmentRow.__table__)
key_values = cast(Table, KeyValueRow.__table__)
console_revocations = cast(Table, RevocationRow.__table__)
written_inputs = cast(Table, WrittenInputRow.__table__)
