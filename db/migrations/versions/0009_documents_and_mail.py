"""Documents and e-mail: document types (required per course), versioned documents and their chunks,
the e-mail outbox and the senders' lease, supervisors' one-time evaluation links, and each user's
opt-out of the daily digest.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = {
    "mariadb_charset": "utf8mb4",
    "mariadb_collate": "utf8mb4_unicode_ci",
    "mariadb_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "mysql_engine": "InnoDB",
}


# The paperwork of a placement as the office names it; types stay editable in the app.
DEFAULT_TYPES = (
    ("request_letter", "หนังสือขอความอนุเคราะห์", "Request letter"),
    ("acceptance_letter", "หนังสือตอบรับ", "Acceptance letter"),
    ("agreement", "ข้อตกลงการฝึกงาน", "Agreement"),
    ("weekly_report", "รายงานประจำสัปดาห์", "Weekly report"),
    ("final_report", "รายงานฉบับสมบูรณ์", "Final report"),
    ("presentation", "สไลด์นำเสนอ", "Presentation"),
)


def _utc() -> sa.types.TypeEngine[object]:
    """DATETIME(6) on MySQL/MariaDB (naive UTC), DATETIME elsewhere; frozen copy of db.types."""
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _status(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _documents() -> None:
    op.create_table(
        "document_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("has_expiry", sa.Boolean(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_types")),
        sa.UniqueConstraint("code", name=op.f("uq_document_types_code")),
        **_TABLE,
    )
    op.create_table(
        "course_document_types",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_document_types_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["document_types.id"],
            name=op.f("fk_course_document_types_type_id_document_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "type_id", name=op.f("pk_course_document_types")),
        **_TABLE,
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage", sa.String(length=20), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column(
            "status", _status("document_status", "pending", "approved", "needs_revision"), nullable=False
        ),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", _utc(), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_documents_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"], ["document_types.id"], name=op.f("fk_documents_type_id_document_types")
        ),
        sa.ForeignKeyConstraint(["reviewed_by"], ["users.id"], name=op.f("fk_documents_reviewed_by_users")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name=op.f("fk_documents_uploaded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "registration_id", "type_id", "version", name=op.f("uq_documents_registration_id_type_id_version")
        ),
        **_TABLE,
    )
    types = sa.table(
        "document_types",
        sa.column("code", sa.String),
        sa.column("name_th", sa.String),
        sa.column("name_en", sa.String),
        sa.column("has_expiry", sa.Boolean),
        sa.column("position", sa.SmallInteger),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        types,
        [
            {
                "code": code,
                "name_th": th,
                "name_en": en,
                "has_expiry": code == "agreement",
                "position": i,
                "active": True,
            }
            for i, (code, th, en) in enumerate(DEFAULT_TYPES)
        ],
    )
    op.create_index("ix_documents_status_created", "documents", ["status", "created_at"])
    op.create_index("ix_documents_type_expires", "documents", ["type_id", "expires_on"])
    op.create_table(
        "document_chunks",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "data", sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_chunks_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "seq", name=op.f("pk_document_chunks")),
        **_TABLE,
    )


def _mail() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", _status("mail_status", "pending", "sending", "sent", "failed"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
        **_TABLE,
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_created", "outbox", ["created_at"])
    op.create_table(
        "sender_leases",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sender_leases")),
        **_TABLE,
    )
    op.create_table(
        "evaluation_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_links_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_evaluation_links_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_evaluation_links_token_hash")),
        **_TABLE,
    )
    op.create_index("ix_evaluation_links_evaluation_id", "evaluation_links", ["evaluation_id"])


def upgrade() -> None:
    """Apply this revision."""
    _documents()
    _mail()
    # A plain ADD COLUMN: a batch copy of `users` on SQLite would drop full_name's Thai collation.
    op.add_column(
        "users", sa.Column("digest_opt_out", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_column("users", "digest_opt_out")  # SQLite 3.35+ drops a column in place
    for table in ("evaluation_links", "sender_leases", "outbox", "document_chunks", "documents",
                  "course_document_types", "document_types"):  # fmt: skip
        op.drop_table(table)
