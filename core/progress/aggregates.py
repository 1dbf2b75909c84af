"""Small SQL aggregates behind the progress page's KPIs, funnel, timeline and breakdowns.

Choice (measured at 200k registrations / 870k events, cold cache): the page used to load one
pandas frame per registration (2-4.5 s) and one per timeline event (5-17 s) and count in pandas;
the page took 18 s on SQLite and 29 s on MariaDB. Now each number is one GROUP BY returning a
few dozen rows, joining only the tables the filters need:
- KPIs and funnel: GROUP BY (furthest_stage, status). furthest_stage is a denormalised column
  (migration 0003: 0 submitted .. 5 completed, the furthest stage any event reached), kept in the
  same transaction by core.workflow_store.apply_transition, set by the importer and the demo
  loader; ix_registrations_progress (section_id, status, furthest_stage, student_id,
  submitted_at) covers it. 30-70 ms on both back ends.
- Timeline: GROUP BY (the office's day, status), rolled up to weeks/months in pandas. 45-90 ms.
- Breakdowns: GROUP BY a plain id, named from a small lookup (grouping by a Thai-collated name
  ran the collation per comparison: 12 s on SQLite). 15-300 ms.
- "The previous term at the same point" still needs events (the state as of the cutoff), but only
  that term's, via two correlated index lookups per registration: 0.3 s on SQLite, 1 s on MariaDB
  (page default: last year's term months in; measure again if it grows, a (registration_id, at,
  to_status) index would make the lookups covering).
The events frame now serves only the Bottlenecks section, read when the user asks for it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Select, case, func, literal_column, select
from sqlalchemy.orm import Session

from core.progress.scope import ProgressFilters, raw, scoped, term_conditions
from core.registrations.states import FUNNEL_RANK, PLACED, Status
from db.models import (
    Company,
    Course,
    CourseSection,
    Faculty,
    Internship,
    Program,
    Registration,
    RegistrationCount,
    RegistrationEvent,
    Student,
)

Query = Select[*tuple[Any, ...]]

# Breakdowns GROUP BY a plain id on the registration side (grouping by a Thai-collated name calls
# the collation on every comparison: 12 s on SQLite at 200k), then name the ids from a small lookup.
# Faculty and program share the GROUP BY program id, company and province the one by posting id:
# the page's five charts cost three queries (a lookup maps a program to its faculty, a posting to
# its company or province).
BASES: dict[str, tuple[Any, dict[str, bool]]] = {
    "program": (Student.program_id, {"student": True}),
    "course": (CourseSection.course_id, {"section": True}),
    "posting": (Registration.internship_id, {}),
}
BASE_OF = {
    "faculty": "program",
    "program": "program",
    "course": "course",
    "company": "posting",
    "province": "posting",
}
# The cache namespaces whose writers change a dimension's names.
NAMES_NAMESPACE = {
    "faculty": "lookups",
    "program": "lookups",
    "course": "courses",
    "company": "postings",
    "province": "postings",
}


def _lookup(dimension: str) -> Query:
    """(group id, key, label) naming the ids a breakdown groups by."""
    if dimension == "faculty":
        return select(Program.id, Faculty.id, Faculty.name_th).join(Faculty, Faculty.id == Program.faculty_id)
    if dimension == "program":
        return select(Program.id, Program.id, Program.name_th)
    if dimension == "course":
        return select(Course.id, Course.id, Course.code + " " + Course.name_th)
    if dimension == "company":
        return select(Internship.id, Company.id, Company.name_th).join(
            Company, Company.id == Internship.company_id
        )
    return select(Internship.id, Internship.province, Internship.province).where(
        Internship.province.is_not(None)
    )


def status_stage_counts(session: Session, filters: ProgressFilters) -> pd.DataFrame:
    """Registrations per (current status, furthest stage): columns status, stage, n.

    From the rollup (per section, status and stage; core.registrations.rollups) unless the filters
    name a faculty or program, which only the registrations' students know.
    """
    if filters.faculty_id is None and filters.program_id is None:
        return _rolled_up_counts(session, filters)
    stmt = select(raw(Registration.status), Registration.furthest_stage, func.count()).select_from(
        Registration
    )
    stmt = scoped(stmt, filters).group_by(Registration.furthest_stage, Registration.status)
    rows = session.execute(stmt).all()
    return pd.DataFrame([(str(s), int(k), int(n)) for s, k, n in rows], columns=["status", "stage", "n"])


def _rolled_up_counts(session: Session, filters: ProgressFilters) -> pd.DataFrame:
    counted = RegistrationCount
    total = func.sum(counted.n)
    stmt = select(counted.status, counted.furthest_stage, total).select_from(counted)
    conditions = term_conditions(filters)
    if conditions:
        stmt = stmt.join(CourseSection, CourseSection.id == counted.section_id).where(*conditions)
    stmt = stmt.group_by(counted.furthest_stage, counted.status).having(total != 0)
    rows = session.execute(stmt).all()
    return pd.DataFrame([(str(s), int(k), int(n)) for s, k, n in rows], columns=["status", "stage", "n"])


def first_submitted(session: Session, filters: ProgressFilters) -> datetime | None:
    """When the first of the filtered registrations was submitted (aware UTC), or None.

    The earliest per section, one index dive each on ix_registrations_section_submitted: 1 ms
    for a 100k-registration year instead of 34 ms scanning it on MariaDB, whose optimiser picks
    the wider covering index unless told (SQLite finds it alone).
    """
    people = replace(filters, academic_year=None, semester=None, course_id=None)
    earliest = (
        scoped(select(Registration.submitted_at).select_from(Registration), people)
        .with_hint(Registration, "FORCE INDEX (ix_registrations_section_submitted)", "mysql")
        .where(Registration.section_id == CourseSection.id)
        .order_by(Registration.submitted_at)
        .limit(1)
        .correlate(CourseSection)
        .scalar_subquery()
    )
    stmt = select(func.min(earliest)).select_from(CourseSection).where(*term_conditions(filters))
    first: datetime | None = session.scalar(stmt)
    return first


def status_stage_counts_at(session: Session, filters: ProgressFilters, cutoff: datetime) -> pd.DataFrame:
    """Like status_stage_counts, as things stood at `cutoff` (from the timeline up to then).

    Two correlated subqueries per registration submitted by then, each an index range on
    (registration_id, at): 0.4 s on SQLite / 0.9 s on MariaDB for a 40k-registration term,
    half the time of the same with window functions over that term's events.
    """
    ev, rid = RegistrationEvent, Registration.id
    until = (ev.registration_id == rid, ev.at <= cutoff)
    last = select(raw(ev.to_status)).where(*until).order_by(ev.at.desc(), ev.id.desc()).limit(1)
    rank = case({s.value: r for s, r in FUNNEL_RANK.items()}, value=raw(ev.to_status), else_=0)
    reached = select(func.max(rank)).where(*until)
    inner = select(last.scalar_subquery().label("status"), reached.scalar_subquery().label("stage"))
    sub = (
        scoped(inner.select_from(Registration), filters).where(Registration.submitted_at <= cutoff).subquery()
    )
    rows = session.execute(
        select(sub.c.status, sub.c.stage, func.count()).group_by(sub.c.status, sub.c.stage)
    )
    # No event by then (cannot happen for app-made rows, which start with one): still "submitted".
    return pd.DataFrame(
        [(str(s or Status.SUBMITTED.value), int(k or 0), int(n)) for s, k, n in rows.all()],
        columns=["status", "stage", "n"],
    )


def local_day(session: Session, column: Any, offset_minutes: int) -> Any:
    """The calendar day of a stored (UTC) time in a zone `offset_minutes` ahead of UTC."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"{offset_minutes:+d} minutes")
    return func.date(func.timestampadd(literal_column("MINUTE"), offset_minutes, column))


def submitted_per_day(session: Session, filters: ProgressFilters, offset_minutes: int = 0) -> pd.DataFrame:
    """Registrations per day of submission (in the zone `offset_minutes` ahead of UTC) and current status:
    columns day, status, n."""
    day = local_day(session, Registration.submitted_at, offset_minutes)
    stmt = select(day, raw(Registration.status), func.count()).select_from(Registration)
    rows = session.execute(scoped(stmt, filters).group_by(day, Registration.status)).all()
    frame = pd.DataFrame([(d, str(s), int(n)) for d, s, n in rows], columns=["day", "status", "n"])
    frame["day"] = pd.to_datetime(frame["day"].astype(str))
    return frame


def group_counts(session: Session, filters: ProgressFilters, base: str) -> pd.DataFrame:
    """Registrations and placed students per program, course or posting id."""
    group, joins = BASES[base]
    placed = func.sum(case((raw(Registration.status).in_(sorted(s.value for s in PLACED)), 1), else_=0))
    stmt = scoped(select(group, func.count(), placed).select_from(Registration), filters, **joins)
    rows = session.execute(stmt.where(group.is_not(None)).group_by(group)).all()
    return pd.DataFrame(
        [(int(g), int(n), int(p or 0)) for g, n, p in rows],
        columns=["gid", "registrations", "placed_students"],
    )


def group_names(session: Session, dimension: str) -> pd.DataFrame:
    """The key and label of each group id of `dimension`: columns gid, key, label."""
    rows = session.execute(_lookup(dimension)).all()
    return pd.DataFrame([(int(g), str(k), str(lb)) for g, k, lb in rows], columns=["gid", "key", "label"])
