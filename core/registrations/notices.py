"""Mails to a student about their registration, written in the caller's transaction (the outbox).

Students are records, not users: they read mail in their placement's document language when it is
known, else in the office's default language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import mail
from core.context import get_context
from db.models import (
    Company,
    Course,
    CourseSection,
    Internship,
    Placement,
    Registration,
    RegistrationStatus,
    Student,
)

# The student hears of these steps; the subject says which.
STUDENT_MAILS = {
    RegistrationStatus.NEEDS_CHANGES: "registration_needs_changes",
    RegistrationStatus.REJECTED: "registration_rejected",
    RegistrationStatus.COMMITTEE_APPROVED: "registration_approved",
}


@dataclass(frozen=True)
class StudentContact:
    """Where and how to write to a registration's student."""

    email: str | None
    name: str
    language: str
    course: str


def _defaults() -> tuple[str, str]:
    ctx = get_context()
    if ctx is None:
        return "th", "localhost"
    return ctx.settings.default_language, mail.message_domain(ctx.settings.mail_from)


def student_contact(session: Session, registration_id: int) -> StudentContact:
    """The student's address, name and language, and the course, of one registration."""
    row = session.execute(
        select(Student, Course.code, Course.name_th, Course.name_en, Placement.document_language)
        .join(Registration, Registration.student_id == Student.id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(Placement, Placement.registration_id == Registration.id)
        .where(Registration.id == registration_id)
    ).one()
    student, code, name_th, name_en, document_language = row
    lang = document_language.value if document_language is not None else _defaults()[0]
    name = (
        f"{student.first_name_th} {student.last_name_th}"
        if lang == "th"
        else f"{student.first_name_en} {student.last_name_en}"
    )
    course = f"{code} {name_th if lang == 'th' else name_en}"
    return StudentContact(student.email, name, lang, course)


def student_and_company(session: Session, registration_id: int) -> tuple[Student, str]:
    """A registration's student and the Thai name of the company it is placed with ("-" if none)."""
    reg = session.get_one(Registration, registration_id)
    student = session.get_one(Student, reg.student_id)
    company = session.scalar(
        select(Company.name_th)
        .join(Internship, Internship.company_id == Company.id)
        .where(Internship.id == reg.internship_id)
    )
    return student, company or "-"


def mail_student(session: Session, registration_id: int, kind: str, **params: object) -> int | None:
    """Write the mail of `kind` to the registration's student (None when they have no address); a
    parameter given as {"th": ..., "en": ...} is taken in the student's language."""
    contact = student_contact(session, registration_id)
    params = {k: v.get(contact.language, "") if isinstance(v, dict) else v for k, v in params.items()}
    return mail.enqueue(
        session,
        kind=kind,
        to=contact.email,
        name=contact.name,
        lang=contact.language,
        params={"course": contact.course, **params},
        domain=_defaults()[1],
    )


def after_transition(
    session: Session, registration_id: int, target: RegistrationStatus, reason: str | None
) -> None:
    """The student's mail about a step they should hear of, if any."""
    kind = STUDENT_MAILS.get(target)
    if kind is not None:
        mail_student(session, registration_id, kind, reason=reason or "-")
