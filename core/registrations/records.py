"""Registrations as records for other systems: one by id, and lists paged by a keyset cursor on id.

Paging follows the id, which never changes: a registration updated while a client pages stays
where it was, one entered meanwhile comes at the end, so no page repeats or skips one that
existed when paging began (and still matches the filters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.registrations import cursors
from core.registrations.committee import may_view
from core.registrations.store import get_registration
from db.models import Course, CourseSection, Registration, RegistrationStatus, Role, Student, User

MAX_LIMIT = 200


@dataclass(frozen=True)
class RegistrationRecord:
    """A registration with the codes other systems know it by."""

    id: int
    student_code: str
    section_id: int
    course_code: str
    section: str
    semester: int
    academic_year: int
    status: str
    version: int
    internship_id: int | None
    advisor_username: str | None
    submitted_at: datetime
    status_changed_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RecordPage:
    """Up to `limit` records and the cursor of the next page (None on the last)."""

    records: tuple[RegistrationRecord, ...]
    next_cursor: str | None


def _select() -> Select[*tuple[Any, ...]]:
    advisor = aliased(User)
    return (
        select(
            Registration.id, Student.student_code, Registration.section_id, Course.code,
            CourseSection.section, CourseSection.semester, CourseSection.academic_year, Registration.status,
            Registration.version, Registration.internship_id, advisor.username, Registration.submitted_at,
            Registration.status_changed_at, Registration.updated_at,
        )
        .select_from(Registration)
        .join(Student, Student.id == Registration.student_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(advisor, advisor.id == Registration.advisor_id)
    )  # fmt: skip


def _record(row: Any) -> RegistrationRecord:
    values = list(row)
    values[7] = values[7].value
    return RegistrationRecord(*values)


def get_record(ctx: AppContext, *, actor: Actor, registration_id: int) -> RegistrationRecord:
    """One registration as a record (NotFound when it does not exist or is not the actor's to see).

    Whoever may enter and withdraw registrations may read one: a withdrawal names its version.
    """
    if not actor.can(Permission.ENTER_REGISTRATION):
        require(actor, Permission.VIEW_REGISTRATION)
    with ctx.sessions.begin() as session:
        return record_in(session, actor, registration_id)


def record_in(session: Session, actor: Actor, registration_id: int) -> RegistrationRecord:
    """The record inside the caller's transaction."""
    if not may_view(session, actor, get_registration(session, registration_id)):
        raise NotFound("No such registration.")
    return _record(session.execute(_select().where(Registration.id == registration_id)).one())


def list_records(
    ctx: AppContext,
    *,
    actor: Actor,
    student_code: str | None = None,
    status: str | None = None,
    updated_since: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> RecordPage:
    """Registrations in id order, filtered, one keyset page at a time."""
    require(actor, Permission.VIEW_REGISTRATION)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("Ask for 1 to {n} registrations at a time.", n=MAX_LIMIT)
    stmt = _select().where(Registration.id > cursors.decode("r1", cursor))
    if status:
        try:
            stmt = stmt.where(Registration.status == RegistrationStatus(status))
        except ValueError:
            raise InvalidInput("Unknown registration status: {status}.", status=status[:40]) from None
    if student_code:
        stmt = stmt.where(Student.student_code == student_code.strip().upper())
    else:  # walk registrations in id order; MariaDB would start from a small joined table and sort
        stmt = stmt.prefix_with("STRAIGHT_JOIN", dialect="mysql")
    if updated_since is not None:
        if updated_since.tzinfo is None:
            raise InvalidInput("Give updated_since with its time zone, e.g. 2026-06-01T00:00:00Z.")
        stmt = stmt.where(Registration.updated_at >= updated_since)
    if actor.role == Role.ADVISOR:  # advisors see their own advisees only
        stmt = stmt.where(Registration.advisor_id == actor.user_id)
    with ctx.sessions.begin() as session:
        rows = session.execute(stmt.order_by(Registration.id).limit(limit + 1)).all()
    records = tuple(_record(r) for r in rows[:limit])
    return RecordPage(records, cursors.encode("r1", records[-1].id) if len(rows) > limit else None)
