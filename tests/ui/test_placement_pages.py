"""The after-placement pages in AppTest, by role: an advisor records a visit with a photo and types in
the supervisor's evaluation; the coordinator completes the registration and sees the result, plans a
section's visits and saves a form; managers read the overview; everyone else is refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from sqlalchemy import func, select

from core import clock, placements
from core.context import AppContext
from db.models import Evaluation, EvaluationCriterion, Registration, Role, Visit, VisitPhoto
from db.models import RegistrationStatus as S
from tests import factories as f
from tests.ui.apptest import confirm, page_alone, signed_in, texts

NOW = datetime(2026, 8, 3, 3, 0, tzinfo=UTC)
DENIED = "You do not have access to this page."
PAGES = ("pages/my_students.py", "pages/visits_evaluations.py", "pages/placement_stats.py")
DETAILS = {"supervisor_name": "คุณสมศรี ดูแลดี", "start_date": date(2026, 6, 15), "end_date": date(2026, 10, 15)}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 200, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def office(ctx: AppContext, session_for, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)
    people = {role: session_for(role) for role in Role}
    with ctx.sessions.begin() as s:
        course = f.course(s, required_evaluations="supervisor,advisor", visit_count=1)
        section = f.section(s, course, coordinator_id=people[Role.COORDINATOR].user_id)
        company = f.company(s, name_th="บริษัท ไทยซอฟต์ จำกัด", province="เชียงใหม่")
        rid = f.registration(
            s,
            section_id=section,
            internship_id=f.posting(s, company),
            advisor_id=people[Role.ADVISOR].user_id,
            status=S.IN_PROGRESS,
        )
    placements.save_placement(ctx, actor=people[Role.COORDINATOR], registration_id=rid, **DETAILS)
    visit = placements.plan_visit(
        ctx, actor=people[Role.ADVISOR], registration_id=rid, planned_at=NOW, mode="onsite", visitor_id=None
    )
    return {"people": people, "registration": rid, "visit": visit, "section": section}


def _submit(at, label: str):  # type: ignore[no-untyped-def]
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _evaluation(ctx: AppContext, rid: int, kind: str) -> int:
    with ctx.sessions.begin() as s:
        return int(s.scalar(select(Evaluation.id).where(Evaluation.kind == kind)))


def test_an_advisor_records_a_done_visit_with_a_photo_and_the_supervisors_evaluation(ctx, office) -> None:  # type: ignore[no-untyped-def]
    advisor, rid = office["people"][Role.ADVISOR], office["registration"]
    at = signed_in(advisor, "pages/my_students.py")
    assert "บริษัท ไทยซอฟต์ จำกัด" in set(at.dataframe[0].value["company"])
    at.selectbox(key="ms_open").set_value(rid).run()
    at.selectbox(key="pl_record_visit").set_value(office["visit"])
    at.text_area(key="pl_report").input("นักศึกษาปฏิบัติงานได้ดี พนักงานที่ปรึกษาพอใจ")
    at.file_uploader(key="pl_photos").set_value([("site.jpg", _jpeg(), "image/jpeg")])
    _submit(at, "Record as done")
    assert not at.error, [e.value for e in at.error]
    with ctx.sessions.begin() as s:
        assert s.get_one(Visit, office["visit"]).status.value == "done"
        assert s.scalar(select(func.count()).select_from(VisitPhoto)) == 1
    at = signed_in(advisor, "pages/my_students.py")
    at.selectbox(key="ms_open").set_value(rid).run()
    assert len(at.get("imgs")) >= 1 or "Photos of visit 1" in texts(at)
    supervisor = _evaluation(ctx, rid, "supervisor")
    at.selectbox(key="pl_eval_pick").set_value(supervisor).run()
    with ctx.sessions.begin() as s:
        form = s.get_one(Evaluation, supervisor).form_id
        criteria = list(s.scalars(select(EvaluationCriterion.id).where(EvaluationCriterion.form_id == form)))
    for cid in criteria:
        at.number_input(key=f"pl_score_{supervisor}_{cid}").set_value(4)
    _submit(at, "Submit evaluation")
    with ctx.sessions.begin() as s:
        row = s.get_one(Evaluation, supervisor)
        assert row.status.value == "submitted" and float(row.total) == 80.0


def test_a_bad_photo_is_refused_on_the_page_and_nothing_changes(ctx, office) -> None:  # type: ignore[no-untyped-def]
    at = signed_in(office["people"][Role.COORDINATOR], "pages/visits_evaluations.py")
    at.selectbox(key="ve_open").set_value(office["registration"]).run()
    at.selectbox(key="pl_record_visit").set_value(office["visit"])
    at.text_area(key="pl_report").input("รายงาน")
    at.file_uploader(key="pl_photos").set_value([("photo.jpg", b"\x7fELF" + b"\x00" * 100, "image/jpeg")])
    _submit(at, "Record as done")
    assert "“photo.jpg” is not a JPEG, PNG or WEBP image." in texts(at)
    with ctx.sessions.begin() as s:
        assert s.get_one(Visit, office["visit"]).status.value == "planned"


def test_the_coordinator_completes_once_the_evaluations_are_in_and_sees_the_result(ctx, office) -> None:  # type: ignore[no-untyped-def]
    coordinator, rid = office["people"][Role.COORDINATOR], office["registration"]
    at = signed_in(coordinator, "pages/visits_evaluations.py")
    at.selectbox(key="ve_open").set_value(rid).run()
    assert at.button(key="pl_complete").disabled
    assert "is not submitted yet" in texts(at)
    for kind, value in (("supervisor", 5), ("advisor", 4)):
        evaluation = _evaluation(ctx, rid, kind)
        with ctx.sessions.begin() as s:
            form = s.get_one(Evaluation, evaluation).form_id
            ids = list(s.scalars(select(EvaluationCriterion.id).where(EvaluationCriterion.form_id == form)))
        placements.save_evaluation(
            ctx, actor=coordinator, evaluation_id=evaluation, submit=True, scores=dict.fromkeys(ids, value)
        )
    at = signed_in(coordinator, "pages/visits_evaluations.py")
    at.selectbox(key="ve_open").set_value(rid).run()
    at.button(key="pl_complete").click().run()
    confirm(at, "pl_confirm_complete")
    with ctx.sessions.begin() as s:
        assert s.get_one(Registration, rid).status == S.COMPLETED
    at = signed_in(coordinator, "pages/visits_evaluations.py")
    at.toggle(key="ve_finished").set_value(True).run()
    at.selectbox(key="ve_open").set_value(rid).run()
    assert "Completed · Result: S (score 90.00)" in texts(at)


def test_the_coordinator_plans_a_section_and_saves_a_form(ctx, office) -> None:  # type: ignore[no-untyped-def]
    coordinator = office["people"][Role.COORDINATOR]
    placements.cancel_visit(ctx, actor=coordinator, visit_id=office["visit"], reason="เลื่อน")
    at = signed_in(coordinator, "pages/visits_evaluations.py")
    at.segmented_control(key="ve_tab").set_value("plan").run()
    at.selectbox(key="vp_section").set_value(office["section"]).run()
    at.button(key="vp_save").click().run()
    confirm(at, "vp_confirm")
    with ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).where(Visit.status == "planned")) == 1
    at = signed_in(coordinator, "pages/visits_evaluations.py")
    at.segmented_control(key="ve_tab").set_value("forms").run()
    _submit(at, "Save form")
    assert not at.error, [e.value for e in at.error]


def test_managers_read_the_overview_and_export_is_offered(ctx, office) -> None:  # type: ignore[no-untyped-def]
    at = signed_in(office["people"][Role.MANAGER], "pages/placement_stats.py")
    assert not at.exception and "Visit coverage per faculty" in texts(at)
    at = signed_in(office["people"][Role.COORDINATOR], "pages/visits_evaluations.py")
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download Excel"}


@pytest.mark.parametrize(
    ("role", "page"),
    [(Role.STAFF, p) for p in PAGES]
    + [
        (Role.ADVISOR, "pages/visits_evaluations.py"),
        (Role.ADVISOR, "pages/placement_stats.py"),
        (Role.COORDINATOR, "pages/my_students.py"),
        (Role.COORDINATOR, "pages/placement_stats.py"),
        (Role.MANAGER, "pages/my_students.py"),
        (Role.MANAGER, "pages/visits_evaluations.py"),
    ],
)
def test_the_pages_refuse_roles_without_them(ctx, office, role: Role, page: str) -> None:  # type: ignore[no-untyped-def]
    at = page_alone(office["people"][role], page)
    assert not at.exception and DENIED in texts(at)
    assert not at.dataframe and "บริษัท ไทยซอฟต์ จำกัด" not in texts(at)


def test_another_advisor_sees_none_of_it(ctx, office, session_for) -> None:  # type: ignore[no-untyped-def]
    other = session_for(Role.ADVISOR)
    at = signed_in(other, "pages/my_students.py")
    assert not at.exception and not at.dataframe
    assert "None of your students is placed yet" in texts(at)
