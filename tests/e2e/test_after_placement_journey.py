"""After placement in a real browser: an advisor records a done visit with a photo and types in the
workplace supervisor's evaluation; the coordinator completes the registration and sees its result."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from core import clock, placements
from core.auth import users
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import (
    Evaluation,
    EvaluationCriterion,
    EvaluatorKind,
    Registration,
    RegistrationStatus,
    Visit,
    VisitPhoto,
)
from tests import factories
from tests.e2e.conftest import Server, screenshot, sign_in, start_server, stop_server

WAIT = 60_000
PASSWORD = "after placement passphrase 2026"
DETAILS = {"supervisor_name": "คุณสมศรี ดูแลดี", "start_date": date(2026, 6, 15), "end_date": date(2026, 10, 15)}


def _context(server: Server) -> AppContext:
    return AppContext(
        settings=Settings(database_url=server.database_url, secret_key="x" * 40, bcrypt_rounds=4),
        db=make_database(server.database_url),
        cache=make_cache(None),
    )


def _seed(ctx: AppContext) -> dict[str, int]:
    made = {}
    for name, role in (("coord", "coordinator"), ("adv", "advisor")):
        row, _ = users.create_user(ctx, actor=None, username=name, full_name=f"คุณ {name}", role=role,
                                   password=PASSWORD)  # fmt: skip
        made[name] = row.id
    with ctx.sessions.begin() as s:
        course = factories.course(s, required_evaluations="supervisor", visit_count=1)
        section = factories.section(s, course, coordinator_id=made["coord"])
        company = factories.company(s, name_th="บริษัท ไทยซอฟต์ จำกัด")
        student = factories.student(s, student_code="6601234567", first_name_th="มานี", last_name_th="มีนา")
        rid = factories.registration(
            s,
            student_id=student,
            section_id=section,
            internship_id=factories.posting(s, company),
            advisor_id=made["adv"],
            status=RegistrationStatus.IN_PROGRESS,
        )  # fmt: skip
    from core.access import Actor
    from db.models import Role

    coordinator = Actor(user_id=made["coord"], username="coord", full_name="คุณ coord", role=Role.COORDINATOR)
    placements.save_placement(ctx, actor=coordinator, registration_id=rid, **DETAILS)
    visit = placements.plan_visit(ctx, actor=coordinator, registration_id=rid, planned_at=clock.now(),
                                  mode="onsite", visitor_id=None)  # fmt: skip
    with ctx.sessions.begin() as s:
        evaluation = s.scalar(select(Evaluation.id).where(Evaluation.kind == EvaluatorKind.SUPERVISOR))
        form = s.get_one(Evaluation, evaluation).form_id
        criteria = list(s.scalars(select(EvaluationCriterion.id).where(EvaluationCriterion.form_id == form)))
    return {"registration": rid, "visit": visit, "evaluation": int(evaluation or 0), "criteria": criteria}  # type: ignore[dict-item]


@pytest.fixture(scope="module")
def journey(
    tmp_path_factory: pytest.TempPathFactory, browser
) -> Iterator[tuple[Server, AppContext, dict, Path]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("after")
    server = start_server(tmp)
    ctx = _context(server)
    seeded = _seed(ctx)
    photo = tmp / "visit.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(out, "JPEG")
    photo.write_bytes(out.getvalue())
    yield server, ctx, seeded, photo
    ctx.db.engine.dispose()
    stop_server(server)


def _pick(page, label: str, text: str, **kw: object) -> None:  # type: ignore[no-untyped-def]
    """Choose in a select box by typing (its list may open below the fold); Enter takes the match."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)  # let the rerun settle before using the select box
    picker = page.get_by_label(label, **kw)
    picker.click()
    picker.fill(text)
    picker.press("Enter")


def _open(page, server: Server, username: str, link: str, picker: str, option: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, username, PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name=link).click()
    page.get_by_text("1 placement").wait_for(timeout=WAIT)
    _pick(page, picker, option)
    page.get_by_text("Placement details").first.wait_for(timeout=WAIT)


def test_advisor_records_the_visit_and_evaluation_then_the_coordinator_completes(journey, browser) -> None:  # type: ignore[no-untyped-def]
    server, ctx, seeded, photo = journey
    page = browser.new_page()
    _open(page, server, "adv", "My students", "Open a placement", "6601234567 มานี มีนา")
    _pick(page, "Visit", "Visit 1", exact=True)
    page.get_by_label("Visit report (in Thai)").fill("นักศึกษาปฏิบัติงานได้ดี พนักงานที่ปรึกษาพอใจ")
    page.locator(".st-key-pl_photos input[type=file]").set_input_files(str(photo))
    page.get_by_text("visit.jpg").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Record as done").click()
    page.get_by_text("Visit recorded with 1 photos.").wait_for(timeout=WAIT)
    page.get_by_text("Photos of visit 1").wait_for(timeout=WAIT)
    with ctx.sessions.begin() as s:
        assert s.get_one(Visit, seeded["visit"]).status.value == "done"
        assert len(s.scalars(select(VisitPhoto.id)).all()) == 1

    _pick(page, "Fill in an evaluation", "Workplace")
    for cid in seeded["criteria"]:
        field = page.locator(f".st-key-pl_score_{seeded['evaluation']}_{cid} input")
        field.fill("4")
    page.get_by_label("Evaluator's name (as on the paper form)").fill("คุณสมศรี ดูแลดี")
    page.get_by_role("button", name="Submit evaluation").click()
    page.get_by_text("Evaluation submitted: total 80.00%.").wait_for(timeout=WAIT)
    screenshot(page, "after_placement_advisor")
    page.close()

    page = browser.new_page()
    _open(page, server, "coord", "Visits & evaluations", "Open a placement", "6601234567 มานี มีนา")
    page.get_by_text("Every required evaluation is submitted").wait_for(timeout=WAIT)
    page.locator(".st-key-pl_complete button").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("moves from In progress to Completed.").wait_for(timeout=WAIT)
    dialog.locator(".st-key-pl_confirm_complete__yes button").click()
    page.get_by_text("In progress → Completed").wait_for(timeout=WAIT)
    with ctx.sessions.begin() as s:
        assert s.get_one(Registration, seeded["registration"]).status == RegistrationStatus.COMPLETED
    page.get_by_text("Include completed and failed").click()
    page.get_by_text("1 placement").wait_for(timeout=WAIT)
    _pick(page, "Open a placement", "6601234567")
    page.get_by_text("Completed · Result: S (score 80.00)").wait_for(timeout=WAIT)
    screenshot(page, "after_placement_completed")
    page.close()
