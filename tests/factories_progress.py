"""Small ORM builders for the progress tests: org units, terms, companies, registrations with timelines."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import (
    CommitteeVote,
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
    Vote,
    WorkMode,
    section_committee,
)
from db.models.registrations import funnel_rank

_serial = itertools.count(1)


@dataclass(frozen=True)
class Step:
    """One step of a registration's timeline: the state entered, when, and by whom."""

    status: str
    at: datetime
    actor_id: int | None = None


@dataclass
class Builder:
    """Adds rows to one session and returns their ids."""

    session: Session
    made: list[int] = field(default_factory=list)

    def _add(self, row: object) -> int:
        self.session.add(row)
        self.session.flush()
        return int(row.id)  # type: ignore[attr-defined]

    def faculty(self, name: str) -> int:
        """A faculty."""
        n = next(_serial)
        return self._add(Faculty(code=f"F{n}", name_th=name, name_en=f"Faculty {n}"))

    def program(self, faculty_id: int, name: str) -> int:
        """A program of a faculty."""
        n = next(_serial)
        return self._add(Program(faculty_id=faculty_id, code=f"P{n}", name_th=name, name_en=f"Program {n}"))

    def course(self, code: str, name: str) -> int:
        """An internship course."""
        return self._add(Course(code=code, name_th=name, name_en=code, credits=3, kind=CourseKind.INTERNSHIP))

    def section(
        self, course_id: int, year: int, semester: int, coordinator_id: int | None, committee: list[int]
    ) -> int:
        """A section of a course in a term, with its committee."""
        sid = self._add(
            CourseSection(
                course_id=course_id,
                section="1",
                semester=semester,
                academic_year=year,
                capacity=100,
                coordinator_id=coordinator_id,
            )
        )
        for member in committee:
            self.session.execute(section_committee.insert().values(section_id=sid, user_id=member))
        return sid

    def posting(self, company: str, province: str) -> int:
        """A company with one posting in `province`; returns the posting id."""
        n = next(_serial)
        cid = self._add(Company(registration_no=f"R{n}", name_th=company, name_en=company, province=province))
        return self._add(
            Internship(company_id=cid, title="Intern", province=province, work_mode=WorkMode.ONSITE)
        )

    def registration(
        self,
        *,
        program_id: int,
        section_id: int,
        steps: list[Step],
        advisor_id: int | None = None,
        internship_id: int | None = None,
    ) -> int:
        """A student and their registration, whose status and events follow `steps`."""
        n = next(_serial)
        student = self._add(
            Student(
                student_code=f"65{n:06d}",
                first_name_th=f"นักศึกษา{n}",
                last_name_th="ทดสอบ",
                first_name_en=f"Student{n}",
                last_name_en="Test",
                program_id=program_id,
                year=4,
            )
        )
        rid = self._add(
            Registration(
                student_id=student,
                section_id=section_id,
                internship_id=internship_id,
                advisor_id=advisor_id,
                status=RegistrationStatus(steps[-1].status),
                furthest_stage=max(funnel_rank(s.status) for s in steps),
                submitted_at=steps[0].at,
                status_changed_at=steps[-1].at,
                updated_at=steps[-1].at,
            )
        )
        previous: str | None = None
        for step in steps:
            self.session.add(
                RegistrationEvent(
                    registration_id=rid,
                    from_status=RegistrationStatus(previous) if previous else None,
                    to_status=RegistrationStatus(step.status),
                    actor_id=step.actor_id,
                    at=step.at,
                )
            )
            previous = step.status
        self.session.flush()
        self.made.append(rid)
        return rid

    def vote(self, registration_id: int, member_id: int, at: datetime) -> None:
        """A committee member's approving vote."""
        self.session.add(
            CommitteeVote(registration_id=registration_id, member_id=member_id, vote=Vote.APPROVE, at=at)
        )
