"""The intake rules: what a new registration must satisfy, whoever enters it (import, form or API).

One message per rule broken:
- one registration per student per section;
- the section (and its course) is open, and has a seat left (`states.ENROLLED` count against
  its capacity);
- the advisor is an active user with the advisor role;
- a posting named at intake passes the placement rule (open, a slot left, in the term, open to the
  student's program).

The facts are read in bulk (an import checks 20,000 rows with a handful of queries); the checks
are pure functions over them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.i18n import Text, msg, term_text
from core.registrations.placement import Candidate, PostingFacts, placement_problems
from core.registrations.states import ENROLLED, status_text
from core.terms import term_window
from db.models import Course, CourseSection, Registration, Role, Student, User
from db.models import RegistrationStatus as S


@dataclass(frozen=True)
class Problem:
    """One intake rule broken: the field it is about, the rule's stable name, and what to tell."""

    field: str  # student, section, advisor, posting
    rule: str  # duplicate, section_closed, section_full, not_an_advisor, posting, unknown
    message: Text


@dataclass(frozen=True)
class SectionFacts:
    """What the intake rules need to know about a section."""

    id: int
    course_code: str
    section: str
    semester: int
    academic_year: int
    open: bool
    capacity: int
    enrolled: int

    def label(self) -> Text:
        """The section as people name it: course, section, term."""
        return msg(
            "{course} sec {section} {term}",
            course=self.course_code,
            section=self.section,
            term=term_text(self.semester, self.academic_year),
        )


def lock_section(session: Session, section_id: int) -> bool:
    """Hold the section's row until commit (capacity counted under it); False when there is no section.

    An UPDATE rather than SELECT ... FOR UPDATE: on SQLite it also takes the write lock first, so the
    count read after it cannot be stale.
    """
    stmt = (
        update(CourseSection)
        .where(CourseSection.id == section_id)
        .values(capacity=CourseSection.capacity, updated_at=CourseSection.updated_at)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def section_facts(session: Session, ids: Iterable[int], *, locking: bool = False) -> dict[int, SectionFacts]:
    """Facts of these sections; `locking` counts seats with a locking read (under `lock_section`)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    counts = (
        select(Registration.section_id, func.count())
        .where(Registration.section_id.in_(wanted), Registration.status.in_(ENROLLED))
        .group_by(Registration.section_id)
    )
    if locking:  # a plain read on MariaDB would use the snapshot taken before the lock was granted
        counts = counts.with_for_update(read=True)
    enrolled = dict(session.execute(counts).all())
    rows = session.execute(
        select(CourseSection, Course.code, Course.archived)
        .join(Course, Course.id == CourseSection.course_id)
        .where(CourseSection.id.in_(wanted))
    ).all()
    return {
        s.id: SectionFacts(
            s.id,
            code,
            s.section,
            s.semester,
            s.academic_year,
            not (s.archived or archived),
            s.capacity,
            int(enrolled.get(s.id, 0)),
        )
        for s, code, archived in rows
    }


def section_problems(section: SectionFacts, *, taking: int = 1) -> list[Problem]:
    """Closed, or no seat left for `taking` more registrations."""
    if not section.open:
        return [Problem("section", "section_closed", msg("{section} is closed.", section=section.label()))]
    if section.enrolled + taking > section.capacity:
        return [
            Problem(
                "section",
                "section_full",
                msg(
                    "{section} is full: all {capacity} seats are taken.",
                    section=section.label(),
                    capacity=section.capacity,
                ),
            )
        ]
    return []


def advisors(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of these users are active advisors."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    stmt = select(User.id).where(User.id.in_(wanted), User.role == Role.ADVISOR, User.active.is_(True))
    return set(session.scalars(stmt))


def advisor_problem(
    advisor_id: int | None, active_advisors: set[int], shown: object = None
) -> Problem | None:
    """The advisor, when one is named, must be an active advisor."""
    if advisor_id is None or advisor_id in active_advisors:
        return None
    who = shown if shown is not None else advisor_id
    return Problem("advisor", "not_an_advisor", msg("{who} is not an active advisor.", who=who))


def existing(session: Session, pairs: Iterable[tuple[int, int]], *, locking: bool = False) -> dict[Any, Any]:
    """(student id, section id) -> (registration id, status) for the pairs already registered."""
    wanted = set(pairs)
    found: dict[tuple[int, int], tuple[int, S]] = {}
    students = sorted({p[0] for p in wanted})
    for start in range(0, len(students), 1000):
        stmt = select(
            Registration.student_id, Registration.section_id, Registration.id, Registration.status
        ).where(Registration.student_id.in_(students[start : start + 1000]))
        if locking:
            stmt = stmt.with_for_update(read=True)
        for student, section, reg_id, status in session.execute(stmt).all():
            if (student, section) in wanted:
                found[(int(student), int(section))] = (int(reg_id), status)
    return found


def duplicate_problem(found: tuple[int, S] | None, student_code: str) -> Problem | None:
    """A student has one registration per section; a rejected one is reinstated, not entered again."""
    if found is None:
        return None
    reg_id, status = found
    if status == S.REJECTED:
        text = msg(
            "{code} already has registration #{id} in this section, rejected: reinstate it instead.",
            code=student_code,
            id=reg_id,
        )
    else:
        text = msg(
            "{code} already has registration #{id} in this section ({status}).",
            code=student_code,
            id=reg_id,
            status=status_text(status),
        )
    return Problem("student", "duplicate", text)


def posting_problems(
    posting: PostingFacts | None, section: SectionFacts, program_id: int, calendar: str
) -> list[Problem]:
    """A posting named at intake must be one the student could be placed in (the placement rule)."""
    if posting is None:
        return [Problem("posting", "unknown", msg("No such posting."))]
    candidate = Candidate(term_window(section.academic_year, section.semester, calendar), program_id)
    return [Problem("posting", "posting", text) for text in placement_problems(posting, candidate)]


def student_program(session: Session, student_id: int) -> int | None:
    """The student's program (None: no such student)."""
    return session.scalar(select(Student.program_id).where(Student.id == student_id))
