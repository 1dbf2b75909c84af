"""Audit integrity and reading: a hash chain over audit_log, and indexes for the audit viewer.

Each audit row stores the hash of the row before it and its own hash (core.audit computes both);
`audit_chain` holds the chain's head, one row, locked by every audited commit as its last step.
Rows written before this revision keep NULL hashes: `manage.py verify-audit` counts them as
unchained history and checks every row after them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
        # The viewer filters by actor or entity and pages newest first by (at, id).
        batch.create_index("ix_audit_log_actor_at", ["actor_id", "at"], unique=False)
        batch.create_index("ix_audit_log_entity_at", ["entity", "at"], unique=False)
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_entity_at")
        batch.drop_index("ix_audit_log_actor_at")
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
