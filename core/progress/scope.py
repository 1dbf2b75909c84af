"""The progress page's filters and how a query over registrations is narrowed to them.

Results are cached under the "registrations" namespace (writers bump it), keyed by the filters.
KPIs, funnel, timeline and breakdowns are small GROUP BYs (core.progress.aggregates), drill-downs
and the queue tab read only their rows (core.progress.rows, core.progress.queue_ageing); the wide
frames (core.progress.frames) serve the export and the bottlenecks, on demand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import Select, String, select, type_coerce

from db.models import (
    CourseSection,
    Program,
    Registration,
    Student,
)

NAMESPACE = ("registrations",)


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


def raw(column: Any) -> Any:
    """`column` read as its stored string (no per-value enum/datetime processing)."""
    # Skip per-value result processing (enum and UTC datetime objects, ~10 s per million rows):
    # statuses arrive as their string values, times as naive UTC that pandas converts in one go.
    return type_coerce(column, String())


def longest_waiting() -> Query:
    """Registrations as listed for a person (id, student code, Thai name, status, when it last
    changed), the longest in their state first; callers join Student and add their filters."""
    name = Student.first_name_th + " " + Student.last_name_th
    columns = (Registration.id, Student.student_code, name, raw(Registration.status))
    stmt = select(*columns, raw(Registration.status_changed_at)).select_from(Registration)
    return stmt.order_by(Registration.status_changed_at, Registration.id)
