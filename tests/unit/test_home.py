"""Home page numbers equal a direct count; advisors see only their advisees' activity."""

from __future__ import annotations

from datetime import timedelta

from core import clock
from core import registrations as home
from core.registrations import rollups
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
    Role,
    Student,
    WorkMode,
)


def _seed(ctx, advisor_id: int, other_advisor_id: int) -> None:
    now = clock.now()
    with ctx.sessions.begin() as s:
        faculty = Faculty(code="ENG", name_th="คณะวิศวกรรมศาสตร์", name_en="Engineering")
        s.add(faculty)
        s.flush()
        program = Program(
            faculty_id=faculty.id, code="CPE", name_th="วิศวกรรมคอมพิวเตอร์", name_en="Computer Eng"
        )
        company = Company(
            registration_no="0105556012345", name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="Bangkok"
        )
        course = Course(
            code="CP491", name_th="ฝึกงาน", name_en="Internship", credits=3, kind=CourseKind.INTERNSHIP
        )
        s.add_all([program, company, course])
        s.flush()
        s.add(
            Internship(company_id=company.id, title="Intern", province="Bangkok", work_mode=WorkMode.ONSITE)
        )
        section = CourseSection(course_id=course.id, section="1", semester=1, academic_year=2026, capacity=10)
        s.add(section)
        s.flush()
        for i, (adv, status) in enumerate(
            [(advisor_id, RegistrationStatus.SUBMITTED), (other_advisor_id, RegistrationStatus.PLACED)]
        ):
            student = Student(
                student_code=f"6500{i}",
                first_name_th="สมชาย",
                last_name_th=f"ใจดี{i}",
                first_name_en="Somchai",
                last_name_en=f"Jaidee{i}",
                program_id=program.id,
                year=4,
            )
            s.add(student)
            s.flush()
            reg = Registration(student_id=student.id, section_id=section.id, advisor_id=adv, status=status)
            s.add(reg)
            s.flush()
            rollups.count_new(s, [(section.id, status, reg.furthest_stage)])  # as the real writers do
            s.add(RegistrationEvent(registration_id=reg.id, to_status=status, at=now - timedelta(minutes=i)))


def test_counts_and_activity(ctx, make_actor) -> None:
    advisor = make_actor(Role.ADVISOR, "adv1")
    other = make_actor(Role.ADVISOR, "adv2")
    coordinator = make_actor(Role.COORDINATOR, "coord")
    _seed(ctx, advisor.user_id, other.user_id)
    counts = home.headline_counts(ctx, actor=coordinator)
    assert (counts.students, counts.companies, counts.open_postings, counts.registrations) == (2, 1, 1, 2)
    assert counts.by_status == {"submitted": 1, "placed": 1}
    everyone = home.latest_activity(ctx, actor=coordinator)
    assert [e.student_code for e in everyone] == ["65000", "65001"]
    assert everyone[0].student_name == "สมชาย ใจดี0"
    mine = home.latest_activity(ctx, actor=advisor)
    assert [e.student_code for e in mine] == ["65000"]


def test_staff_home_holds_no_registration_activity(ctx, make_actor) -> None:
    """Staff cover postings only: no student codes, names or status changes, no registration counts."""
    import pytest

    from core.errors import PermissionDenied

    advisor = make_actor(Role.ADVISOR, "adv3")
    staff = make_actor(Role.STAFF, "poster")
    _seed(ctx, advisor.user_id, advisor.user_id)
    with pytest.raises(PermissionDenied):
        home.latest_activity(ctx, actor=staff)
    counts = home.headline_counts(ctx, actor=staff)
    assert (counts.companies, counts.open_postings) == (1, 1)
    assert counts.by_status == {} and counts.registrations == 0
