"""After placement: placement details, supervision visits and photos, versioned evaluation forms,
evaluations, and each course's visit count, required evaluations and grading.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.types.TypeEngine[object]:
    """DATETIME(6) on MySQL/MariaDB (naive UTC), DATETIME elsewhere; frozen copy of db.types."""
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _name(length: int) -> sa.types.TypeEngine[object]:
    """Names sort in Thai dictionary order (frozen copy of db.types.name_column)."""
    thai = mysql.VARCHAR(length, collation="utf8mb4_thai_520_w2")
    return (
        sa.String(length)
        .with_variant(thai, "mysql", "mariadb")
        .with_variant(sa.String(length, collation="thai"), "sqlite")
    )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "evaluation_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "supervisor",
                "advisor",
                "student",
                name="form_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("scale_min", sa.SmallInteger(), nullable=False),
        sa.Column("scale_max", sa.SmallInteger(), nullable=False),
        sa.Column("comments", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "scale_min >= 0 AND scale_max > scale_min AND scale_max <= 10",
            name=op.f("ck_evaluation_forms_scale_range"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_evaluation_forms_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_forms")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_evaluation_forms_kind_version")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "evaluation_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("section_th", sa.String(length=200), nullable=False),
        sa.Column("section_en", sa.String(length=200), nullable=False),
        sa.Column("text_th", sa.String(length=300), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("weight BETWEEN 1 AND 100", name=op.f("ck_evaluation_criteria_weight_range")),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["evaluation_forms.id"],
            name=op.f("fk_evaluation_criteria_form_id_evaluation_forms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_criteria")),
        sa.UniqueConstraint("form_id", "position", name=op.f("uq_evaluation_criteria_form_id_position")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_name", _name(200), nullable=True),
        sa.Column("supervisor_position", sa.String(length=200), nullable=True),
        sa.Column("supervisor_email", sa.String(length=254), nullable=True),
        sa.Column("supervisor_phone", sa.String(length=30), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("position_title", sa.String(length=200), nullable=True),
        sa.Column("job_description", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "document_language",
            sa.Enum(
                "th", "en", name="document_language", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("final_score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column(
            "final_result",
            sa.Enum("S", "U", name="course_result", native_enum=False, create_constraint=True, length=24),
            nullable=True,
        ),
        sa.Column("completed_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_placements_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_placements_registration_id")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index("ix_placements_end_date", ["end_date"], unique=False)

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "supervisor",
                "advisor",
                "student",
                name="evaluator_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("evaluator_name", sa.String(length=200), nullable=True),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "in_progress",
                "submitted",
                name="evaluation_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("submitted_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["entered_by"], ["users.id"], name=op.f("fk_evaluations_entered_by_users")),
        sa.ForeignKeyConstraint(
            ["evaluator_id"], ["users.id"], name=op.f("fk_evaluations_evaluator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["form_id"], ["evaluation_forms.id"], name=op.f("fk_evaluations_form_id_evaluation_forms")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_evaluations_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("placement_id", "kind", name=op.f("uq_evaluations_placement_id_kind")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_evaluations_form", ["form_id"], unique=False)
        batch_op.create_index("ix_evaluations_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(
            "ix_evaluations_placement_due", ["placement_id", "due_on", "kind", "status"], unique=False
        )

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("planned_at", _utc(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "onsite", "online", name="visit_mode", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "done",
                "cancelled",
                name="visit_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("done_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint("number BETWEEN 1 AND 4", name=op.f("ck_visits_number_range")),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_visits_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["visitor_id"], ["users.id"], name=op.f("fk_visits_visitor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_placement_status", ["placement_id", "status", "planned_at"], unique=False
        )
        batch_op.create_index("ix_visits_status_planned", ["status", "planned_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_visitor_id"), ["visitor_id"], unique=False)

    op.create_table(
        "visit_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column(
            "data",
            sa.LargeBinary()
            .with_variant(mysql.LONGBLOB(), "mariadb")
            .with_variant(mysql.LONGBLOB(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "thumbnail",
            sa.LargeBinary()
            .with_variant(mysql.MEDIUMBLOB(), "mariadb")
            .with_variant(mysql.MEDIUMBLOB(), "mysql"),
            nullable=False,
        ),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_visit_photos_uploaded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_photos_visit_id_visits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_photos")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("visit_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_photos_visit_id"), ["visit_id"], unique=False)

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_count", sa.SmallInteger(), server_default="2", nullable=False))
        batch_op.add_column(
            sa.Column(
                "required_evaluations",
                sa.String(length=60),
                server_default="supervisor,advisor",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "grading",
                sa.String(length=24),  # the CHECK is added below (SQLite: none, as for every added column)
                server_default="su",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("pass_score", sa.SmallInteger(), server_default="50", nullable=False))
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a CHECK without rebuilding the table
        op.create_check_constraint(
            op.f("ck_courses_visit_count_range"), "courses", "visit_count BETWEEN 1 AND 4"
        )
        op.create_check_constraint(
            op.f("ck_courses_pass_score_range"), "courses", "pass_score BETWEEN 0 AND 100"
        )
        op.create_check_constraint(op.f("ck_courses_grading"), "courses", "grading IN ('su', 'score')")


def downgrade() -> None:
    """Undo this revision."""
    if op.get_bind().dialect.name != "sqlite":
        for name in ("ck_courses_visit_count_range", "ck_courses_pass_score_range", "ck_courses_grading"):
            op.drop_constraint(op.f(name), "courses", type_="check")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("pass_score")
        batch_op.drop_column("grading")
        batch_op.drop_column("required_evaluations")
        batch_op.drop_column("visit_count")
    op.drop_table("visit_photos")
    op.drop_table("visits")
    op.drop_table("evaluations")
    op.drop_table("placements")
    op.drop_table("evaluation_criteria")
    op.drop_table("evaluation_forms")
