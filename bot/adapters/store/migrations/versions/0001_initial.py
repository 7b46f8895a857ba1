"""Initial schema: lists of speakers, requests, interventions, audit log, intake dedupe, cue ledger,
leader lease, key-value settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "floor_lists",
        sa.Column("discussion_id", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("discussion_id", name=op.f("pk_floor_lists")),
    )
    op.create_table(
        "floor_requests",
        sa.Column("discussion_id", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("discussion_id", "request_id", name=op.f("pk_floor_requests")),
    )
    op.create_index(
        op.f("ix_floor_requests_discussion_id_participant_id"),
        "floor_requests",
        ["discussion_id", "participant_id"],
    )
    op.create_table(
        "floor_interventions",
        sa.Column("discussion_id", sa.String(length=200), nullable=False),
        sa.Column("intervention_id", sa.String(length=200), nullable=False),
        sa.Column("participant_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("discussion_id", "intervention_id", name=op.f("pk_floor_interventions")),
    )
    op.create_index(op.f("ix_floor_interventions_started_at"), "floor_interventions", ["started_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("verb", sa.String(length=80), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_target_at"), "audit_log", ["target", "at"])
    op.create_table(
        "inbound_events",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("first_seen_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("source", "event_id", name=op.f("pk_inbound_events")),
    )
    op.create_index(op.f("ix_inbound_events_first_seen_at"), "inbound_events", ["first_seen_at"])
    op.create_table(
        "cue_ledger",
        sa.Column("cue_id", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=False),
        sa.Column("claimed_at", TZ, nullable=False),
        sa.Column("posted_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("cue_id", name=op.f("pk_cue_ledger")),
    )
    op.create_table(
        "leader_leases",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("term", sa.Integer(), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leader_leases")),
    )
    op.create_table(
        "key_values",
        sa.Column("namespace", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("namespace", "key", name=op.f("pk_key_values")),
    )


def downgrade() -> None:
    op.drop_table("key_values")
    op.drop_table("leader_leases")
    op.drop_table("cue_ledger")
    op.drop_index(op.f("ix_inbound_events_first_seen_at"), table_name="inbound_events")
    op.drop_table("inbound_events")
    op.drop_index(op.f("ix_audit_log_target_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_floor_interventions_started_at"), table_name="floor_interventions")
    op.drop_table("floor_interventions")
    op.drop_index(op.f("ix_floor_requests_discussion_id_participant_id"), table_name="floor_requests")
    op.drop_table("floor_requests")
    op.drop_table("floor_lists")
