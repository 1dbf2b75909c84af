"""registrations.furthest_stage: the furthest funnel stage reached, for the progress page's GROUP BYs.

The progress page's KPIs and funnel needed every registration event (870k rows at 200k
registrations) to know how far each registration got; this keeps that on the registration row
(maintained by every writer) and backfills it from the timeline.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of db.models.registrations.FUNNEL_RANK (statuses not listed rank 0).
_RANK = {
    "advisor_approved": 1,
    "committee_approved": 2,
    "placed": 3,
    "in_progress": 4,
    "failed": 4,
    "completed": 5,
}


def _backfill() -> None:
    events = sa.table("registration_events", sa.column("registration_id"), sa.column("to_status"))
    regs = sa.table("registrations", sa.column("id"), sa.column("furthest_stage"))
    rank = sa.case(_RANK, value=events.c.to_status, else_=0)
    furthest = (
        sa.select(sa.func.coalesce(sa.func.max(rank), 0))
        .where(events.c.registration_id == regs.c.id)
        .scalar_subquery()
    )
    op.execute(regs.update().values(furthest_stage=furthest))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("registrations", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("furthest_stage", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            "ix_registrations_progress",
            ["section_id", "status", "furthest_stage", "student_id", "submitted_at"],
            unique=False,
        )
    _backfill()


def downgrade() -> None:
    """Undo this revision."""
    # Never rebuild the table: on SQLite a rebuild drops `registrations`, and with foreign keys on
    # that cascades to registration_events and committee_votes. ALTER TABLE DROP COLUMN (SQLite
    # 3.35+, MariaDB) keeps every row.
    with op.batch_alter_table("registrations", recreate="never") as batch_op:
        batch_op.drop_index("ix_registrations_progress")
        batch_op.drop_column("furthest_stage")
