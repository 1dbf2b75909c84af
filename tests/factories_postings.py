"""Small ORM helpers that build companies, postings and placed students for search tests."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from core.context import AppContext
from core.postings import search_text_for
from db.models import (
    Company,
    Course,
    CourseKind,
    CourseSection,
    Faculty,
    Internship,
    PostingStatus,
    Program,
    Registration,
    RegistrationStatus,
    Student,
    WorkMode,
    internship_programs,
)

_serial = itertools.count(1)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_company(
    ctx: AppContext,
    name_th: str = "บริษัท ทดสอบ จำกัด",
    name_en: str = "Test Co",
    province: str = "กรุงเทพมหานคร",
    registration_no: str | None = None,
) -> int:
    """Insert a company; returns its id."""
    n = next(_serial)
    with ctx.sessions.begin() as session:
        company = Company(
            registration_no=registration_no or f"{n:013d}",
            name_th=name_th,
            name_en=name_en,
            province=province,
        )
        session.add(company)
        session.flush()
        return company.id


def make_posting(
    ctx: AppContext,
    company_id: int,
    title: str,
    *,
    description: str = "",
    skills: str = "",
    province: str = "Bangkok",
    work_mode: str = "onsite",
    stipend: int | None = None,
    slots: int = 3,
    status: str = "open",
    period: tuple[date | None, date | None] = (None, None),
    programs: tuple[int, ...] = (),
) -> int:
    """Insert an indexed posting; each one is a minute newer than the one before."""
    n = next(_serial)
    with ctx.sessions.begin() as session:
        company = session.get_one(Company, company_id)
        posting = Internship(
            company_id=company_id, title=title, description=description, skills=skills, province=province,
            work_mode=WorkMode(work_mode), stipend=stipend, slots=slots, status=PostingStatus(status),
            period_start=period[0], period_end=period[1], created_at=T0 + timedelta(minutes=n),
        )  # fmt: skip
        posting.search_text = search_text_for(posting, company)
        session.add(posting)
        session.flush()
        for program_id in programs:
            session.execute(
                internship_programs.insert().values(internship_id=posting.id, program_id=program_id)
            )
        return posting.id


def make_program(ctx: AppContext, code: str | None = None) -> int:
    """Insert a faculty and a program; returns the program id."""
    n = next(_serial)
    with ctx.sessions.begin() as session:
        faculty = Faculty(code=f"F{n}", name_th="คณะวิศวกรรมศาสตร์", name_en="Engineering")
        session.add(faculty)
        session.flush()
        program = Program(faculty_id=faculty.id, code=code or f"P{n}", name_th="วิศวกรรม", name_en="Eng")
        session.add(program)
        session.flush()
        return program.id


def place_student(
    ctx: AppContext, posting_id: int, status: RegistrationStatus = RegistrationStatus.PLACED
) -> int:
    """Register a new student in a new section at this posting, in `status`; returns the registration id."""
    program_id = make_program(ctx)
    n = next(_serial)
    with ctx.sessions.begin() as session:
        student = Student(
            student_code=f"S{n:08d}", first_name_th="สมชาย", last_name_th="ใจดี", first_name_en="Somchai",
            last_name_en="Jaidee", program_id=program_id, year=3,
        )  # fmt: skip
        course = Course(
            code=f"C{n}", name_th="ฝึกงาน", name_en="Internship", credits=3, kind=CourseKind.INTERNSHIP
        )
        session.add_all([student, course])
        session.flush()
        section = CourseSection(course_id=course.id, section="1", semester=1, academic_year=2026, capacity=30)
        session.add(section)
        session.flush()
        registration = Registration(
            student_id=student.id, section_id=section.id, internship_id=posting_id, status=status
        )
        session.add(registration)
        session.flush()
        return registration.id
