"""The review queue: filtered, sorted registrations, paged by keyset (never OFFSET)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from functools import lru_cache
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Select, func, select, union_all

from core import clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.export import to_csv_bytes, to_excel_bytes, with_headers
from core.i18n import N_, format_datetimes, format_term, gettext
from core.registrations.queue_order import ADVISOR, SORTS, SortKey, after, encode, order_by
from core.registrations.states import OPEN, is_overdue, label
from core.students import name_matches
from db.models import (
    Company,
    Course,
    CourseSection,
    Internship,
    Program,
    Registration,
    RegistrationCount,
    RegistrationStatus,
    Role,
    Student,
)

Query = Select[*tuple[Any, ...]]
MAX_PAGE = 500
MAX_EXPORT = 50_000

MAX_TEXT = 200  # SQLite refuses LIKE patterns over 50,000 bytes

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])
WAITING = {s.value for s in OPEN}


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer narrowed the queue to; None / empty means no filter."""

    statuses: tuple[str, ...] = ()
    academic_year: int | None = None
    semester: int | None = None
    course_id: int | None = None
    section_id: int | None = None
    faculty_id: int | None = None
    program_id: int | None = None
    advisor_id: int | None = None
    company_id: int | None = None
    min_days_waiting: int | None = None
    text: str = ""


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page starts: the last row's sort values (one per sort column) and id."""

    sort: str
    ascending: bool
    values: tuple[Any, ...]
    id: int


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the cursor of the next page (None on the last page)."""

    rows: pd.DataFrame
    next_cursor: QueueCursor | None


def with_placement_and_advisor(stmt: SelectT, advisor: Any) -> SelectT:
    """Outer-join a registration query to its posting, the posting's company and the advisor."""
    return (
        stmt.outerjoin(Internship, Internship.id == Registration.internship_id)
        .outerjoin(Company, Company.id == Internship.company_id)
        .outerjoin(advisor, advisor.id == Registration.advisor_id)
    )


def _base(straight: bool = True) -> Query:
    advisor = ADVISOR
    stmt = (
        select(
            Registration.id,
            Student.student_code,
            (Student.first_name_th + " " + Student.last_name_th).label("student"),
            (Student.first_name_en + " " + Student.last_name_en).label("student_en"),
            Course.code.label("course"),
            CourseSection.section,
            CourseSection.semester,
            CourseSection.academic_year,
            Registration.status,
            advisor.full_name.label("advisor"),
            Company.name_en.label("company"),
            Internship.title.label("posting"),
            Registration.submitted_at,
            Registration.status_changed_at,
            Registration.version,
        )
        .select_from(Registration)
        .join(Student, Student.id == Registration.student_id)
        .join(Program, Program.id == Student.program_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
    )
    stmt = with_placement_and_advisor(stmt, advisor)
    if not straight:  # sorted on a joined column: let MariaDB choose the join order
        return stmt
    # MariaDB otherwise starts from a small joined table and sorts everything; this keeps the
    # queue index (status, status_changed_at, id) driving the plan.
    return stmt.prefix_with("STRAIGHT_JOIN", dialect="mysql")


def _statuses(values: tuple[str, ...]) -> list[RegistrationStatus]:
    try:
        return [RegistrationStatus(v) for v in values]
    except ValueError:
        raise InvalidInput("Unknown registration status in the filter.") from None


def _where(stmt: Query, f: QueueFilters) -> Query:
    if f.statuses:
        stmt = stmt.where(Registration.status.in_(_statuses(f.statuses)))
    equal = {
        CourseSection.academic_year: f.academic_year,
        CourseSection.semester: f.semester,
        CourseSection.course_id: f.course_id,
        Registration.section_id: f.section_id,
        Program.faculty_id: f.faculty_id,
        Student.program_id: f.program_id,
        Registration.advisor_id: f.advisor_id,
        Internship.company_id: f.company_id,
    }
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if f.min_days_waiting:
        stmt = stmt.where(Registration.status_changed_at <= clock.now() - timedelta(days=f.min_days_waiting))
    text = unicodedata.normalize("NFC", f.text).strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput("Search the queue with at most {n} characters.", n=MAX_TEXT)
    if text:
        stmt = stmt.where(name_matches(text))
    return stmt


def sees_own_advisees_only(actor: Actor) -> bool:
    """Whether the queue shows `actor` only their own advisees (then the advisor filter means nothing)."""
    return actor.role == Role.ADVISOR


def _scoped(actor: Actor, filters: QueueFilters) -> QueueFilters:
    require(actor, Permission.REVIEW_QUEUE)
    if sees_own_advisees_only(actor):  # whatever the filter says
        return replace(filters, advisor_id=actor.user_id)
    return filters


def _frame(keys: list[str], rows: list[Any], ctx: AppContext) -> pd.DataFrame:
    # Columns built in Python, then one DataFrame: pandas operations on a 50-row frame (insert,
    # string concatenation, isin) cost ~6 ms, three times the query itself.
    columns: dict[str, Any] = dict(zip(keys, zip(*rows, strict=True), strict=True)) if rows else {}
    columns = {k: list(columns.get(k, ())) for k in keys if not k.startswith("_k")}
    statuses = [getattr(s, "value", s) for s in columns["status"]]
    now, limit = clock.now(), ctx.settings.overdue_days
    changed = columns["status_changed_at"]
    days = [(now - t).days for t in changed]
    data = columns | {"status": statuses}
    data["days_in_state"] = pd.array(days, dtype="int64")
    overdue = [is_overdue(s, t, now, limit) for s, t in zip(statuses, changed, strict=True)]
    data["overdue"] = pd.array(overdue, dtype=bool)
    return pd.DataFrame(data)


def _sorted(filters: QueueFilters, key: SortKey, ascending: bool, cursor: QueueCursor | None) -> Query:
    # Waiting registrations are the newest few thousand: walking the whole time index from the
    # oldest row to find them took 157 ms at 200k on MariaDB (360 ms on SQLite, 86 ms without);
    # MariaDB is told by an index hint, SQLite by `+column` when it would walk from the oldest.
    waiting = bool(filters.statuses) and {str(v) for v in filters.statuses} <= WAITING
    terms = order_by(key, ascending, avoid_index=waiting and ascending)
    stmt = _where(_base(key.straight), filters).order_by(*terms)
    # The sort columns ride along as _k0, _k1, ... so the next cursor can be read off the last row.
    stmt = stmt.add_columns(*(c.label(f"_k{i}") for i, c in enumerate(key.columns)))
    if cursor is not None:
        stmt = stmt.where(after(key, ascending, cursor.values, cursor.id))
    if waiting:
        stmt = stmt.with_hint(Registration, "IGNORE INDEX (ix_registrations_changed)", "mysql")
    return stmt


def _merged(
    filters: QueueFilters, key: SortKey, ascending: bool, cursor: QueueCursor | None, n: int
) -> Query:
    # The default view (three waiting statuses, oldest first) sorted every waiting row: 25-60 ms at
    # 200k on MariaDB. The first n rows of an IN list are among the first n of each status, and each
    # of those is an ordered range of the queue index (status, status_changed_at, id): one LIMIT per
    # status, merged, reads at most n rows per status whatever the table's size.
    branches = []
    for status in sorted(set(filters.statuses)):
        one = _where(_base(key.straight), replace(filters, statuses=(status,))).order_by(
            *order_by(key, ascending)
        )
        one = one.add_columns(*(c.label(f"_k{i}") for i, c in enumerate(key.columns)))
        if cursor is not None:
            one = one.where(after(key, ascending, cursor.values, cursor.id))
        branch = one.limit(n).subquery()
        branches.append(select(*branch.c))
    merged = union_all(*branches).subquery("waiting")
    last = [merged.c[f"_k{i}"] for i in range(len(key.columns))] + [merged.c.id]
    return select(*merged.c).order_by(*(c.asc() if ascending else c.desc() for c in last)).limit(n)


@lru_cache(maxsize=256)
def _first_page(filters: QueueFilters, sort: str, ascending: bool, n: int) -> Query:
    if _by_status(filters, sort):
        return _merged(filters, SORTS[sort], ascending, None, n)
    return _sorted(filters, SORTS[sort], ascending, None).limit(n)


def _by_status(filters: QueueFilters, sort: str) -> bool:
    """Whether one ordered LIMIT per status, merged, serves this view (see _merged)."""
    return sort == "status_changed_at" and len(set(filters.statuses)) > 1


def _fetch(
    ctx: AppContext, filters: QueueFilters, sort: str, ascending: bool, cursor: QueueCursor | None, size: int
) -> QueuePage:
    if sort not in SORTS:
        raise InvalidInput("Unknown sort order.")
    key = SORTS[sort]
    if cursor is not None and (cursor.sort, cursor.ascending) != (sort, ascending):
        cursor = None  # the sort changed: start again from the first page
    # Building a statement costs 2-7 ms of Python, as much as running it: a first page without a
    # clock-relative filter is the same statement every time, built once.
    fixed = cursor is None and not filters.min_days_waiting and size <= MAX_PAGE
    if fixed:
        stmt = _first_page(filters, sort, ascending, size + 1)
    elif _by_status(filters, sort) and size <= MAX_PAGE:
        stmt = _merged(filters, key, ascending, cursor, size + 1)
    else:
        stmt = _sorted(filters, key, ascending, cursor).limit(size + 1)
    with ctx.sessions.begin() as session:
        result = session.execute(stmt)
        keys, rows = list(result.keys()), list(result.all())
    more, rows = len(rows) > size, rows[:size]
    next_cursor = None
    if more and rows:
        values = tuple(encode(v) for v in rows[-1][len(keys) - len(key.columns) :])
        next_cursor = QueueCursor(sort, ascending, values, rows[-1].id)
    return QueuePage(_frame(keys, rows, ctx), next_cursor)


def list_queue(
    ctx: AppContext,
    *,
    actor: Actor,
    filters: QueueFilters = QueueFilters(),
    sort: str = "status_changed_at",
    ascending: bool = True,
    cursor: QueueCursor | None = None,
    page_size: int = 50,
) -> QueuePage:
    """One page of the review queue (advisors: own advisees only) and the cursor of the next page."""
    filters = _scoped(actor, filters)
    return _fetch(ctx, filters, sort, ascending, cursor, max(1, min(page_size, MAX_PAGE)))


# Filters the rollup (core.registrations.rollups: per section, status and stage) can answer.
ROLLED_UP = frozenset({"statuses", "academic_year", "semester", "course_id", "section_id"})


def _rolled_up_count(filters: QueueFilters) -> Query | None:
    """The count from the rollup when only status and term filters are set (the default view's)."""
    chosen = {name for name, value in asdict(filters).items() if value not in (None, "", (), 0)}
    if not chosen <= ROLLED_UP:
        return None
    counted = RegistrationCount
    stmt = select(func.coalesce(func.sum(counted.n), 0)).select_from(counted)
    if filters.statuses:
        stmt = stmt.where(counted.status.in_([s.value for s in _statuses(filters.statuses)]))
    term = {
        CourseSection.academic_year: filters.academic_year,
        CourseSection.semester: filters.semester,
        CourseSection.course_id: filters.course_id,
        CourseSection.id: filters.section_id,
    }
    conditions = [column == value for column, value in term.items() if value is not None]
    if conditions:
        stmt = stmt.join(CourseSection, CourseSection.id == counted.section_id).where(*conditions)
    return stmt


def count_queue(ctx: AppContext, *, actor: Actor, filters: QueueFilters = QueueFilters()) -> int:
    """How many registrations match the filters (cached; every write to registrations bumps it)."""
    filters = _scoped(actor, filters)  # advisors' counts are keyed by their own advisor_id
    stmt = _rolled_up_count(filters)
    if stmt is None:
        stmt = select(func.count()).select_from(_where(_base(), filters).subquery())

    # The count re-ran on every rerun of the queue page (120 ms at 200k on MariaDB); a short TTL
    # bounds how late a registration crossing the "waiting at least N days" line is counted.
    key = asdict(filters)
    namespaces = ("registrations", "postings")
    return int(ctx.cached(namespaces, "queue.count", key, lambda s: int(s.scalar(stmt) or 0), ttl=60))


# Exported columns and their headers (msgids, in the reader's language); id and codes keep their names.
EXPORT_HEADERS = {
    "id": "id",
    "student_code": "student_code",
    "student": N_("Student"),
    "student_en": N_("Student (English)"),
    "course": N_("Course"),
    "section": N_("Section"),
    "term": N_("Term"),
    "status": "status",
    "status_label": N_("Status"),
    "advisor": N_("Advisor"),
    "company": N_("Company"),
    "posting": N_("Posting"),
    "submitted_at": N_("Submitted on"),
    "status_changed_at": N_("In this status since"),
    "days_in_state": N_("Days in state"),
    "overdue": N_("Overdue"),
}


def export_queue(
    ctx: AppContext,
    *,
    actor: Actor,
    filters: QueueFilters = QueueFilters(),
    sort: str = "status_changed_at",
    ascending: bool = True,
    fmt: str = "csv",
    lang: str = "en",
) -> bytes:
    """The whole filtered queue (up to MAX_EXPORT rows) as CSV or Excel bytes, formula-safe, its
    headers, statuses, terms and times as `lang` writes them."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("Export as csv or xlsx.")
    rows = _fetch(ctx, _scoped(actor, filters), sort, ascending, None, MAX_EXPORT).rows
    terms = zip(rows["semester"], rows["academic_year"], strict=True)
    frame = rows.assign(
        term=[format_term(s, y, lang) for s, y in terms],
        status_label=[gettext(lang, label(s)) for s in rows["status"]],
        submitted_at=format_datetimes(rows["submitted_at"], lang),
        status_changed_at=format_datetimes(rows["status_changed_at"], lang),
    )[list(EXPORT_HEADERS)]
    frame = with_headers(frame, EXPORT_HEADERS, lang)
    return (
        to_csv_bytes(frame)
        if fmt == "csv"
        else to_excel_bytes(frame, sheet_name=gettext(lang, "Review queue"))
    )
