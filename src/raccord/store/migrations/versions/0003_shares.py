"""shares: a session, or every session of one patient, shown read-only to a supervisor

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supervisor_id"], ["therapists.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "session_id", "supervisor_id"),
    )
    op.create_index("ix_shares_patient_id", "shares", ["patient_id"])
    op.create_index("ix_shares_supervisor_id", "shares", ["supervisor_id"])


def downgrade() -> None:
    op.drop_index("ix_shares_supervisor_id", table_name="shares")
    op.drop_index("ix_shares_patient_id", table_name="shares")
    op.drop_table("shares")
