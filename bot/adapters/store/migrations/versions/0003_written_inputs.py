"""Written inputs: the metadata of each input received (files live in the inputs folder).

Revision ID: 0003_written_inputs
Revises: 0002_console_revocations
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_written_inputs"
down_revision: str | None = "0002_console_revocations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "written_inputs",
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("submitter", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organization", sa.String(length=300), nullable=False),
        sa.Column("group_id", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("format", sa.String(length=20), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_written_inputs")),
    )
    op.create_index(op.f("ix_written_inputs_received_at"), "written_inputs", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_written_inputs_received_at"), table_name="written_inputs")
    op.drop_table("written_inputs")
