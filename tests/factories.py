"""Generic ORM builders for tests: each adds one row (plus whatever it needs) to a session and returns its id.

Use inside `with ctx.sessions.begin() as s:`. Every argument has a default, and anything the
function does not name can be passed through `**fields` to the model. Codes are unique per call.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core import clock
from db.models import (
    Company,
    Course,
    CourseKind,
    CourseSection,
    Faculty,
    Internship,
    Program,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    Student,
    WorkMode,
    section_committee,
)
from db.models.registrations import funnel_rank

_serial = itertools.count(1)


def _add(s: Session, row: Any) -> int:
    s.add(row)
    s.flush()
    return int(row.id)


def faculty(s: Session, **fields: Any) -> int:
    """A faculty."""
    n = next(_serial)
    values = {"code": f"FAC{n}", "name_th": f"คณะ {n}", "name_en": f"Faculty {n}", **fields}
    return _add(s, Faculty(**values))


def program(s: Session, faculty_id: int | None = None, **fields: Any) -> int:
    """A program (with a new faculty unless one is given)."""
    n = next(_serial)
    values = {"code": f"PRG{n}", "name_th": f"สาขา {n}", "name_en": f"Program {n}", **fields}
    return _add(s, Program(faculty_id=faculty_id or faculty(s), **values))


def student(s: Session, program_id: int | None = None, **fields: Any) -> int:
    """A student (with a new program unless one is given)."""
    n = next(_serial)
    values = {
        "student_code": f"65{n:08d}",
        "first_name_th": f"สมชาย{n}",
        "last_name_th": f"ใจดี{n}",
        "first_name_en": f"Somchai{n}",
        "last_name_en": f"Jaidee{n}",
        "email": f"s{n}@example.ac.th",
        "year": 4,
        **fields,
    }
    return _add(s, Student(program_id=program_id or program(s), **values))


def company(s: Session, **fields: Any) -> int:
    """A company."""
    n = next(_serial)
    values = {
        "registration_no": f"010555{n:07d}",
        "name_th": f"บริษัท {n} จำกัด",
        "name_en": f"Company {n} Ltd",
        "province": "Bangkok",
        **fields,
    }
    return _add(s, Company(**values))


def posting(s: Session, company_id: int | None = None, *, slots: int = 1, **fields: Any) -> int:
    """An open internship posting (with a new company unless one is given)."""
    n = next(_serial)
    values = {"title": f"Intern {n}", "province": "Bangkok", "work_mode": WorkMode.ONSITE, **fields}
    return _add(s, Internship(company_id=company_id or company(s), slots=slots, **values))


def course(s: Session, **fields: Any) -> int:
    """An internship course."""
    n = next(_serial)
    values = {
        "code": f"CRS{n}",
        "name_th": f"ฝึกงาน {n}",
        "name_en": f"Internship {n}",
        "credits": 3,
        "kind": CourseKind.INTERNSHIP,
        **fields,
    }
    return _add(s, Course(**values))


def section(
    s: Session,
    course_id: int | None = None,
    *,
    capacity: int = 30,
    academic_year: int = 2026,
    semester: int = 1,
    **fields: Any,
) -> int:
    """A course section in one term (with a new course unless one is given)."""
    n = next(_serial)
    values = {"section": f"S{n}", **fields}
    return _add(
        s,
        CourseSection(
            course_id=course_id or course(s),
            capacity=capacity,
            academic_year=academic_year,
            semester=semester,
            **values,
        ),
    )


def committee(s: Session, section_id: int, user_ids: list[int]) -> None:
    """Put these users on the section's committee."""
    if user_ids:
        s.execute(insert(section_committee), [{"section_id": section_id, "user_id": u} for u in user_ids])


def registration(
    s: Session,
    *,
    student_id: int | None = None,
    section_id: int | None = None,
    internship_id: int | None = None,
    advisor_id: int | None = None,
    status: RegistrationStatus | str = RegistrationStatus.SUBMITTED,
    at: datetime | None = None,
    actor_id: int | None = None,
    **fields: Any,
) -> int:
    """A registration in `status` since `at`, with one timeline event (None -> status) so history is complete."""
    when = at or clock.now()
    state = RegistrationStatus(status)
    reg_id = _add(
        s,
        Registration(
            student_id=student_id or student(s),
            section_id=section_id or section(s),
            internship_id=internship_id,
            advisor_id=advisor_id,
            status=state,
            # Consistent with the one timeline event below, as every real writer keeps it.
            furthest_stage=fields.pop("furthest_stage", funnel_rank(state.value)),
            submitted_at=fields.pop("submitted_at", when),
            status_changed_at=when,
            **fields,
        ),
    )
    s.add(
        RegistrationEvent(
            registration_id=reg_id, from_status=None, to_status=state, actor_id=actor_id, at=when
        )
    )
    return reg_id
