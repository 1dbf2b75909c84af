"""Whether a registration may be placed into a posting: the one rule, and the postings a reviewer can pick.

A placement needs a posting that is open, has a slot left, runs during the registration's term
(an unset period end counts as open-ended) and is open to the student's program (a posting with
no program list is open to all). core.workflow_store refuses a placement that breaks any of these,
under the row locks of the section and the posting; the picker offers only postings that pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.i18n import Text, msg, term_text
from core.registrations.states import PLACED
from core.terms import TermWindow, term_window
from db.models import (
    Company,
    CourseSection,
    Internship,
    PostingStatus,
    Registration,
    Student,
    internship_programs,
)


@dataclass(frozen=True)
class PostingFacts:
    """What the placement rule needs to know about a posting."""

    id: int
    title: str
    company: str
    status: str
    slots: int
    taken: int
    period_start: date | None
    period_end: date | None
    program_ids: tuple[int, ...]

    @property
    def slots_left(self) -> int:
        """Slots not yet held by a placed, in-progress or completed student."""
        return max(0, self.slots - self.taken)

    def label(self) -> Text:
        """Enough to tell postings apart in a picker: title, company, slots left, period."""
        return msg(
            "#{id} {title} — {company} · {left} of {slots} left · {start} – {end}",
            id=self.id,
            title=self.title,
            company=self.company,
            left=self.slots_left,
            slots=self.slots,
            start=self.period_start or "…",
            end=self.period_end or "…",
        )


@dataclass(frozen=True)
class Candidate:
    """A registration's term and the student's program: what a posting is checked against."""

    term: TermWindow
    program_id: int


def placement_problems(posting: PostingFacts, candidate: Candidate) -> list[Text]:
    """Every reason the posting cannot take this registration (empty: it can)."""
    problems: list[Text] = []
    if posting.status != PostingStatus.OPEN.value:
        problems.append(msg("Posting #{id} is closed.", id=posting.id))
    if posting.taken >= posting.slots:
        problems.append(
            msg("Posting #{id} is full: all {slots} slots are taken.", id=posting.id, slots=posting.slots)
        )
    term = candidate.term
    if not term.overlaps(posting.period_start, posting.period_end):
        problems.append(
            msg(
                "Posting #{id} runs {first} to {last}, outside term {term} ({start} to {end}).",
                id=posting.id,
                first=posting.period_start or "…",
                last=posting.period_end or "…",
                term=term_text(term.semester, term.academic_year),
                start=term.start,
                end=term.end,
            )
        )
    if posting.program_ids and candidate.program_id not in posting.program_ids:
        problems.append(msg("Posting #{id} is not open to the student's program.", id=posting.id))
    return problems


def posting_facts(session: Session, ids: list[int], *, lock: bool = False) -> dict[int, PostingFacts]:
    """The facts of these postings; `lock` reads slots taken as a locking read (inside a placement)."""
    if not ids:
        return {}
    taken = (
        select(Registration.internship_id, func.count())
        .where(Registration.internship_id.in_(ids), Registration.status.in_(PLACED))
        .group_by(Registration.internship_id)
    )
    if lock:  # see workflow_store._placed_count: a plain read would miss a concurrent placement
        taken = taken.with_for_update(read=True)
    counts = dict(session.execute(taken).all())
    link = internship_programs.c
    programs: dict[int, list[int]] = {}
    for posting_id, program_id in session.execute(
        select(link.internship_id, link.program_id).where(link.internship_id.in_(ids))
    ):
        programs.setdefault(posting_id, []).append(program_id)
    rows = session.execute(
        select(Internship, Company.name_th)
        .join(Company, Company.id == Internship.company_id)
        .where(Internship.id.in_(ids))
    ).all()
    return {p.id: _facts(p, name, int(counts.get(p.id, 0)), programs.get(p.id, [])) for p, name in rows}


def _facts(p: Internship, company: str, taken: int, programs: list[int]) -> PostingFacts:
    status = p.status.value if isinstance(p.status, PostingStatus) else str(p.status)
    return PostingFacts(
        p.id, p.title, company, status, p.slots, taken, p.period_start, p.period_end, tuple(sorted(programs))
    )


def candidate_of(session: Session, registration_id: int, calendar: str) -> Candidate:
    """The term window and the student's program of a registration."""
    stmt: Any = (
        select(CourseSection.academic_year, CourseSection.semester, Student.program_id)
        .select_from(Registration)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Student, Student.id == Registration.student_id)
        .where(Registration.id == registration_id)
    )
    found = session.execute(stmt).first()
    if found is None:
        raise NotFound("No such registration.")
    year, semester, program_id = found
    return Candidate(term_window(int(year), int(semester), calendar), int(program_id))


def candidate_for(session: Session, student_id: int, section_id: int, calendar: str) -> Candidate:
    """The term window of a section and a student's program: a registration not entered yet."""
    section = session.get(CourseSection, section_id)
    program_id = session.scalar(select(Student.program_id).where(Student.id == student_id))
    if section is None or program_id is None:
        raise NotFound("No such student or section.")
    return Candidate(term_window(section.academic_year, section.semester, calendar), int(program_id))
