"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:03:10.355660
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001"
down_revision: str | None = None
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


# Full-text search over internships.search_text (written by core.search_text): InnoDB FULLTEXT
# on MySQL/MariaDB, an external-content FTS5 table kept in step by triggers on SQLite.
FTS5_TRIGGERS = (
    """CREATE TRIGGER internships_fts_ai AFTER INSERT ON internships BEGIN
        INSERT INTO internships_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER internships_fts_ad AFTER DELETE ON internships BEGIN
        INSERT INTO internships_fts(internships_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER internships_fts_au AFTER UPDATE OF search_text ON internships BEGIN
        INSERT INTO internships_fts(internships_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO internships_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)


def _create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE internships_fts USING fts5(search_text, content='internships', "
            "content_rowid='id', tokenize=\"unicode61 tokenchars '_'\")"
        )
        for trigger in FTS5_TRIGGERS:
            op.execute(trigger)
    else:
        op.create_index(
            "ix_internships_search_text",
            "internships",
            ["search_text"],
            mysql_prefix="FULLTEXT",
        )


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("internships_fts_ai", "internships_fts_ad", "internships_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS internships_fts")
    else:
        op.drop_index("ix_internships_search_text", table_name="internships")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_no", sa.String(length=20), nullable=False),
        sa.Column("name_th", _name(200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=60), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("company_type", sa.String(length=60), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("registration_no", name=op.f("uq_companies_registration_no")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index("ix_companies_name_en", ["name_en"], unique=False)
        batch_op.create_index("ix_companies_name_th", ["name_th"], unique=False)
        batch_op.create_index("ix_companies_province", ["province"], unique=False)

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_th", _name(200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("credits", sa.SmallInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "internship",
                "coop",
                name="course_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint("credits BETWEEN 1 AND 10", name=op.f("ck_courses_credits_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("code", name=op.f("uq_courses_code")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "faculties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_th", _name(200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faculties")),
        sa.UniqueConstraint("code", name=op.f("uq_faculties_code")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_ip_at", ["ip", "at"], unique=False)
        batch_op.create_index("ix_login_attempts_username_at", ["username", "at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("full_name", _name(200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "coordinator",
                "advisor",
                "staff",
                "manager",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("password_changed_at", _utc(), nullable=True),
        sa.Column("last_login_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_role_active", ["role", "active"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=50), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_action_at", ["action", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_log_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "course_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=10), nullable=False),
        sa.Column("semester", sa.SmallInteger(), nullable=False),
        sa.Column("academic_year", sa.SmallInteger(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_course_sections_capacity_non_negative")),
        sa.CheckConstraint("semester BETWEEN 1 AND 3", name=op.f("ck_course_sections_semester_range")),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["users.id"],
            name=op.f("fk_course_sections_coordinator_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_sections_course_id_courses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sections")),
        sa.UniqueConstraint(
            "course_id",
            "academic_year",
            "semester",
            "section",
            name=op.f("uq_course_sections_course_id_academic_year_semester_section"),
        ),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("course_sections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_sections_coordinator_id"),
            ["coordinator_id"],
            unique=False,
        )
        batch_op.create_index("ix_course_sections_term", ["academic_year", "semester"], unique=False)

    op.create_table(
        "internships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skills", sa.String(length=500), nullable=False),
        sa.Column("province", sa.String(length=60), nullable=False),
        sa.Column(
            "work_mode",
            sa.Enum(
                "onsite",
                "hybrid",
                "remote",
                name="work_mode",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("stipend", sa.Integer(), nullable=True),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="posting_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_internships_company_id_companies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internships")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("internships", schema=None) as batch_op:
        batch_op.create_index("ix_internships_company_status", ["company_id", "status"], unique=False)
        batch_op.create_index("ix_internships_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_internships_period", ["period_start", "period_end"], unique=False)
        batch_op.create_index("ix_internships_status_province", ["status", "province"], unique=False)
        batch_op.create_index("ix_internships_stipend", ["stipend"], unique=False)
        batch_op.create_index("ix_internships_work_mode", ["work_mode"], unique=False)

    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("faculty_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_th", _name(200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["faculty_id"],
            ["faculties.id"],
            name=op.f("fk_programs_faculty_id_faculties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("code", name=op.f("uq_programs_code")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_faculty_id"), ["faculty_id"], unique=False)

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("revoked_at", _utc(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_user_sessions_user_revoked", ["user_id", "revoked_at"], unique=False)

    op.create_table(
        "internship_programs",
        sa.Column("internship_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["internship_id"],
            ["internships.id"],
            name=op.f("fk_internship_programs_internship_id_internships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_internship_programs_program_id_programs"),
        ),
        sa.PrimaryKeyConstraint("internship_id", "program_id", name=op.f("pk_internship_programs")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("internship_programs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_internship_programs_program_id"),
            ["program_id"],
            unique=False,
        )

    op.create_table(
        "login_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("used_at", _utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_login_tickets_session_id_user_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_tickets")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_login_tickets_ticket_hash")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("login_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_tickets_session_id"), ["session_id"], unique=False)

    op.create_table(
        "section_committee",
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["course_sections.id"],
            name=op.f("fk_section_committee_section_id_course_sections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_section_committee_user_id_users")),
        sa.PrimaryKeyConstraint("section_id", "user_id", name=op.f("pk_section_committee")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("section_committee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_section_committee_user_id"), ["user_id"], unique=False)

    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_code", sa.String(length=20), nullable=False),
        sa.Column("first_name_th", _name(100), nullable=False),
        sa.Column("last_name_th", _name(100), nullable=False),
        sa.Column("first_name_en", sa.String(length=100), nullable=False),
        sa.Column("last_name_en", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("gpax", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_students_program_id_programs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
        sa.UniqueConstraint("student_code", name=op.f("uq_students_student_code")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_index("ix_students_last_name_en", ["last_name_en"], unique=False)
        batch_op.create_index("ix_students_last_name_th", ["last_name_th"], unique=False)
        batch_op.create_index("ix_students_name_en", ["first_name_en", "last_name_en"], unique=False)
        batch_op.create_index("ix_students_name_th", ["first_name_th", "last_name_th"], unique=False)
        batch_op.create_index(batch_op.f("ix_students_program_id"), ["program_id"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("internship_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "advisor_approved",
                "committee_approved",
                "placed",
                "in_progress",
                "completed",
                "failed",
                "needs_changes",
                "rejected",
                "withdrawn",
                name="registration_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", _utc(), nullable=False),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("status_changed_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["advisor_id"], ["users.id"], name=op.f("fk_registrations_advisor_id_users")),
        sa.ForeignKeyConstraint(
            ["internship_id"],
            ["internships.id"],
            name=op.f("fk_registrations_internship_id_internships"),
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["course_sections.id"],
            name=op.f("fk_registrations_section_id_course_sections"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_registrations_student_id_students"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint(
            "student_id",
            "section_id",
            name=op.f("uq_registrations_student_id_section_id"),
        ),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrations_advisor_queue",
            ["advisor_id", "status", "status_changed_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_registrations_internship_status",
            ["internship_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_registrations_queue",
            ["status", "status_changed_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_registrations_section_status", ["section_id", "status"], unique=False)
        batch_op.create_index("ix_registrations_submitted", ["submitted_at", "status"], unique=False)

    op.create_table(
        "committee_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "vote",
            sa.Enum(
                "approve",
                "reject",
                name="vote",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_committee_votes_member_id_users")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_committee_votes_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_votes")),
        sa.UniqueConstraint(
            "registration_id",
            "member_id",
            name=op.f("uq_committee_votes_registration_id_member_id"),
        ),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("committee_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_votes_member_id"), ["member_id"], unique=False)

    op.create_table(
        "registration_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "submitted",
                "advisor_approved",
                "committee_approved",
                "placed",
                "in_progress",
                "completed",
                "failed",
                "needs_changes",
                "rejected",
                "withdrawn",
                name="event_from_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "submitted",
                "advisor_approved",
                "committee_approved",
                "placed",
                "in_progress",
                "completed",
                "failed",
                "needs_changes",
                "rejected",
                "withdrawn",
                name="event_to_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_registration_events_actor_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_events_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_events")),
        mariadb_charset="utf8mb4",
        mariadb_collate="utf8mb4_unicode_ci",
        mariadb_engine="InnoDB",
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    with op.batch_alter_table("registration_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            "ix_registration_events_registration",
            ["registration_id", "at"],
            unique=False,
        )
        batch_op.create_index("ix_registration_events_to_status_at", ["to_status", "at"], unique=False)
    _create_search_index()


def downgrade() -> None:
    """Undo this revision: drop the search index, then every table, children first."""
    _drop_search_index()
    op.drop_table("registration_events")
    op.drop_table("committee_votes")
    op.drop_table("registrations")
    op.drop_table("students")
    op.drop_table("section_committee")
    op.drop_table("login_tickets")
    op.drop_table("internship_programs")
    op.drop_table("user_sessions")
    op.drop_table("programs")
    op.drop_table("internships")
    op.drop_table("course_sections")
    op.drop_table("audit_log")
    op.drop_table("users")
    op.drop_table("login_attempts")
    op.drop_table("faculties")
    op.drop_table("courses")
    op.drop_table("companies")
