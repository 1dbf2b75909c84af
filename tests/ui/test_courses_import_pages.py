"""Courses and Import pages: who sees them, creating a course, uploading a small CSV (AppTest file_uploader)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.context import AppContext
from db.models import Course, CourseKind, CourseSection, RegistrationStatus, Student, section_committee
from tests import factories as f
from tests.ui.apptest import confirm, offers, page_alone, signed_in, texts

PAGES = ["pages/courses.py", "pages/import_data.py"]
HEAD = (
    "student_code,first_name_th,last_name_th,first_name_en,last_name_en,email,phone,faculty,program,year,gpax"
)


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_office_sees_both_pages(ctx: AppContext, session_for, role: str) -> None:
    actor = session_for(role)
    for page in PAGES:
        assert offers(signed_in(actor), page)
        at = signed_in(actor, page)
        assert not at.exception, at.exception


@pytest.mark.parametrize("role", ["staff", "advisor", "manager"])
def test_others_get_the_access_error(ctx: AppContext, session_for, role: str) -> None:
    actor = session_for(role)
    for page in PAGES:
        assert not offers(signed_in(actor), page)
        at = page_alone(actor, page)
        assert "You do not have access to this page." in texts(at)


def test_create_a_course_through_the_page(ctx: AppContext, session_for) -> None:
    at = signed_in(session_for("coordinator"), PAGES[0])
    at.text_input(key="co_new0_code").input("it-499")
    at.text_input(key="co_new0_th").input("สหกิจศึกษา")
    at.text_input(key="co_new0_en").input("Co-operative Education")
    at.selectbox(key="co_new0_kind").select("coop")
    next(b for b in at.button if b.label == "Create course").click().run()
    assert not at.exception, at.exception
    assert "Course IT-499 created." in texts(at)
    with ctx.sessions.begin() as s:
        assert s.scalar(select(Course.code)) == "IT-499"


def test_upload_preview_and_commit(ctx: AppContext, session_for) -> None:
    with ctx.sessions.begin() as s:
        f.program(s, faculty_id=f.faculty(s, code="ENG"), code="CPE")
    at = signed_in(session_for("coordinator"), PAGES[1])
    bad = (HEAD + "\n6500000001,ก,ข,A,B,nope,,ENG,CPE,9,\n").encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", bad, "text/csv")).run()
    assert not at.exception, at.exception
    assert "2 problems found" in texts(at)
    assert not [b for b in at.button if b.key == "im_commit"]
    good = (HEAD + "\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4,3.00\n").encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", good, "text/csv")).run()
    at.button(key="im_commit").click().run()
    assert not at.exception, at.exception
    assert "Imported: 1 new" in texts(at)
    assert not [b for b in at.button if b.key == "im_commit"]  # the preview went with the saved file
    assert at.file_uploader(key="im_file1").value is None
    with ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Student)) == 1


def test_edit_a_course_through_the_page(ctx: AppContext, session_for) -> None:
    with ctx.sessions.begin() as s:
        course_id = f.course(s, code="IT-400")
    at = signed_in(session_for("admin"), PAGES[0])
    at.selectbox(key="co_pick").set_value(course_id).run()
    k = f"ce_{course_id}"
    at.text_input(key=f"{k}_en").input("Professional Internship")
    at.number_input(key=f"{k}_credits").set_value(6)
    at.selectbox(key=f"{k}_kind").select("coop")
    next(b for b in at.button if b.label == "Save course").click().run()
    assert not at.exception, at.exception
    assert "Course IT-400 saved." in texts(at)
    assert "Professional Internship" in set(at.dataframe[0].value["name_en"])
    at.number_input(key=f"{k}_credits").set_value(11)
    next(b for b in at.button if b.label == "Save course").click().run()
    assert "Credits must be from 1 to 10." in texts(at)
    with ctx.sessions.begin() as s:
        course = s.get_one(Course, course_id)
        assert (course.name_en, course.credits, course.kind) == (
            "Professional Internship",
            6,
            CourseKind.COOP,
        )


def test_edit_a_section_and_refuse_a_bad_capacity(ctx: AppContext, session_for, make_actor) -> None:
    with ctx.sessions.begin() as s:
        section_id = f.section(s, section="01", capacity=30)
    coordinator = session_for("coordinator")
    member = make_actor("advisor")
    at = signed_in(coordinator, PAGES[0])
    at.selectbox(key="cs_pick").set_value(section_id).run()
    k = f"se_{section_id}"
    at.number_input(key=f"{k}_cap").set_value(-1)
    next(b for b in at.button if b.label == "Save section").click().run()
    assert not at.exception, at.exception
    assert "Capacity must be from 1 to 10000." in texts(at)
    with ctx.sessions.begin() as s:
        assert s.get_one(CourseSection, section_id).capacity == 30  # nothing changed
    at.number_input(key=f"{k}_cap").set_value(45)
    at.text_input(key=f"{k}_label").input("02")
    at.selectbox(key=f"{k}_sem").select(2)
    at.number_input(key=f"{k}_year").set_value(2027)
    at.selectbox(key=f"{k}_co").set_value(coordinator.user_id)
    at.multiselect(key=f"{k}_cm").select(member.user_id)
    next(b for b in at.button if b.label == "Save section").click().run()
    assert not at.exception, at.exception
    assert "sec 02 saved." in texts(at)
    with ctx.sessions.begin() as s:
        row = s.get_one(CourseSection, section_id)
        assert (row.section, row.semester, row.academic_year, row.capacity) == ("02", 2, 2027, 45)
        assert row.coordinator_id == coordinator.user_id
        members = s.scalars(
            select(section_committee.c.user_id).where(section_committee.c.section_id == section_id)
        )
        assert list(members) == [member.user_id]


def _section_table(at) -> list[dict]:  # type: ignore[no-untyped-def]
    return at.dataframe[1].value.to_dict("records")


def test_both_section_forms_refuse_the_same_input_with_every_problem_named(
    ctx: AppContext, session_for
) -> None:
    with ctx.sessions.begin() as s:
        course_id = f.course(s, code="IT-499")
        section_id = f.section(s, course_id=course_id, section="01", capacity=3)
        f.registration(s, section_id=section_id, status=RegistrationStatus.PLACED)
        f.registration(s, section_id=section_id, status=RegistrationStatus.PLACED)
    at = signed_in(session_for("coordinator"), PAGES[0])
    at.text_input(key="se_new0_label").input(" ")
    at.number_input(key="se_new0_cap").set_value(0)
    next(b for b in at.button if b.label == "Create section").click().run()
    expected = "Section must be 1–10 characters (it has 0). Capacity must be from 1 to 10000."
    assert expected in texts(at)
    at.selectbox(key="cs_pick").set_value(section_id).run()
    k = f"se_{section_id}"
    at.text_input(key=f"{k}_label").input(" ")
    at.number_input(key=f"{k}_cap").set_value(0)
    next(b for b in at.button if b.label == "Save section").click().run()
    assert expected in texts(at)
    at.text_input(key=f"{k}_label").input("01")
    at.number_input(key=f"{k}_cap").set_value(1)
    next(b for b in at.button if b.label == "Save section").click().run()
    assert "Capacity must be at least 2: 2 students are placed already." in texts(at)
    with ctx.sessions.begin() as s:
        assert s.get_one(CourseSection, section_id).capacity == 3


def test_a_new_section_is_listed_at_once_with_names_and_a_warning_for_what_it_lacks(
    ctx: AppContext, session_for, make_actor
) -> None:
    with ctx.sessions.begin() as s:
        f.course(s, code="IT-499")
    member = make_actor("advisor", full_name="อาจารย์ สมศรี")
    at = signed_in(session_for("coordinator"), PAGES[0])
    at.text_input(key="se_new0_label").input("07")
    next(b for b in at.button if b.label == "Create section").click().run()
    assert not at.exception, at.exception
    assert "has no coordinator" in texts(at) and "has no committee" in texts(at)
    assert at.warning and not at.success
    rows = _section_table(at)
    assert [r["section"] for r in rows] == ["07"] and "has no committee" in rows[0]["check"]
    assert at.text_input(key="se_new1_label").value == ""  # the new-section form starts empty again
    section_id = rows[0]["id"]
    at.selectbox(key="cs_pick").set_value(section_id).run()
    at.multiselect(key=f"se_{section_id}_cm").select(member.user_id)
    next(b for b in at.button if b.label == "Save section").click().run()
    assert _section_table(at)[0]["committee"] == "อาจารย์ สมศรี"
    at.selectbox(key="cs_pick").set_value(section_id).run()
    at.button(key="cs_delete").click().run()
    assert "IT-499 sec 07 1/2026 and its committee list are deleted for good." in texts(at)
    confirm(at, "cs_confirm_delete")
    assert "Section IT-499 sec 07 1/2026 deleted." in texts(at) and "No sections yet." in texts(at)


def test_student_codes_phones_and_section_labels_are_checked(
    ctx: AppContext, session_for, make_actor
) -> None:
    make_actor("advisor", "adv1")
    with ctx.sessions.begin() as s:
        f.program(s, faculty_id=f.faculty(s, code="ENG"), code="CPE")
        f.section(s, f.course(s, code="CPE-401"), section="04", semester=1, academic_year=2026)
    at = signed_in(session_for("coordinator"), PAGES[1])
    bad = (HEAD + "\nABC,ก,ข,A,B,a@x.th,abc,ENG,CPE,4,\n").encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", bad, "text/csv")).run()
    issues = at.dataframe[0].value
    assert set(issues["column"]) == {"student_code", "phone"}
    good = (HEAD + "\n6500000001,ก,ข,A,B,a@x.th,081-234-5678,ENG,CPE,4,\n").encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", good, "text/csv")).run()
    at.button(key="im_commit").click().run()
    regs = (
        b"student_code,course_code,section,semester,academic_year,advisor_username,company_registration_no\n"
    )
    regs += b"6500000001,CPE-401,4,1,2026,adv1,\n"
    at.radio(key="im_kind").set_value("registrations").run()
    at.file_uploader(key="im_file1").set_value(("r.csv", regs, "text/csv")).run()
    assert not at.error, [e.value for e in at.error]
    assert at.metric[0].value == "1"


def test_an_upload_is_parsed_once_however_often_the_page_reruns(
    ctx: AppContext, session_for, monkeypatch
) -> None:
    """Parsing a big sheet on every rerun was a CPU sink: the preview is kept per upload."""
    from core import imports

    calls: list[str] = []
    real = imports.preview_import

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["filename"])
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "preview_import", counted)
    with ctx.sessions.begin() as s:
        f.program(s, faculty_id=f.faculty(s, code="ENG"), code="CPE")
    at = signed_in(session_for("coordinator"), PAGES[1])
    bad = (HEAD + "\n6500000001,ก,ข,A,B,nope,,ENG,CPE,9,\n").encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", bad, "text/csv")).run()
    at.run()
    at.run()
    assert calls == ["s.csv"] and "2 problems found" in texts(at)
    good = (HEAD + "\n6500000001,ก,ข,A,B,a@x.th,,ENG,CPE,4,3.00\n").encode()
    at.file_uploader(key="im_file0").set_value(("s.csv", good, "text/csv")).run()
    at.run()
    assert calls == ["s.csv", "s.csv"] and "im_commit" in {b.key for b in at.button}
    refused = b"\x00\xff not a sheet"
    at.file_uploader(key="im_file0").set_value(("t.xlsx", refused, "application/octet-stream")).run()
    at.run()
    assert calls[-1] == "t.xlsx" and len(calls) == 3 and "cannot be read" in texts(at)
