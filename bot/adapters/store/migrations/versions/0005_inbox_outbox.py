"""The durable inbox (an inbound event's payload and when it was handled) and the durable outbox.

Revision ID: 0005_inbox_outbox
Revises: 0004_plan_adjustments
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_inbox_outbox"
down_revision: str | None = "0004_plan_adjustments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("inbound_events") as batch:
        batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("done_at", TZ, nullable=True))
        batch.add_column(sa.Column("owner", sa.String(length=200), nullable=True))
    op.create_index(op.f("ix_inbound_events_done_at"), "inbound_events", ["done_at"])
    op.create_table(
        "outbound_posts",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("settled_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbound_posts")),
        sa.UniqueConstraint("key", name=op.f("uq_outbound_posts_key")),
    )
    op.create_index(op.f("ix_outbound_posts_state_owner"), "outbound_posts", ["state", "owner"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbound_posts_state_owner"), table_name="outbound_posts")
    op.drop_table("outbound_posts")
    op.drop_index(op.f("ix_inbound_events_done_at"), table_name="inbound_events")
    with op.batch_alter_table("inbound_events") as batch:
        batch.drop_column("owner")
        batch.drop_column("done_at")
        batch.drop_column("payload")
