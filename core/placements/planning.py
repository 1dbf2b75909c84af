"""Planning a section's visits in one go: grouped by province to save travel, spread evenly over the
term, shown for editing before anything is saved.

Visit k of N falls in the k-th of N equal parts of the term. Within a part, the students are taken
province by province (then company): up to SLOTS_PER_DAY visits a day in one province, and those
days spread evenly over the part's working days (Monday to Friday). The visitor is the student's
advisor and the mode on site; the office changes any of it before saving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import DomainError, InvalidInput, NotFound
from core.i18n import msg, office_moment, together
from core.placements.rules import BUMPS, EDITABLE, registration_for
from core.placements.visits import add_visit
from core.terms import term_window
from db.models import (
    Company,
    Course,
    CourseSection,
    Internship,
    Placement,
    Registration,
    Student,
    Visit,
    VisitMode,
)
from db.models import VisitStatus as V

SLOTS = (time(9, 0), time(10, 30), time(13, 0), time(14, 30))
SLOTS_PER_DAY = len(SLOTS)
MAX_PLAN = 2000
COLUMNS = ("registration_id", "student_code", "student", "company", "province", "number", "planned_at",
           "mode", "visitor_id")  # fmt: skip


def working_days(first: date, last: date) -> list[date]:
    """Monday to Friday from `first` to `last`."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def _needed(session: Session, section_id: int) -> list[dict[str, Any]]:
    """Every missing visit number of the section's placed and working students, with where they work."""
    rows = session.execute(
        select(Registration.id, Registration.advisor_id, Student.student_code,
               (Student.first_name_th + " " + Student.last_name_th).label("student"), Company.name_th,
               Company.province, Placement.id, Course.visit_count)
        .join(Student, Student.id == Registration.student_id)
        .join(Placement, Placement.registration_id == Registration.id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(Internship, Internship.id == Registration.internship_id)
        .outerjoin(Company, Company.id == Internship.company_id)
        .where(Registration.section_id == section_id, Registration.status.in_(EDITABLE))
    ).all()  # fmt: skip
    taken: dict[int, set[int]] = {}
    ids = [r[6] for r in rows]
    if ids:
        for pid, number in session.execute(
            select(Visit.placement_id, Visit.number).where(
                Visit.placement_id.in_(ids), Visit.status != V.CANCELLED
            )
        ):
            taken.setdefault(pid, set()).add(number)
    needed = []
    for rid, advisor, code, student, company, province, pid, count in rows:
        for number in range(1, count + 1):
            if number not in taken.get(pid, set()):
                needed.append({"registration_id": rid, "student_code": code, "student": student,
                               "company": company or "", "province": province or "", "number": number,
                               "visitor_id": advisor, "of": count})  # fmt: skip
    return needed


def spread(items: list[dict[str, Any]], days: list[date]) -> list[tuple[dict[str, Any], datetime]]:
    """Each item with a local time: province by province, SLOTS_PER_DAY a day, days spread evenly."""
    ordered = sorted(items, key=lambda i: (i["province"], i["company"], i["student_code"]))
    batches: list[list[dict[str, Any]]] = []
    for _province, group in groupby(ordered, key=lambda i: i["province"]):
        members = list(group)
        batches += [members[n : n + SLOTS_PER_DAY] for n in range(0, len(members), SLOTS_PER_DAY)]
    out = []
    for n, batch in enumerate(batches):
        day = days[n * len(days) // len(batches)] if len(batches) <= len(days) else days[n % len(days)]
        out += [(item, datetime.combine(day, SLOTS[k])) for k, item in enumerate(batch)]
    return out


def propose_visits(ctx: AppContext, *, actor: Actor, section_id: int) -> pd.DataFrame:
    """The visits a section still needs, dated and assigned, for the office to edit before saving."""
    require(actor, Permission.VIEW_VISITS_EVALUATIONS)
    require(actor, Permission.MANAGE_PLACEMENTS)
    with ctx.sessions.begin() as session:
        section = session.get(CourseSection, section_id)
        if section is None:
            raise NotFound("No such section.")
        needed = _needed(session, section_id)
    term = term_window(section.academic_year, section.semester, ctx.settings.term_calendar)
    length = (term.end - term.start).days + 1
    planned: list[dict[str, Any]] = []
    for of, by_count in groupby(sorted(needed, key=lambda i: (i["of"], i["number"])), key=lambda i: i["of"]):
        for number, items in groupby(by_count, key=lambda i: i["number"]):
            first = term.start + timedelta(days=length * (number - 1) // of)
            last = term.start + timedelta(days=length * number // of - 1)
            days = working_days(first, last) or [first]
            for item, moment in spread(list(items), days):
                planned.append({**item, "planned_at": moment, "mode": VisitMode.ONSITE.value})
    frame = pd.DataFrame(planned, columns=[*COLUMNS, "of"])[list(COLUMNS)]
    return frame.sort_values(["planned_at", "province", "student_code"], kind="stable").reset_index(drop=True)


def _row_values(row: Mapping[str, Any]) -> tuple[int, datetime, str, int | None]:
    moment = row.get("planned_at")
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    if not isinstance(moment, datetime):
        raise InvalidInput("Enter the visit's date and time.")
    visitor = row.get("visitor_id")
    visitor_id = None if visitor is None or pd.isna(visitor) else int(visitor)
    return (
        int(row["registration_id"]),
        office_moment(moment).astimezone(UTC),
        str(row.get("mode") or ""),
        visitor_id,
    )


def save_visit_plan(ctx: AppContext, *, actor: Actor, rows: Sequence[Mapping[str, Any]]) -> int:
    """Save the edited plan, all or nothing; InvalidInput names every row that cannot be planned."""
    require(actor, Permission.VIEW_VISITS_EVALUATIONS)
    if not rows:
        raise InvalidInput("There is no visit to plan.")
    if len(rows) > MAX_PLAN:
        raise InvalidInput("Plan at most {n} visits at a time.", n=MAX_PLAN)
    with ctx.change(actor, *BUMPS) as change:
        session, problems, ids = change.session, [], []
        for n, row in enumerate(rows, 1):
            try:
                registration_id, moment, mode, visitor_id = _row_values(row)
                reg = registration_for(session, actor, registration_id)
                if reg.status not in EDITABLE:
                    raise InvalidInput("Registration {id} is not placed or in progress.", id=reg.id)
                ids.append(add_visit(session, reg, planned_at=moment, mode=mode, visitor_id=visitor_id).id)
            except DomainError as exc:
                problems.append(msg("Row {n}: {problem}", n=n, problem=exc.text))
        if problems:
            raise InvalidInput(together(*problems))
        change.audit("visit.plan_many", "visit", None, after={"visits": ids})
        return len(ids)
