"""The one way tests build rows: each function adds one row (plus whatever it needs) to a session and
returns its id.

Use inside `with ctx.sessions.begin() as s:`, or `f.new(ctx, f.posting, ...)` for a single row in
its own transaction. Every argument has a default; anything a function does not name goes to the
model through `**fields`. Codes are unique per call, and postings are indexed for search as the
app stores them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core import clock
from core.context import AppContext
from core.postings.posting import search_text_for
from core.registrations import rollups, states
from db.models import (
    CommitteeVote,
    Company,
    Course,
    CourseKind,
    CourseSection,
    Faculty,
    Internship,
    Placement,
    PostingStatus,
    Program,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    Student,
    Vote,
    WorkMode,
    internship_programs,
    section_committee,
)

T = TypeVar("T")
_serial = itertools.count(1)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)  # postings are a minute apart from here, in call order


@dataclass(frozen=True)
class Step:
    """One step of a registration's timeline: the state entered, when, and by whom."""

    status: str
    at: datetime
    actor_id: int | None = None


def new(ctx: AppContext, factory: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """One row from `factory`, in a transaction of its own."""
    with ctx.sessions.begin() as s:
        return factory(s, *args, **kwargs)


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


def posting(
    s: Session,
    company_id: int | None = None,
    title: str | None = None,
    *,
    slots: int = 1,
    status: str = PostingStatus.OPEN.value,
    work_mode: str = WorkMode.ONSITE.value,
    period: tuple[date | None, date | None] = (None, None),
    programs: Sequence[int] = (),
    **fields: Any,
) -> int:
    """An indexed posting (with a new company unless one is given), a minute newer than the last one."""
    n = next(_serial)
    owner = s.get_one(Company, company_id or company(s))
    values = {
        "title": title or f"Intern {n}",
        "province": "Bangkok",
        "period_start": period[0],
        "period_end": period[1],
        "created_at": CREATED + timedelta(minutes=n),
        **fields,
    }
    row = Internship(
        company_id=owner.id,
        slots=slots,
        status=PostingStatus(status),
        work_mode=WorkMode(work_mode),
        **values,
    )
    row.search_text = search_text_for(row, owner)
    posting_id = _add(s, row)
    if programs:
        s.execute(
            insert(internship_programs), [{"internship_id": posting_id, "program_id": p} for p in programs]
        )
    return posting_id


def course(s: Session, **fields: Any) -> int:
    """An internship course."""
    n = next(_serial)
    values = {
        "code": f"CRS{n}",
        "name_th": f"ฝึกงาน {n}",
        "name_en": f"Internship {n}",
        "credits": 3,
        "kind": CourseKind.INTERNSHIP,
        # No evaluation is required unless a test asks for it (the completion rule's own tests do).
        "required_evaluations": "",
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
    members: Sequence[int] = (),
    **fields: Any,
) -> int:
    """A course section in one term (with a new course unless one is given) and its committee."""
    n = next(_serial)
    values = {"section": f"S{n}", **fields}
    section_id = _add(
        s,
        CourseSection(
            course_id=course_id or course(s),
            capacity=capacity,
            academic_year=academic_year,
            semester=semester,
            **values,
        ),
    )
    committee(s, section_id, list(members))
    return section_id


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
    steps: Sequence[Step] = (),
    **fields: Any,
) -> int:
    """A registration and its timeline: `steps` as given, or one event (None -> `status`) at `at`."""
    when = at or clock.now()
    path = list(steps) or [Step(RegistrationStatus(status).value, when, actor_id)]
    reg_id = _add(
        s,
        Registration(
            student_id=student_id or student(s),
            section_id=section_id or section(s),
            internship_id=internship_id,
            advisor_id=advisor_id,
            status=RegistrationStatus(path[-1].status),
            # Consistent with the timeline below, as every real writer keeps it.
            furthest_stage=fields.pop("furthest_stage", max(states.funnel_rank(p.status) for p in path)),
            submitted_at=fields.pop("submitted_at", path[0].at),
            status_changed_at=path[-1].at,
            updated_at=path[-1].at,
            **fields,
        ),
    )
    previous: str | None = None
    for step in path:
        s.add(
            RegistrationEvent(
                registration_id=reg_id,
                from_status=RegistrationStatus(previous) if previous else None,
                to_status=RegistrationStatus(step.status),
                actor_id=step.actor_id,
                at=step.at,
            )
        )
        previous = step.status
    s.flush()
    reg = s.get(Registration, reg_id)
    assert reg is not None
    rollups.count_new(s, [(reg.section_id, reg.status, reg.furthest_stage)])  # as every real writer does
    return reg_id


def placement(s: Session, registration_id: int, **fields: Any) -> int:
    """Placement details of a registration (dates in term 1/2026 unless given)."""
    values = {
        "supervisor_name": "คุณสมศรี ดูแลดี",
        "start_date": date(2026, 6, 15),
        "end_date": date(2026, 10, 15),
        **fields,
    }
    return _add(s, Placement(registration_id=registration_id, **values))


def vote(s: Session, registration_id: int, member_id: int, *, at: datetime, approve: bool = True) -> None:
    """A committee member's vote."""
    choice = Vote.APPROVE if approve else Vote.REJECT
    s.add(CommitteeVote(registration_id=registration_id, member_id=member_id, vote=choice, at=at))
