"""The progress page's filters and its two wide queries: one row per registration, one per event.

Results are cached under the "registrations" namespace (writers bump it), keyed by the filters.
KPIs, funnel, timeline and breakdowns are small GROUP BYs (core.progress_sql), drill-downs and
the queue tab read only their rows (core.progress_rows, core.progress_queue); the registrations
query serves the export, the events frame the bottlenecks (time in state), both on demand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from core.context import AppContext
from db.models import (
    Company,
    Course,
    CourseSection,
    Faculty,
    Internship,
    Program,
    Registration,
    RegistrationEvent,
    Student,
    User,
)
from db.models.registrations import FUNNEL_RANK, FUNNEL_STAGES

NAMESPACE = ("registrations",)

# The positive path through the state machine, in order; the funnel counts "reached at least".
STAGES = FUNNEL_STAGES
STAGE_RANK = FUNNEL_RANK
PLACED = frozenset({"placed", "in_progress", "completed"})

REG_COLUMNS = [
    "id",
    "student_code",
    "student_name",
    "faculty_id",
    "faculty",
    "program_id",
    "program",
    "course_id",
    "course",
    "academic_year",
    "semester",
    "section_id",
    "coordinator_id",
    "advisor_id",
    "status",
    "submitted_at",
    "status_changed_at",
    "company_id",
    "company",
    "province",
    "furthest_stage",
]
EVENT_COLUMNS = ["event_id", "registration_id", "to_status", "at", "actor_id", "next_at", "next_actor_id"]


@dataclass(frozen=True)
class ProgressFilters:
    """Which registrations the progress page looks at (None = all)."""

    academic_year: int | None = None
    semester: int | None = None
    faculty_id: int | None = None
    program_id: int | None = None
    course_id: int | None = None

    def previous_term(self) -> ProgressFilters | None:
        """The same filters one academic year earlier, or None when no year is chosen."""
        if self.academic_year is None:
            return None
        return replace(self, academic_year=self.academic_year - 1)

    def key(self) -> dict[str, Any]:
        """The filters as cache-key arguments."""
        return asdict(self)


Query = Select[*tuple[Any, ...]]


def scoped(
    stmt: Query,
    filters: ProgressFilters,
    *,
    student: bool = False,
    program: bool = False,
    section: bool = False,
) -> Query:
    """`stmt` (over Registration) restricted by `filters`, joining only what they or the caller need."""
    program = program or filters.faculty_id is not None
    student = student or program or filters.program_id is not None
    term = (filters.academic_year, filters.semester, filters.course_id)
    section = section or any(v is not None for v in term)
    if student:
        stmt = stmt.join(Student, Student.id == Registration.student_id)
    if program:
        stmt = stmt.join(Program, Program.id == Student.program_id)
    if section:
        stmt = stmt.join(CourseSection, CourseSection.id == Registration.section_id)
    people = [(filters.faculty_id, Program.faculty_id), (filters.program_id, Student.program_id)]
    chosen = [column == value for value, column in people if value is not None]
    return stmt.where(*term_conditions(filters), *chosen)


def term_conditions(filters: ProgressFilters) -> list[Any]:
    """The filters on CourseSection: academic year, semester, course."""
    terms = [
        (filters.academic_year, CourseSection.academic_year),
        (filters.semester, CourseSection.semester),
        (filters.course_id, CourseSection.course_id),
    ]
    return [column == value for value, column in terms if value is not None]


def filtered(stmt: Query, filters: ProgressFilters) -> Query:
    """`stmt` (over Registration) joined to student, program and section, restricted by `filters`."""
    return scoped(stmt, filters, student=True, program=True, section=True)


def _frame(session: Session, stmt: Query, columns: list[str]) -> pd.DataFrame:
    # Core execution and plain tuples: ORM row loading and Row objects cost seconds per million rows.
    rows = session.connection().execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def raw(column: Any) -> Any:
    """`column` read as its stored string (no per-value enum/datetime processing)."""
    # Skip per-value result processing (enum and UTC datetime objects, ~10 s per million rows):
    # statuses arrive as their string values, times as naive UTC that pandas converts in one go.
    return type_coerce(column, String())


_REG_FIELDS = (
    Registration.id,
    Student.student_code,
    Student.first_name_th + " " + Student.last_name_th,
    Faculty.id,
    Faculty.name_th,
    Program.id,
    Program.name_th,
    Course.id,
    Course.code + " " + Course.name_th,
    CourseSection.academic_year,
    CourseSection.semester,
    CourseSection.id,
    CourseSection.coordinator_id,
    Registration.advisor_id,
    raw(Registration.status),
    raw(Registration.submitted_at),
    raw(Registration.status_changed_at),
    Company.id,
    Company.name_th,
    Internship.province,
    Registration.furthest_stage,
)


def longest_waiting() -> Query:
    """Registrations as listed for a person (id, student code, Thai name, status, when it last
    changed), the longest in their state first; callers join Student and add their filters."""
    name = Student.first_name_th + " " + Student.last_name_th
    columns = (Registration.id, Student.student_code, name, raw(Registration.status))
    stmt = select(*columns, raw(Registration.status_changed_at)).select_from(Registration)
    return stmt.order_by(Registration.status_changed_at, Registration.id)


def query_registrations(session: Session, filters: ProgressFilters) -> pd.DataFrame:
    """One row per registration matching `filters` (REG_COLUMNS), by id."""
    stmt = select(*_REG_FIELDS).select_from(Registration)
    stmt = (
        filtered(stmt, filters)
        .join(Faculty, Faculty.id == Program.faculty_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(Internship, Internship.id == Registration.internship_id)
        .outerjoin(Company, Company.id == Internship.company_id)
        .order_by(Registration.id)
    )
    frame = _frame(session, stmt, REG_COLUMNS)
    for column in ("submitted_at", "status_changed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in ("company_id", "coordinator_id", "advisor_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _query_events(session: Session, filters: ProgressFilters) -> pd.DataFrame:
    # LEAD pairs each event with the next one of the same registration: how long the state it
    # entered lasted, and who ended it. Filters are per registration, so partitions stay whole.
    partition, order = RegistrationEvent.registration_id, (RegistrationEvent.at, RegistrationEvent.id)
    next_at = raw(func.lead(RegistrationEvent.at).over(partition_by=partition, order_by=order))
    next_actor = func.lead(RegistrationEvent.actor_id).over(partition_by=partition, order_by=order)
    stmt = select(
        RegistrationEvent.id,
        RegistrationEvent.registration_id,
        raw(RegistrationEvent.to_status),
        raw(RegistrationEvent.at),
        RegistrationEvent.actor_id,
        next_at,
        next_actor,
    ).select_from(RegistrationEvent)
    stmt = filtered(stmt.join(Registration, Registration.id == RegistrationEvent.registration_id), filters)
    frame = _frame(session, stmt, EVENT_COLUMNS)
    for column in ("at", "next_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in ("actor_id", "next_actor_id"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["registration_id", "at", "event_id"], ignore_index=True)


def events(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    """One row per timeline event of those registrations, with the next event's time and actor."""

    def compute() -> pd.DataFrame:
        with ctx.sessions.begin() as session:
            return _query_events(session, filters)

    return ctx.cache.get_or_compute(NAMESPACE, "progress.events", filters.key(), compute)


def user_names(ctx: AppContext) -> dict[int, str]:
    """Every user's full name by id (for naming approvers; cached until a user changes)."""

    def compute() -> list[list[Any]]:
        with ctx.sessions.begin() as session:
            return [[int(i), str(n)] for i, n in session.execute(select(User.id, User.full_name)).all()]

    return {
        int(i): str(n) for i, n in ctx.cache.get_or_compute(("users",), "progress.user_names", {}, compute)
    }
