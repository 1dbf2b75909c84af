"""Each registration's missing, waiting, sent-back and expiring documents, with filters and export.

A registration in the paperwork stages (committee approved, placed, in progress) owes every type its
course requires: a type is missing when no version was uploaded, needs revision when its newest
version was sent back, waits when its newest version is not reviewed yet, and is expiring when its
newest version expires within EXPIRING_DAYS (expired when the date has passed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from core import clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.export import to_csv_bytes, to_excel_bytes, with_headers
from core.i18n import N_, gettext, local_time
from db.models import (
    Course,
    CourseDocumentType,
    CourseSection,
    Document,
    DocumentStatus,
    DocumentType,
    Registration,
    RegistrationStatus,
    Role,
    Student,
)

EXPIRING_DAYS = 30
MAX_ROWS = 500
PAPERWORK = (RegistrationStatus.COMMITTEE_APPROVED, RegistrationStatus.PLACED, RegistrationStatus.IN_PROGRESS)
PROBLEMS = {
    "missing": N_("Missing"),
    "needs_revision": N_("Needs revision"),
    "pending": N_("Waiting for review"),
    "expiring": N_("Expiring"),
    "expired": N_("Expired"),
}
HEADERS = {
    "registration_id": N_("Registration"),
    "student_code": N_("Student ID"),
    "student": N_("Student"),
    "course": N_("Course"),
    "section": N_("Section"),
    "document": N_("Document"),
    "problem": N_("Problem"),
    "expires_on": N_("Expires"),
}


@dataclass(frozen=True)
class DocumentFilters:
    """What the documents page narrows to: a course, a term, one kind of problem, a type."""

    course_id: int | None = None
    semester: int | None = None
    academic_year: int | None = None
    problem: str | None = None
    type_id: int | None = None


def _problem_column(latest: Any, on: date) -> ColumnElement[Any]:
    soon = on + timedelta(days=EXPIRING_DAYS)
    return case(
        (latest.id.is_(None), literal("missing")),
        (latest.status == DocumentStatus.NEEDS_REVISION, literal("needs_revision")),
        (latest.status == DocumentStatus.PENDING, literal("pending")),
        (and_(DocumentType.has_expiry, latest.expires_on < on), literal("expired")),
        (and_(DocumentType.has_expiry, latest.expires_on <= soon), literal("expiring")),
        else_=literal(None),
    )


def _query(scope: int | None, f: DocumentFilters, on: date):  # type: ignore[no-untyped-def]
    latest = aliased(Document)
    newest = (
        select(func.max(Document.version))
        .where(Document.registration_id == Registration.id, Document.type_id == DocumentType.id)
        .correlate(Registration, DocumentType)
        .scalar_subquery()
    )
    problem = _problem_column(latest, on)
    soon = on + timedelta(days=EXPIRING_DAYS)
    owed = or_(
        and_(
            CourseDocumentType.required,
            or_(latest.id.is_(None), latest.status == DocumentStatus.NEEDS_REVISION),
        ),
        latest.status == DocumentStatus.PENDING,
        and_(DocumentType.has_expiry, latest.status == DocumentStatus.APPROVED, latest.expires_on <= soon),
    )
    stmt = (
        select(
            Registration.id,
            Student.student_code,
            Student.first_name_th,
            Student.last_name_th,
            Course.code,
            CourseSection.section,
            CourseSection.semester,
            CourseSection.academic_year,
            DocumentType.name_th,
            DocumentType.name_en,
            problem.label("problem"),
            latest.expires_on,
            latest.id.label("document_id"),
        )
        .join(Student, Student.id == Registration.student_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .join(CourseDocumentType, CourseDocumentType.course_id == Course.id)
        .join(DocumentType, and_(DocumentType.id == CourseDocumentType.type_id, DocumentType.active))
        .outerjoin(
            latest,
            and_(
                latest.registration_id == Registration.id,
                latest.type_id == DocumentType.id,
                latest.version == newest,
            ),
        )
        .where(Registration.status.in_(PAPERWORK), owed)
        .order_by(Registration.id, DocumentType.position, DocumentType.id)
        .limit(MAX_ROWS)
    )
    if scope is not None:
        stmt = stmt.where(Registration.advisor_id == scope)
    if f.course_id is not None:
        stmt = stmt.where(Course.id == f.course_id)
    if f.semester is not None:
        stmt = stmt.where(CourseSection.semester == f.semester)
    if f.academic_year is not None:
        stmt = stmt.where(CourseSection.academic_year == f.academic_year)
    if f.type_id is not None:
        stmt = stmt.where(DocumentType.id == f.type_id)
    if f.problem is not None:
        stmt = stmt.where(problem == f.problem)
    return stmt


COLUMNS = ["registration_id", "student_code", "student", "course", "section", "document_th", "document_en",
           "problem", "expires_on", "document_id"]  # fmt: skip


def _frame(session: Session, scope: int | None, f: DocumentFilters, on: date) -> pd.DataFrame:
    rows = [
        {"registration_id": r[0], "student_code": r[1], "student": f"{r[2]} {r[3]}", "course": r[4],
         "section": f"{r[5]} ({r[6]}/{r[7]})", "document_th": r[8], "document_en": r[9], "problem": r[10],
         "expires_on": r[11], "document_id": r[12]}
        for r in session.execute(_query(scope, f, on))
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def _today() -> date:
    return local_time(clock.now()).date()


def list_document_problems(ctx: AppContext, *, actor: Actor, filters: DocumentFilters) -> pd.DataFrame:
    """The first MAX_ROWS documents owed or to act on, one row per registration and type (advisors:
    their own students)."""
    require(actor, Permission.VIEW_DOCUMENTS)
    if filters.problem is not None and filters.problem not in PROBLEMS:
        raise InvalidInput("Unknown problem filter: {value}.", value=filters.problem)
    scope = actor.user_id if actor.role == Role.ADVISOR else None
    on = _today()
    args = {**asdict(filters), "advisor": scope, "day": on.isoformat()}
    return ctx.cached(
        ["documents", "registrations"], "documents.problems", args, lambda s: _frame(s, scope, filters, on)
    )


def export_document_problems(
    ctx: AppContext, *, actor: Actor, filters: DocumentFilters, lang: str, fmt: str = "csv"
) -> bytes:
    """The listed rows as CSV or Excel, headers, types and problems in `lang`."""
    frame = list_document_problems(ctx, actor=actor, filters=filters).copy()
    frame["document"] = frame["document_th"] if lang == "th" else frame["document_en"]
    frame["problem"] = frame["problem"].map(lambda p: gettext(lang, PROBLEMS.get(p, str(p))))
    out = with_headers(frame[list(HEADERS)], HEADERS, lang)
    return to_excel_bytes(out, sheet_name="documents") if fmt == "xlsx" else to_csv_bytes(out)
