"""The registrations behind a chart: the drill-down list and the export, each one SQL query.

Both used to filter a cached frame of every registration, which cost 7-22 s to build cold on
MariaDB at 200k registrations. Now the database filters and sorts: a drill-down reads its count
and the DRILL_LIMIT longest-waiting rows (a person reads a list, the export has them all), and
the export reads its own columns once and caches the finished frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from core import clock
from core.context import AppContext
from core.errors import InvalidInput
from core.export import with_headers
from core.i18n import N_, display_year, format_datetimes, gettext
from core.progress.frames import query_registrations
from core.progress.scope import NAMESPACE, ProgressFilters, longest_waiting, raw, scoped
from core.registrations.states import FUNNEL_STAGES, VALUES, label
from db.models import Company, Internship, Program, Registration, Student
from db.models import CourseSection as Section

DRILL_LIMIT = 1000
DRILL_COLUMNS = ["id", "student_code", "student_name", "status", "days_in_state"]
EXPORT_COLUMNS = [
    *("id", "student_code", "student_name", "faculty", "program", "course", "academic_year"),
    *("semester", "status", "submitted_at", "status_changed_at", "company", "province"),
]
# The exported file's headers (msgids, in the reader's language); ids and codes keep their names.
EXPORT_HEADERS = {
    "id": "id",
    "student_code": "student_code",
    "student_name": N_("Student"),
    "faculty": N_("Faculty"),
    "program": N_("Program"),
    "course": N_("Course"),
    "academic_year": N_("Academic year"),
    "semester": N_("Semester"),
    "status": "status",
    "status_label": N_("Status"),
    "submitted_at": N_("Submitted on"),
    "status_changed_at": N_("In this status since"),
    "company": N_("Company"),
    "province": N_("Province"),
}
Query = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Drilldown:
    """The longest-waiting registrations behind a selection (at most DRILL_LIMIT) and how many there are."""

    rows: pd.DataFrame
    total: int

    @property
    def truncated(self) -> bool:
        """Whether more registrations match than the list shows."""
        return self.total > len(self.rows)


def _id(value: str) -> int:
    if not value.isdigit():
        raise InvalidInput("Unknown selection: {value!r}.", value=value[:40])
    return int(value)


def _selection(dimension: str, value: str) -> tuple[ColumnElement[bool], dict[str, bool], bool]:
    """(condition, joins for scoped(), whether the internship/company tables are needed)."""
    if dimension == "stage":
        stages = [s.value for s in FUNNEL_STAGES]
        if value not in stages:
            raise InvalidInput("Unknown stage: {value}.", value=value)
        return Registration.furthest_stage >= stages.index(value), {}, False
    if dimension == "status":
        if value not in VALUES:
            raise InvalidInput("Unknown status: {value}.", value=value)
        return raw(Registration.status) == value, {}, False
    if dimension == "faculty":
        return Program.faculty_id == _id(value), {"program": True}, False
    if dimension == "program":
        return Student.program_id == _id(value), {"student": True}, False
    if dimension == "course":
        return Section.course_id == _id(value), {"section": True}, False
    if dimension == "company":
        return Company.id == _id(value), {}, True
    if dimension == "province":
        return Internship.province == value, {}, True
    raise InvalidInput("Unknown drill-down: {dimension}.", dimension=dimension)


def _drill(stmt: Query, filters: ProgressFilters, dimension: str, value: str) -> Query:
    condition, joins, placed = _selection(dimension, value)
    stmt = scoped(stmt, filters, **{"student": True, **joins})
    if placed:
        stmt = stmt.join(Internship, Internship.id == Registration.internship_id).join(
            Company, Company.id == Internship.company_id
        )
    return stmt.where(condition)


def _drill_rows(session: Session, filters: ProgressFilters, dimension: str, value: str) -> pd.DataFrame:
    stmt = _drill(longest_waiting(), filters, dimension, value)
    rows = session.execute(stmt.limit(DRILL_LIMIT))
    frame = pd.DataFrame(
        [tuple(r) for r in rows.all()], columns=["id", "student_code", "student_name", "status", "changed"]
    )
    frame["changed"] = pd.to_datetime(frame["changed"].astype(str), utc=True, format="ISO8601")
    return frame


def drilldown(ctx: AppContext, filters: ProgressFilters, dimension: str, value: str) -> Drilldown:
    """The registrations behind a bar or funnel stage, longest in their state first (cached)."""
    _selection(dimension, value)  # bad input fails before the cache sees it
    args = {**filters.key(), "dimension": dimension, "value": value}

    def count(session: Session) -> int:
        stmt = _drill(select(func.count()).select_from(Registration), filters, dimension, value)
        return int(session.scalar(stmt) or 0)

    frame = ctx.cached(
        NAMESPACE,
        "progress.drilldown",
        args,
        lambda s: _drill_rows(s, filters, dimension, value),
        replica=True,
    )
    # Fewer rows than the limit are all of them; only a full list needs the count.
    total = (
        len(frame)
        if len(frame) < DRILL_LIMIT
        else ctx.cached(NAMESPACE, "progress.drilldown_count", args, count, replica=True)
    )
    days = (pd.Timestamp(clock.now()) - frame["changed"]).dt.total_seconds() / 86400
    return Drilldown(frame.assign(days_in_state=days.round(1))[DRILL_COLUMNS], int(total))


def localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The export as `lang` reads it: headers, status names, years (BE in Thai) and times (office zone)."""
    out = frame.assign(
        academic_year=[display_year(int(y), lang) for y in frame["academic_year"]],
        status_label=[gettext(lang, label(s)) for s in frame["status"]],
        submitted_at=format_datetimes(frame["submitted_at"], lang),
        status_changed_at=format_datetimes(frame["status_changed_at"], lang),
    )
    return with_headers(out[list(EXPORT_HEADERS)], EXPORT_HEADERS, lang)


def export_rows(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    """Every filtered registration, one row each with names and stored (UTC) times (cached)."""

    def read(session: Session) -> pd.DataFrame:
        return query_registrations(session, filters)[EXPORT_COLUMNS]

    # Rows carry company, course, program and faculty names: their writers' namespaces count too.
    namespaces = (*NAMESPACE, "postings", "courses", "lookups")
    return ctx.cached(namespaces, "progress.export", filters.key(), read, replica=True)
