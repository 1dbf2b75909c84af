"""One registration as a reviewer sees it: student, course, posting, timeline, votes, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import NotFound
from core.registrations import states as rules
from core.registrations.committee import CommitteeStatus, may_view, status_in
from core.registrations.queue import with_placement_and_advisor
from core.registrations.store import committee_members, get_registration
from db.models import (
    Company,
    Course,
    CourseSection,
    Internship,
    Program,
    Registration,
    RegistrationEvent,
    Student,
    User,
)
from db.models import RegistrationStatus as S


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the registration's history."""

    at: datetime
    from_status: str | None
    to_status: str
    actor: str | None
    reason: str | None


@dataclass(frozen=True)
class ActionOption:
    """An action the viewer may take now."""

    action: str
    label: str  # an English msgid
    target: str  # the status it leads to
    needs_reason: bool
    needs_posting: bool


@dataclass(frozen=True)
class RegistrationDetail:
    """Everything the detail view shows about one registration."""

    id: int
    status: str
    version: int
    submitted_at: datetime
    status_changed_at: datetime
    student_code: str
    student_name_th: str
    student_name_en: str
    student_email: str | None
    program_th: str
    program_en: str
    course_code: str
    course_th: str
    course_en: str
    section: str
    semester: int
    academic_year: int
    advisor: str | None
    internship_id: int | None
    posting: str | None
    company: str | None  # its Thai name
    timeline: tuple[TimelineEntry, ...]
    committee: CommitteeStatus
    allowed_actions: tuple[ActionOption, ...]
    can_vote: bool


def _facts(session: Session, registration_id: int) -> dict[str, object]:
    advisor = aliased(User)
    stmt = (
        select(
            Student,
            Program,
            Course,
            CourseSection,
            Internship.title,
            Company.name_th,
            advisor.full_name,
        )
        .select_from(Registration)
        .join(Student, Student.id == Registration.student_id)
        .join(Program, Program.id == Student.program_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .where(Registration.id == registration_id)
    )
    stmt = with_placement_and_advisor(stmt, advisor)
    student, program, course, section, title, company, advisor_name = session.execute(stmt).one()
    return {  # keyword arguments of RegistrationDetail
        "student_code": student.student_code,
        "student_name_th": f"{student.first_name_th} {student.last_name_th}",
        "student_name_en": f"{student.first_name_en} {student.last_name_en}",
        "student_email": student.email,
        "program_th": program.name_th,
        "program_en": program.name_en,
        "course_code": course.code,
        "course_th": course.name_th,
        "course_en": course.name_en,
        "section": section.section,
        "semester": section.semester,
        "academic_year": section.academic_year,
        "advisor": advisor_name,
        "posting": title,
        "company": company,
    }


def _timeline(session: Session, registration_id: int) -> tuple[TimelineEntry, ...]:
    stmt = (
        select(RegistrationEvent, User.full_name)
        .outerjoin(User, User.id == RegistrationEvent.actor_id)
        .where(RegistrationEvent.registration_id == registration_id)
        .order_by(RegistrationEvent.at, RegistrationEvent.id)
    )
    return tuple(
        TimelineEntry(e.at, e.from_status.value if e.from_status else None, e.to_status.value, name, e.reason)
        for e, name in session.execute(stmt).all()
    )


def _options(actor: Actor, reg: Registration) -> tuple[ActionOption, ...]:
    rows = rules.allowed(actor.role, reg.status, own_advisee=reg.advisor_id == actor.user_id)
    return tuple(
        ActionOption(t.action, rules.ACTION_LABELS[t.action], t.target.value, t.needs_reason, t.needs_posting)
        for t in rows
    )


def registration_detail(ctx: AppContext, *, actor: Actor, registration_id: int) -> RegistrationDetail:
    """The registration with its student, posting, timeline, votes and the actions valid now for `actor`."""
    require(actor, Permission.VIEW_REGISTRATION)
    with ctx.sessions.begin() as session:
        reg = get_registration(session, registration_id)
        if not may_view(session, actor, reg):
            raise NotFound("No such registration.")
        committee = status_in(session, reg)
        member = actor.user_id in committee_members(session, reg.section_id)
        voted = any(m.user_id == actor.user_id and m.vote for m in committee.members)
        return RegistrationDetail(
            id=reg.id,
            status=reg.status.value,
            version=reg.version,
            submitted_at=reg.submitted_at,
            status_changed_at=reg.status_changed_at,
            internship_id=reg.internship_id,
            timeline=_timeline(session, reg.id),
            committee=committee,
            allowed_actions=_options(actor, reg),
            can_vote=member and reg.status == S.ADVISOR_APPROVED and not voted,
            **_facts(session, reg.id),  # type: ignore[arg-type]
        )
