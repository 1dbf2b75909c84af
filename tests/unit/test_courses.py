"""Courses and sections: validation messages, unique codes, archive, delete refusal, capacity counts, lookups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.context import AppContext
from core.courses import course as courses
from core.courses import sections
from core.courses.lookups import lookups
from core.errors import Conflict, InvalidInput, PermissionDenied
from db.models import AuditEntry, RegistrationStatus
from tests import factories as f

GOOD = {"code": " it-401 ", "name_th": "ฝึกงาน", "name_en": "Internship", "credits": 3, "kind": "internship"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "ab"}, "Course code must be 3–20 characters"),
        ({"code": "IT 401"}, "Course code must be 3–20 characters"),
        ({"name_th": "  "}, "Thai name must be 1–200 characters."),
        ({"name_en": "x" * 201}, "English name must be 1–200 characters."),
        ({"credits": 11}, "Credits must be from 1 to 10."),
        ({"credits": "three"}, "Credits must be a whole number from 1 to 10."),
        ({"kind": "seminar"}, "Course kind must be internship or coop."),
    ],
)
def test_invalid_course_values_are_explained(ctx: AppContext, make_actor, change, message) -> None:
    admin = make_actor("admin")
    with pytest.raises(InvalidInput, match=message):
        courses.create_course(ctx, actor=admin, **{**GOOD, **change})


def test_codes_are_unique_after_normalising(ctx: AppContext, make_actor) -> None:
    coordinator = make_actor("coordinator")
    row = courses.create_course(ctx, actor=coordinator, **GOOD)
    assert row.code == "IT-401"
    with pytest.raises(Conflict, match="IT-401 already exists"):
        courses.create_course(ctx, actor=coordinator, **{**GOOD, "code": "it-401"})
    with pytest.raises(PermissionDenied):
        courses.create_course(ctx, actor=make_actor("advisor"), **{**GOOD, "code": "X-1"})
    with ctx.sessions.begin() as s:
        assert (
            s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "course.create"))
            == 1
        )


def test_archive_and_unarchive(ctx: AppContext, make_actor) -> None:
    admin = make_actor("admin")
    row = courses.create_course(ctx, actor=admin, **GOOD)
    courses.set_course_archived(ctx, actor=admin, course_id=row.id, archived=True)
    assert courses.list_courses(ctx, actor=admin) == []
    assert courses.list_courses(ctx, actor=admin, include_archived=True)[0].archived
    courses.set_course_archived(ctx, actor=admin, course_id=row.id, archived=False)
    assert [c.code for c in courses.list_courses(ctx, actor=admin)] == ["IT-401"]


def test_section_rules_capacity_counts_and_delete(ctx: AppContext, make_actor) -> None:
    admin, advisor, staff = make_actor("admin"), make_actor("advisor"), make_actor("staff")
    course = courses.create_course(ctx, actor=admin, **GOOD)
    args = {"course_id": course.id, "section": "1", "semester": 1, "academic_year": 2026, "capacity": 2}
    with pytest.raises(InvalidInput, match="Semester must be from 1 to 3"):
        sections.save_section(ctx, actor=admin, **{**args, "semester": 4})
    with pytest.raises(InvalidInput, match="Academic year"):
        sections.save_section(ctx, actor=admin, **{**args, "academic_year": 3000})
    with pytest.raises(InvalidInput, match="coordinator must be users with role"):
        sections.save_section(ctx, actor=admin, **args, coordinator_id=advisor.user_id)
    with pytest.raises(InvalidInput, match="Committee members"):
        sections.save_section(ctx, actor=admin, **args, committee_ids=[staff.user_id])
    sec = sections.save_section(
        ctx, actor=admin, **args, coordinator_id=admin.user_id, committee_ids=[advisor.user_id]
    )
    assert sec.committee_ids == (advisor.user_id,)
    with pytest.raises(Conflict, match="already exists in term 1/2026"):
        sections.save_section(ctx, actor=admin, **args)
    with pytest.raises(Conflict, match="Section 01 of this course already exists"):
        sections.save_section(ctx, actor=admin, **{**args, "section": "01"})
    with ctx.sessions.begin() as s:
        f.registration(s, section_id=sec.id, status=RegistrationStatus.PLACED)
        f.registration(s, section_id=sec.id)
    listed = sections.list_sections(ctx, actor=admin, course_id=course.id)[0]
    assert (listed.placed, listed.registrations, listed.capacity) == (1, 2, 2)
    with pytest.raises(Conflict, match="has 2 registrations and cannot be deleted"):
        sections.delete_section(ctx, actor=admin, section_id=sec.id)
    empty = sections.save_section(ctx, actor=admin, **{**args, "section": "2"})
    sections.delete_section(ctx, actor=admin, section_id=empty.id)
    assert [s.section for s in sections.list_sections(ctx, actor=admin)] == ["1"]
    sections.set_section_archived(ctx, actor=admin, section_id=sec.id, archived=True)
    assert sections.list_sections(ctx, actor=admin) == []


def test_lookups_are_cached_and_invalidated_by_writes(ctx: AppContext, make_actor) -> None:
    admin, advisor = make_actor("admin"), make_actor("advisor")
    first = lookups(ctx, actor=advisor)
    assert first.courses == () and any(i == advisor.user_id for i, _ in first.advisors)
    with ctx.sessions.begin() as s:
        f.course(s)  # written behind the service's back: the cached list does not see it
    assert lookups(ctx, actor=advisor).courses == ()
    row = courses.create_course(ctx, actor=admin, **GOOD)
    assert {i for i, _ in lookups(ctx, actor=advisor).courses} >= {row.id}
    assert len(lookups(ctx, actor=advisor).courses) == 2
    with pytest.raises(PermissionDenied):
        lookups(ctx, actor=make_actor("staff"))


def test_a_section_names_every_bad_value_and_never_holds_fewer_than_it_placed(
    ctx: AppContext, make_actor
) -> None:
    admin = make_actor("admin")
    course = courses.create_course(ctx, actor=admin, **GOOD)
    bad = {"course_id": course.id, "section": "", "semester": 9, "academic_year": 1999, "capacity": 0}
    with pytest.raises(InvalidInput) as refused:
        sections.save_section(ctx, actor=admin, **bad)
    assert refused.value.message == (
        "Section must be 1–10 characters (it has 0). Semester must be from 1 to 3. "
        "Academic year must be from 2000 to 2743. Capacity must be from 1 to 10000."
    )
    args = {**bad, "section": "1", "semester": 1, "academic_year": 2026, "capacity": 3}
    row = sections.save_section(ctx, actor=admin, **args)
    assert [str(w) for w in sections.section_warnings(row)] == [
        "IT-401 sec 1 1/2026 has no coordinator: nobody is named to confirm its placements.",
        "IT-401 sec 1 1/2026 has no committee: its registrations cannot pass the committee vote.",
    ]
    with ctx.sessions.begin() as s:
        for _ in range(2):
            f.registration(s, section_id=row.id, status=RegistrationStatus.IN_PROGRESS)
    with pytest.raises(InvalidInput, match="at least 2: 2 students are placed already"):
        sections.save_section(ctx, actor=admin, **{**args, "capacity": 1}, section_id=row.id)
    member = make_actor("advisor", full_name="อาจารย์ สมศรี")
    saved = sections.save_section(
        ctx, actor=admin, **{**args, "capacity": 2}, section_id=row.id,
        coordinator_id=admin.user_id, committee_ids=[member.user_id],
    )  # fmt: skip
    assert sections.section_warnings(saved) == []
    listed = sections.list_sections(ctx, actor=admin)[0]
    assert (listed.coordinator, listed.committee) == ("Test Admin", ("อาจารย์ สมศรี",))
