"""Courses, their sections per term, and each section's committee."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, Timestamps
from db.models.enums import CourseKind, Grading, enum_column
from db.types import name_column


class Course(Timestamps, Base):
    """An internship or co-op course."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("credits BETWEEN 1 AND 10", name="credits_range"),
        CheckConstraint("visit_count BETWEEN 1 AND 4", name="visit_count_range"),
        CheckConstraint("pass_score BETWEEN 0 AND 100", name="pass_score_range"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(name_column(200))
    name_en: Mapped[str] = mapped_column(String(200))
    credits: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[CourseKind] = mapped_column(enum_column(CourseKind, "course_kind"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # After placement: supervision visits per student (1-4), the evaluator kinds whose evaluations
    # must be submitted before completion (comma-separated), and how the result is given.
    visit_count: Mapped[int] = mapped_column(SmallInteger, default=2, server_default="2")
    required_evaluations: Mapped[str] = mapped_column(
        String(60), default="supervisor,advisor", server_default="supervisor,advisor"
    )
    grading: Mapped[Grading] = mapped_column(
        enum_column(Grading, "grading"), default=Grading.SU, server_default="su"
    )
    pass_score: Mapped[int] = mapped_column(SmallInteger, default=50, server_default="50")


class CourseSection(Timestamps, Base):
    """One section of a course in one term."""

    __tablename__ = "course_sections"
    __table_args__ = (
        UniqueConstraint("course_id", "academic_year", "semester", "section"),
        CheckConstraint("semester BETWEEN 1 AND 3", name="semester_range"),
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        Index("ix_course_sections_term", "academic_year", "semester"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    section: Mapped[str] = mapped_column(String(10))
    semester: Mapped[int] = mapped_column(SmallInteger)
    academic_year: Mapped[int] = mapped_column(SmallInteger)
    capacity: Mapped[int] = mapped_column(Integer)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


# The committee that votes on a section's registrations.
section_committee = Table(
    "section_committee",
    Base.metadata,
    Column("section_id", ForeignKey("course_sections.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
    **MYSQL_TABLE_ARGS,
)
