"""Documents and mail in a real browser: a coordinator uploads an agreement, the advisor asks for a
revision, the outbox page shows the student's mail, the coordinator sends the supervisor a one-time
link, the supervisor opens it without signing in and submits the evaluation, and the registration's
placement shows it submitted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core import documents, placements
from core.access import Actor
from core.auth import users
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import (
    Document,
    DocumentType,
    Evaluation,
    EvaluationCriterion,
    EvaluatorKind,
    OutboxMail,
    RegistrationStatus,
    Role,
)
from tests import factories
from tests.e2e.conftest import Server, screenshot, sign_in, start_server, stop_server
from tests.unit.test_documents import PDF_WITH_JS

WAIT = 60_000
PASSWORD = "documents journey passphrase 2026"
DETAILS = {"supervisor_name": "คุณสมศรี ดูแลดี", "supervisor_email": "somsri@example.co.th",
           "start_date": date(2026, 6, 15), "end_date": date(2026, 10, 15)}  # fmt: skip


def _context(server: Server) -> AppContext:
    return AppContext(
        settings=Settings(database_url=server.database_url, secret_key="x" * 40, bcrypt_rounds=4),
        db=make_database(server.database_url),
        cache=make_cache(None),
    )


def _seed(ctx: AppContext) -> dict[str, object]:
    made = {}
    for name, role in (("coord", "coordinator"), ("adv", "advisor")):
        row, _ = users.create_user(ctx, actor=None, username=name, full_name=f"คุณ {name}", role=role,
                                   password=PASSWORD)  # fmt: skip
        made[name] = row.id
    coordinator = Actor(user_id=made["coord"], username="coord", full_name="คุณ coord", role=Role.COORDINATOR)
    with ctx.sessions.begin() as s:
        course = factories.course(s, required_evaluations="supervisor", visit_count=1)
        section = factories.section(s, course, coordinator_id=made["coord"])
        company = factories.company(s, name_th="บริษัท ไทยซอฟต์ จำกัด")
        student = factories.student(s, student_code="6601234567", first_name_th="มานี", last_name_th="มีนา",
                                    email="manee@example.ac.th")  # fmt: skip
        rid = factories.registration(s, student_id=student, section_id=section, advisor_id=made["adv"],
                                     internship_id=factories.posting(s, company),
                                     status=RegistrationStatus.IN_PROGRESS)  # fmt: skip
        agreement = s.scalar(select(DocumentType.id).where(DocumentType.code == "agreement"))
    documents.set_course_requirements(ctx, actor=coordinator, course_id=course, required=[int(agreement or 0)],
                                      optional=[])  # fmt: skip
    placements.save_placement(ctx, actor=coordinator, registration_id=rid, **DETAILS)
    with ctx.sessions.begin() as s:
        evaluation = s.scalars(select(Evaluation).where(Evaluation.kind == EvaluatorKind.SUPERVISOR)).one()
        criteria = list(
            s.scalars(select(EvaluationCriterion.id).where(EvaluationCriterion.form_id == evaluation.form_id))
        )
    return {"registration": rid, "evaluation": evaluation.id, "criteria": criteria}


@pytest.fixture(scope="module")
def journey(
    tmp_path_factory: pytest.TempPathFactory, browser
) -> Iterator[tuple[Server, AppContext, dict, Path]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("documents")
    server = start_server(tmp)
    ctx = _context(server)
    seeded = _seed(ctx)
    upload = tmp / "agreement.pdf"
    upload.write_bytes(PDF_WITH_JS)
    yield server, ctx, seeded, upload
    ctx.db.engine.dispose()
    stop_server(server)


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)


def _documents_of(page, server: Server, username: str, rid: int) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, username, PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("tab", name="Open a registration").click()
    field = page.locator(".st-key-docs_registration input")
    field.fill(str(rid))
    field.press("Enter")
    _settle(page)


def test_agreement_revision_outbox_and_the_supervisors_link(journey, browser) -> None:  # type: ignore[no-untyped-def]
    server, ctx, seeded, upload = journey
    rid = seeded["registration"]

    page = browser.new_page()  # 1. the coordinator uploads the agreement
    _documents_of(page, server, "coord", rid)
    page.get_by_text("No document has been uploaded for this registration yet.").wait_for(timeout=WAIT)
    picker = page.locator(".st-key-doc_type input")
    picker.click()
    picker.fill("Agreement")
    picker.press("Enter")
    page.locator(".st-key-doc_file input[type=file]").set_input_files(str(upload))
    page.get_by_text("agreement.pdf").first.wait_for(timeout=WAIT)
    page.locator(".st-key-doc_expires input[type=date]").fill("2027-03-31")  # the browser's own date field
    page.get_by_role("button", name="Upload the document").click()
    page.get_by_text("Uploaded agreement.pdf as version 1.").wait_for(timeout=WAIT)
    screenshot(page, "documents_uploaded")
    page.close()

    page = browser.new_page()  # 2. the advisor asks for a revision
    _documents_of(page, server, "adv", rid)
    page.get_by_text("agreement.pdf").first.wait_for(timeout=WAIT)
    page.get_by_label("Reason (to send it back)").fill("ลายมือชื่อผู้มีอำนาจลงนามไม่ครบ")
    page.get_by_role("button", name="Ask for a revision").click()
    page.get_by_text("Sent back for revision; the student is told by e-mail.").wait_for(timeout=WAIT)
    with ctx.sessions.begin() as s:
        assert s.scalars(select(Document.status)).one().value == "needs_revision"
    page.close()

    page = browser.new_page()  # 3. the outbox shows the student's mail; 4a. the coordinator sends the link
    sign_in(page, server.url, "coord", PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name="Outbox").click()
    page.get_by_text("SMTP_URL is not set").wait_for(timeout=WAIT)
    page.get_by_text("ลายมือชื่อผู้มีอำนาจลงนามไม่ครบ").first.wait_for(timeout=WAIT)
    page.get_by_text("To: manee@example.ac.th", exact=False).first.wait_for(timeout=WAIT)
    screenshot(page, "outbox_student_mail")
    page.get_by_role("link", name="Visits & evaluations").click()
    page.get_by_text("1 placement").wait_for(timeout=WAIT)
    _settle(page)
    opener = page.get_by_label("Open a placement")
    opener.click()
    opener.fill("6601234567")
    opener.press("Enter")
    page.get_by_role("button", name="Send the supervisor a new evaluation link").click()
    page.get_by_text("The link was sent to somsri@example.co.th").wait_for(timeout=WAIT)
    page.close()

    with ctx.sessions.begin() as s:  # the supervisor's mail client
        body = s.scalars(
            select(OutboxMail.body_text).where(OutboxMail.recipient == "somsri@example.co.th")
        ).one()
    token = body.split("?t=", 1)[1].split()[0]

    anonymous = browser.new_context()  # 4b. the supervisor, not signed in
    page = anonymous.new_page()
    page.goto(f"{server.url}/evaluate?t={token}")
    page.get_by_text("Company: บริษัท ไทยซอฟต์ จำกัด").wait_for(timeout=WAIT)
    assert "t=" not in page.url  # the token left the address bar
    for cid in seeded["criteria"]:
        page.locator(f".st-key-sv_{cid} input").fill("5")
    page.get_by_label("Your name").fill("คุณสมศรี ดูแลดี")
    page.get_by_role("button", name="Send the evaluation").click()
    page.get_by_text("Thank you. Your evaluation was sent to the internship office.").wait_for(timeout=WAIT)
    screenshot(page, "supervisor_submitted")
    page.goto(f"{server.url}/evaluate?t={token}")
    page.get_by_text("This link does not work (any more).").wait_for(timeout=WAIT)
    anonymous.close()

    page = browser.new_page()  # 5. the registration shows it
    sign_in(page, server.url, "coord", PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name="Visits & evaluations").click()
    page.get_by_text("1 placement").wait_for(timeout=WAIT)
    _settle(page)
    opener = page.get_by_label("Open a placement")
    opener.click()
    opener.fill("6601234567")
    opener.press("Enter")
    page.get_by_text("Every required evaluation is submitted").wait_for(timeout=WAIT)
    screenshot(page, "registration_shows_evaluation")
    with ctx.sessions.begin() as s:
        assert s.get_one(Evaluation, seeded["evaluation"]).status.value == "submitted"
    page.close()
