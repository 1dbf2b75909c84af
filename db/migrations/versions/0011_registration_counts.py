"""registration_counts: registrations per (section, status, furthest stage), kept by every writer.

At 2M registrations the progress page's GROUP BY over every registration is a scan of hundreds
of ms; the rollup answers the same in a few thousand rows. Filled here from the registrations
already present.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "registration_counts",
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("furthest_stage", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["course_sections.id"],
            name=op.f("fk_registration_counts_section_id_course_sections"),
        ),
        sa.PrimaryKeyConstraint(
            "section_id", "status", "furthest_stage", name=op.f("pk_registration_counts")
        ),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.execute(
        "INSERT INTO registration_counts (section_id, status, furthest_stage, n) "
        "SELECT r.section_id, r.status, r.furthest_stage, COUNT(*) FROM registrations r "
        "JOIN course_sections s ON s.id = r.section_id GROUP BY r.section_id, r.status, r.furthest_stage"
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("registration_counts")
