"""The integration API: clients, idempotency keys, the registration changes feed, who acted as a client.

`registration_changes` is the feed a portal follows (`GET /api/v1/changes`); it starts with every
status change already in `registration_events`, in time order, so an existing install's history
is in the feed too. `change_counter` holds the last number handed out.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci", "mysql_engine": "InnoDB"}


def _time() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _big() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "name",
            sa.String(length=100)
            .with_variant(mysql.VARCHAR(100, collation="utf8mb4_thai_520_w2"), "mysql", "mariadb")
            .with_variant(sa.String(100, collation="thai"), "sqlite"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("rate_per_s", sa.Integer(), nullable=False),
        sa.Column("burst", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=True),
        sa.Column("rotated_at", _time(), nullable=True),
        sa.Column("revoked_at", _time(), nullable=True),
        sa.Column("last_used_at", _time(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_api_clients_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_api_clients_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_clients_token_hash")),
        **TABLE_ARGS,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["api_clients.id"], name=op.f("fk_idempotency_keys_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"],
            name=op.f("fk_idempotency_keys_registration_id_registrations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("client_id", "key", name=op.f("uq_idempotency_keys_client_id_key")),
        **TABLE_ARGS,
    )  # fmt: skip
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_table(
        "registration_changes",
        sa.Column("seq", _big(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["registration_events.id"],
            name=op.f("fk_registration_changes_event_id_registration_events"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"],
            name=op.f("fk_registration_changes_registration_id_registrations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_registration_changes")),
        sa.UniqueConstraint("event_id", name=op.f("uq_registration_changes_event_id")),
        **TABLE_ARGS,
    )  # fmt: skip
    op.create_index(
        op.f("ix_registration_changes_registration_id"), "registration_changes", ["registration_id"]
    )
    op.create_table(
        "change_counter",
        sa.Column("feed", sa.String(length=30), nullable=False),
        sa.Column("last", _big(), nullable=False),
        sa.PrimaryKeyConstraint("feed", name=op.f("pk_change_counter")),
        **TABLE_ARGS,
    )
    for table in ("audit_log", "registration_events"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_client_id_api_clients"), "api_clients", ["client_id"], ["id"]
            )
            batch.create_index(op.f(f"ix_{table}_client_id"), ["client_id"])
    op.create_index("ix_registrations_updated", "registrations", ["updated_at", "id"])
    _backfill_feed()


def _backfill_feed() -> None:
    """Every existing event enters the feed in time order; the counter starts after the last one."""
    # The version each event left the registration at is its rank in the registration's timeline.
    op.execute(
        "INSERT INTO registration_changes (seq, event_id, registration_id, version) "
        "SELECT ROW_NUMBER() OVER (ORDER BY at, id), id, registration_id, "
        "ROW_NUMBER() OVER (PARTITION BY registration_id ORDER BY at, id) FROM registration_events"
    )
    op.execute(
        "INSERT INTO change_counter (feed, last) "
        "SELECT 'registrations', COALESCE(MAX(seq), 0) FROM registration_changes"
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_registrations_updated", table_name="registrations")
    for table in ("registration_events", "audit_log"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_client_id_api_clients"), type_="foreignkey")
            batch.drop_index(op.f(f"ix_{table}_client_id"))
            batch.drop_column("client_id")
    op.drop_table("change_counter")
    op.drop_table("registration_changes")
    op.drop_table("idempotency_keys")
    op.drop_table("api_clients")
