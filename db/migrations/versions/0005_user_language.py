"""Each user's interface language (th or en; empty means the office's default, DEFAULT_LANGUAGE).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
