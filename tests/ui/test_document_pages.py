"""Documents, outbox and the supervisor's link in AppTest: a coordinator uploads an agreement, an advisor
sends it back, the outbox shows the student's mail; a hostile file is refused on the page; the
supervisor opens the one-time link without signing in, submits once, and a replay is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core import clock, documents, evaluation_links, placements
from core.context import AppContext
from db.models import Document, Evaluation, EvaluationCriterion, OutboxMail, Role
from db.models import RegistrationStatus as S
from tests import factories as f
from tests.ui.apptest import APP, signed_in, texts
from tests.unit.test_documents import PDF_WITH_JS

NOW = datetime(2026, 8, 3, 3, 0, tzinfo=UTC)
DETAILS = {"supervisor_name": "คุณสมศรี ดูแลดี", "supervisor_email": "somsri@example.co.th",
           "start_date": date(2026, 6, 15), "end_date": date(2026, 10, 15)}  # fmt: skip


@pytest.fixture
def office(ctx: AppContext, session_for, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)
    people = {role: session_for(role) for role in Role}
    coordinator = people[Role.COORDINATOR]
    agreement = documents.save_type(ctx, actor=coordinator, type_id=None, code="agreement", name_th="ข้อตกลงการฝึกงาน",
                                    name_en="Agreement", has_expiry=True)  # fmt: skip
    with ctx.sessions.begin() as s:
        course = f.course(s, required_evaluations="supervisor")
        section = f.section(s, course, coordinator_id=coordinator.user_id)
        student = f.student(s, first_name_th="สมหญิง", last_name_th="เรียนดี", email="somying@example.ac.th")
        rid = f.registration(s, student_id=student, section_id=section, internship_id=f.posting(s),
                             advisor_id=people[Role.ADVISOR].user_id, status=S.IN_PROGRESS)  # fmt: skip
    documents.set_course_requirements(
        ctx, actor=coordinator, course_id=course, required=[agreement.id], optional=[]
    )
    placements.save_placement(ctx, actor=coordinator, registration_id=rid, **DETAILS)
    return {"people": people, "registration": rid, "agreement": agreement.id}


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _open(at: AppTest, rid: int) -> AppTest:
    at.number_input(key="docs_registration").set_value(rid).run()
    assert not at.exception, at.exception
    return at


def test_upload_then_revision_then_the_outbox_shows_the_students_mail(ctx, office) -> None:  # type: ignore[no-untyped-def]
    rid, people = office["registration"], office["people"]
    at = signed_in(people[Role.COORDINATOR], "pages/documents.py")
    assert rid in set(at.dataframe[0].value["registration_id"])  # the agreement is missing
    _open(at, rid)
    at.selectbox(key="doc_type").set_value(office["agreement"])
    at.file_uploader(key="doc_file").set_value([("../agreement\x07.pdf", PDF_WITH_JS, "application/pdf")])
    at.date_input(key="doc_expires").set_value(date(2027, 3, 31))
    _click(at, "Upload the document")
    assert not at.error, [e.value for e in at.error]
    with ctx.sessions.begin() as s:
        doc = s.scalars(select(Document)).one()
    assert doc.filename == "agreement.pdf" and doc.expires_on == date(2027, 3, 31)

    at = _open(signed_in(people[Role.ADVISOR], "pages/documents.py"), rid)
    assert "agreement.pdf" in texts(at)
    assert any(b.proto.url == f"/files/documents/{doc.id}" for b in at.get("link_button"))
    at.text_input(key=f"doc_review_{doc.id}_reason").input("ลายมือชื่อผู้มีอำนาจไม่ครบ")
    _click(at, "Ask for a revision")
    with ctx.sessions.begin() as s:
        assert s.get_one(Document, doc.id).status.value == "needs_revision"
        assert s.scalars(select(OutboxMail.recipient)).one() == "somying@example.ac.th"

    at = signed_in(people[Role.COORDINATOR], "pages/outbox.py")
    assert "SMTP_URL is not set" in texts(at)
    assert "somying@example.ac.th" in set(at.dataframe[0].value["recipient"])
    assert "ลายมือชื่อผู้มีอำนาจไม่ครบ" in texts(at)  # the chosen mail's text


def test_a_renamed_executable_is_refused_on_the_page(ctx, office) -> None:  # type: ignore[no-untyped-def]
    at = _open(signed_in(office["people"][Role.COORDINATOR], "pages/documents.py"), office["registration"])
    at.selectbox(key="doc_type").set_value(office["agreement"])
    at.file_uploader(key="doc_file").set_value(
        [("report.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")]
    )
    at.date_input(key="doc_expires").set_value(date(2027, 3, 31))
    _click(at, "Upload the document")
    assert "\u201creport.pdf\u201d is not a PDF, DOCX, XLSX, PNG or JPEG file." in texts(at)
    with ctx.sessions.begin() as s:
        assert s.scalars(select(Document)).first() is None


def test_the_documents_page_speaks_thai(ctx, office) -> None:  # type: ignore[no-untyped-def]
    at = signed_in(office["people"][Role.COORDINATOR], "pages/documents.py", lang="th")
    assert at.title[0].value == "เอกสาร"
    assert "ยังไม่ส่ง" in set(at.dataframe[0].value["problem"])


def _evaluate(token: str | None) -> AppTest:
    at = AppTest.from_file(str(Path(APP).parent / "pages/evaluate.py"), default_timeout=30)
    if token is not None:
        at.query_params["t"] = token
    return at.run()


def test_the_supervisor_submits_once_without_signing_in_and_a_replay_is_refused(ctx, office) -> None:  # type: ignore[no-untyped-def]
    with ctx.sessions.begin() as s:
        evaluation = s.scalars(select(Evaluation).where(Evaluation.kind == "supervisor")).one()
        criteria = list(
            s.scalars(select(EvaluationCriterion.id).where(EvaluationCriterion.form_id == evaluation.form_id))
        )
    sent = evaluation_links.send_link(
        ctx, actor=office["people"][Role.COORDINATOR], evaluation_id=evaluation.id
    )
    token = sent.url.split("?t=", 1)[1]
    at = _evaluate(token)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "สมหญิง เรียนดี" in shown or "Student:" in shown
    assert token not in str(at.query_params)  # the token leaves the address bar at once
    for cid in criteria:
        at.number_input(key=f"sv_{cid}").set_value(5)
    at.text_input[0].input("สมศรี ดูแลดี")
    _click(at, "Send the evaluation")
    assert "Thank you" in texts(at)
    with ctx.sessions.begin() as s:
        assert s.get_one(Evaluation, evaluation.id).status.value == "submitted"
    again = _evaluate(token)
    assert "This link does not work" in texts(again) and not again.number_input
    unknown = _evaluate("x" * 43)
    assert [e.value for e in unknown.error] == [e.value for e in again.error]
    assert "This link does not work" in texts(_evaluate(None))


def test_the_supervisors_page_speaks_thai(ctx, office) -> None:  # type: ignore[no-untyped-def]
    with ctx.sessions.begin() as s:
        evaluation = s.scalars(select(Evaluation.id).where(Evaluation.kind == "supervisor")).one()
    sent = evaluation_links.send_link(ctx, actor=office["people"][Role.COORDINATOR], evaluation_id=evaluation)
    at = AppTest.from_file(str(Path(APP).parent / "pages/evaluate.py"), default_timeout=30)
    at.session_state["lang"] = "th"
    at.query_params["t"] = sent.url.split("?t=", 1)[1]
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "แบบประเมินการฝึกงาน"
    assert "นักศึกษา: สมหญิง เรียนดี" in texts(at)
    assert [b.label for b in at.button] == ["ส่งแบบประเมิน"]
