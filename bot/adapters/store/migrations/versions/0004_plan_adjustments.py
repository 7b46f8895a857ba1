"""The chairs' live changes to the plan, and the ledger's plan and due times of each cue.

Revision ID: 0004_plan_adjustments
Revises: 0003_written_inputs
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_plan_adjustments"
down_revision: str | None = "0003_written_inputs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan_adjustments",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_plan_adjustments")),
    )
    with op.batch_alter_table("cue_ledger") as batch:
        batch.add_column(sa.Column("planned_at", TZ, nullable=True))
        batch.add_column(sa.Column("due_at", TZ, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cue_ledger") as batch:
        batch.drop_column("due_at")
        batch.drop_column("planned_at")
    op.drop_table("plan_adjustments")
