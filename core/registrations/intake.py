"""Entering a registration by hand (the office's form) or by the integration API, under the intake rules.

One transaction: claim the client's Idempotency-Key (when given), resolve the student, section,
advisor and posting, hold the section's row, check every intake rule (core.registrations.intake_rules,
shared with the import), then write the registration, its audit row and its `submitted` event
(and feed row). A broken rule saves nothing; every broken rule is reported, one message each.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit, clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.i18n import msg, term_text, together, year_ce
from core.registrations import intake_rules as rules
from core.registrations.placement import posting_facts
from core.registrations.rollups import count_new
from core.registrations.store import Who, add_event
from core.retry import retrying
from core.terms import section_key
from db.models import Course, CourseSection, IdempotencyKey, Registration, Student, User
from db.models import RegistrationStatus as S

KEY_HOURS = 24  # an Idempotency-Key is bound to its first request this long


@dataclass(frozen=True)
class IntakeRequest:
    """A new registration as the form or a client names it: by ids, or by codes and the term."""

    student_id: int | None = None
    student_code: str = ""
    section_id: int | None = None
    course_code: str = ""
    semester: int | None = None
    academic_year: int | None = None  # CE or BE
    section: str = ""  # the section label, when the course has several in the term
    internship_id: int | None = None
    advisor_id: int | None = None
    advisor_username: str = ""


@dataclass(frozen=True)
class Idempotency:
    """An API client's Idempotency-Key and the SHA-256 of the request body it came with."""

    client_id: int
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Entered:
    """The registration a request created; `replayed` when an earlier request with its key did."""

    registration_id: int
    replayed: bool = False


class IntakeRefused(InvalidInput):
    """The request breaks intake rules; `problems` has one entry per rule (none was saved)."""

    def __init__(self, problems: list[rules.Problem]) -> None:
        super().__init__(together(*(p.message for p in problems)))
        self.problems = tuple(problems)


class KeyReused(InvalidInput):
    """The Idempotency-Key came before with another request body."""


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def _student(
    session: Session, r: IntakeRequest, problems: list[rules.Problem]
) -> tuple[int, str, int] | None:
    stmt = select(Student.id, Student.student_code, Student.program_id)
    code = _clean(r.student_code).upper()
    if r.student_id is not None:
        found = session.execute(stmt.where(Student.id == r.student_id)).first()
    else:
        found = session.execute(stmt.where(Student.student_code == code)).first() if code else None
    if found is None:
        shown = code or r.student_id or "—"
        problems.append(rules.Problem("student", "unknown", msg("No student {code}.", code=shown)))
        return None
    return int(found[0]), str(found[1]), int(found[2])


def _section(session: Session, r: IntakeRequest, problems: list[rules.Problem]) -> int | None:
    if r.section_id is not None:
        if session.get(CourseSection, r.section_id) is None:
            problems.append(rules.Problem("section", "unknown", msg("No such section.")))
            return None
        return r.section_id
    course = _clean(r.course_code).upper()
    if not course or r.semester is None or r.academic_year is None:
        text = msg("Give the section, or the course code with the semester and academic year.")
        problems.append(rules.Problem("section", "unknown", text))
        return None
    year = year_ce(r.academic_year)
    rows = session.execute(
        select(CourseSection.id, CourseSection.section)
        .join(Course, Course.id == CourseSection.course_id)
        .where(
            Course.code == course, CourseSection.semester == r.semester, CourseSection.academic_year == year
        )
        .order_by(CourseSection.section)
    ).all()
    label = _clean(r.section)
    fits = [int(i) for i, s in rows if not label or section_key(s) == section_key(label)]
    term = term_text(r.semester, year)
    if len(fits) == 1:
        return fits[0]
    if not fits:
        text = msg(
            "Course {course} has no section {section} in term {term}.",
            course=course,
            section=label or "",
            term=term,
        )
        problems.append(rules.Problem("section", "unknown", text))
    else:
        listed = ", ".join(str(s) for _, s in rows)
        text = msg(
            "Course {course} has sections {listed} in term {term}: name one.",
            course=course,
            listed=listed,
            term=term,
        )
        problems.append(rules.Problem("section", "ambiguous", text))
    return None


def _advisor(session: Session, r: IntakeRequest, problems: list[rules.Problem]) -> int | None:
    if r.advisor_id is not None:
        return r.advisor_id
    username = _clean(r.advisor_username)
    if not username:
        return None
    found = session.scalar(select(User.id).where(User.username == username))
    if found is None:
        problems.append(rules.Problem("advisor", "unknown", msg("No user {username}.", username=username)))
    return found


def _claim(session: Session, idem: Idempotency) -> None:
    """Bind the key to this request first: a concurrent twin waits on it, then finds it taken."""
    session.add(IdempotencyKey(client_id=idem.client_id, key=idem.key, fingerprint=idem.fingerprint,
                               created_at=clock.now()))  # fmt: skip
    session.flush()


def _bound(session: Session, registration_id: int, idem: Idempotency | None) -> None:
    if idem is not None:
        row = session.scalars(
            select(IdempotencyKey).where(
                IdempotencyKey.client_id == idem.client_id, IdempotencyKey.key == idem.key
            )
        ).one()
        row.registration_id = registration_id


def _check(session: Session, r: IntakeRequest, calendar: str) -> dict[str, Any]:
    """Resolve and check everything under the section's lock; IntakeRefused with every broken rule."""
    problems: list[rules.Problem] = []
    student = _student(session, r, problems)
    section_id = _section(session, r, problems)
    advisor_id = _advisor(session, r, problems)
    if section_id is not None:
        rules.lock_section(session, section_id)
        section = rules.section_facts(session, [section_id], locking=True)[section_id]
        if student is not None:
            found = rules.existing(session, [(student[0], section_id)], locking=True)
            problems += filter(
                None, [rules.duplicate_problem(found.get((student[0], section_id)), student[1])]
            )
        problems += rules.section_problems(section)
        if r.internship_id is not None and student is not None:
            facts = posting_facts(session, [r.internship_id]).get(r.internship_id)
            problems += rules.posting_problems(facts, section, student[2], calendar)
    problem = rules.advisor_problem(advisor_id, rules.advisors(session, [advisor_id] if advisor_id else []),
                                    _clean(r.advisor_username) or None)  # fmt: skip
    problems += [problem] if problem else []
    if problems:
        raise IntakeRefused(problems)
    assert student is not None
    assert section_id is not None
    return {"student_id": student[0], "section_id": section_id, "advisor_id": advisor_id,
            "internship_id": r.internship_id}  # fmt: skip


def _write(session: Session, actor: Actor, values: dict[str, Any], source: str) -> int:
    now = clock.now()
    reg = Registration(**values, status=S.SUBMITTED, version=1, furthest_stage=0, submitted_at=now,
                       status_changed_at=now, updated_at=now)  # fmt: skip
    session.add(reg)
    session.flush()
    count_new(session, [(reg.section_id, S.SUBMITTED, 0)])
    who = Who(actor.user_id, actor.client_id, actor.ip)
    after = {**values, "source": source}
    audit.record(session, actor_id=who.actor_id, client_id=who.client_id, action="registration.create",
                 entity="registration", entity_id=reg.id, after=after, ip=who.ip)  # fmt: skip
    add_event(session, reg.id, None, S.SUBMITTED, who=who, reason=None, now=now, version=1)
    return reg.id


def _replay(ctx: AppContext, idem: Idempotency) -> Entered | None:
    """The registration an earlier request with this key created; None when the key may be used anew."""
    with ctx.sessions.begin() as session:
        row = session.scalars(
            select(IdempotencyKey).where(
                IdempotencyKey.client_id == idem.client_id, IdempotencyKey.key == idem.key
            )
        ).first()
        if row is None:
            return None
        if row.created_at < clock.now() - timedelta(hours=KEY_HOURS):
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
            return None
        if row.fingerprint != idem.fingerprint:
            raise KeyReused("This Idempotency-Key was used with another request body.")
        if row.registration_id is None:  # pragma: no cover - the key and its registration commit together
            raise InvalidInput("The request with this Idempotency-Key did not finish; use a new key.")
        return Entered(row.registration_id, replayed=True)


@retrying
def _enter_once(
    ctx: AppContext, actor: Actor, request: IntakeRequest, idem: Idempotency | None, source: str
) -> Entered:
    try:
        with ctx.sessions.begin() as session:
            if idem is not None:
                _claim(session, idem)
            values = _check(session, request, ctx.settings.term_calendar)
            registration_id = _write(session, actor, values, source)
            _bound(session, registration_id, idem)
            return Entered(registration_id)
    except IntegrityError:
        if idem is not None and (earlier := _replay(ctx, idem)) is not None:
            return earlier
        raise


def enter_registration(
    ctx: AppContext, *, actor: Actor, request: IntakeRequest, idempotency: Idempotency | None = None
) -> Entered:
    """Enter a `submitted` registration after checking every intake rule (IntakeRefused names each one).

    With `idempotency`, a repeat of the same request returns the first result and creates nothing;
    the same key with another body raises KeyReused.
    """
    require(actor, Permission.ENTER_REGISTRATION)
    if idempotency is not None and (earlier := _replay(ctx, idempotency)) is not None:
        return earlier
    source = "api" if actor.client_id is not None else "form"
    try:
        entered = _enter_once(ctx, actor, request, idempotency, source)
    except IntegrityError:  # the same student and section entered at this moment by someone else
        raise IntakeRefused(
            [rules.Problem("student", "duplicate", msg("This student was just registered in this section."))]
        ) from None
    if not entered.replayed:
        ctx.cache.bump("registrations")
    return entered
