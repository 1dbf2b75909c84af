"""After placement: the placement's details, supervision visits and their photos, evaluation forms
(versioned criteria) and evaluations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, Timestamps, utcnow
from db.models.enums import (
    CourseResult,
    DocumentLanguage,
    EvaluationStatus,
    EvaluatorKind,
    VisitMode,
    VisitStatus,
    enum_column,
)
from db.types import UtcDateTime, name_column

# Photos are at most 5 MB: LONGBLOB on MySQL/MariaDB (a BLOB holds 64 KB), BLOB on SQLite.
PHOTO_BYTES = LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")
THUMBNAIL_BYTES = LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")


class Placement(Timestamps, Base):
    """The details of a placed registration (one per registration) and, once completed, its result."""

    __tablename__ = "placements"
    __table_args__ = (
        UniqueConstraint("registration_id"),
        Index("ix_placements_end_date", "end_date"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    supervisor_name: Mapped[str | None] = mapped_column(name_column(200))
    supervisor_position: Mapped[str | None] = mapped_column(String(200))
    supervisor_email: Mapped[str | None] = mapped_column(String(254))
    supervisor_phone: Mapped[str | None] = mapped_column(String(30))
    department: Mapped[str | None] = mapped_column(String(200))
    position_title: Mapped[str | None] = mapped_column(String(200))
    job_description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    document_language: Mapped[DocumentLanguage] = mapped_column(
        enum_column(DocumentLanguage, "document_language"), default=DocumentLanguage.TH
    )
    # Kept by the completion transition (core.registrations): the score in percent and, for S/U
    # courses, the result.
    final_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    final_result: Mapped[CourseResult | None] = mapped_column(enum_column(CourseResult, "course_result"))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Visit(Timestamps, Base):
    """A supervision visit (นิเทศ) to a placed student, numbered 1..N per placement."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("number BETWEEN 1 AND 4", name="number_range"),
        Index("ix_visits_placement_status", "placement_id", "status", "planned_at"),
        Index("ix_visits_status_planned", "status", "planned_at"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    planned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    mode: Mapped[VisitMode] = mapped_column(enum_column(VisitMode, "visit_mode"))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[VisitStatus] = mapped_column(
        enum_column(VisitStatus, "visit_status"), default=VisitStatus.PLANNED
    )
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    report: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class VisitPhoto(Base):
    """A photo of a done visit: the stored image (location stripped) and its thumbnail."""

    __tablename__ = "visit_photos"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(PHOTO_BYTES)
    thumbnail: Mapped[bytes] = mapped_column(THUMBNAIL_BYTES)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EvaluationForm(Base):
    """One version of the evaluation form of one evaluator kind; a form in use is never changed."""

    __tablename__ = "evaluation_forms"
    __table_args__ = (
        UniqueConstraint("kind", "version"),
        CheckConstraint("scale_min >= 0 AND scale_max > scale_min AND scale_max <= 10", name="scale_range"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EvaluatorKind] = mapped_column(enum_column(EvaluatorKind, "form_kind"))
    version: Mapped[int] = mapped_column(Integer)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    scale_min: Mapped[int] = mapped_column(SmallInteger, default=1)
    scale_max: Mapped[int] = mapped_column(SmallInteger, default=5)
    comments: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EvaluationCriterion(Base):
    """One weighted criterion of a form version, inside a named section."""

    __tablename__ = "evaluation_criteria"
    __table_args__ = (
        UniqueConstraint("form_id", "position"),
        CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("evaluation_forms.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    section_th: Mapped[str] = mapped_column(String(200))
    section_en: Mapped[str] = mapped_column(String(200))
    text_th: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    weight: Mapped[int] = mapped_column(SmallInteger)


class Evaluation(Timestamps, Base):
    """One evaluation of a placement on one form version: scores per criterion and the weighted total."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind"),
        Index("ix_evaluations_status_due", "status", "due_on"),
        # Completeness over time reads (due_on, kind, status) of a year's placements from the index alone.
        Index("ix_evaluations_placement_due", "placement_id", "due_on", "kind", "status"),
        Index("ix_evaluations_form", "form_id"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    form_id: Mapped[int] = mapped_column(ForeignKey("evaluation_forms.id"))
    kind: Mapped[EvaluatorKind] = mapped_column(enum_column(EvaluatorKind, "evaluator_kind"))
    evaluator_name: Mapped[str | None] = mapped_column(String(200))
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[EvaluationStatus] = mapped_column(
        enum_column(EvaluationStatus, "evaluation_status"), default=EvaluationStatus.PENDING
    )
    # {criterion id: score}, as text keys (JSON objects have string keys).
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comments: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
