"""A coordinator enters a walk-in registration in a real browser, then finds it in the review queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core.auth import users
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import Registration, RegistrationEvent
from tests import factories
from tests.e2e.conftest import Server, screenshot, sign_in, start_server, stop_server

WAIT = 60_000
PASSWORD = "walk-in journey passphrase 2026"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[tuple[Server, AppContext]]:
    """One app with a coordinator, an advisor, a student and an open section of term 1/2026."""
    server = start_server(tmp_path_factory.mktemp("walkin"))
    ctx = AppContext(
        settings=Settings(database_url=server.database_url, secret_key="x" * 40, bcrypt_rounds=4),
        db=make_database(server.database_url),
        cache=make_cache(None),
    )
    for name, role, full in (("coord", "coordinator", "คุณ ประสาน"), ("somsri", "advisor", "อาจารย์ สมศรี")):
        users.create_user(ctx, actor=None, username=name, full_name=full, role=role, password=PASSWORD)
    with ctx.sessions.begin() as s:
        factories.student(s, student_code="6677788899", first_name_th="มานะ", last_name_th="ขยันยิ่ง",
                          first_name_en="Mana", last_name_en="Khayanying")  # fmt: skip
        factories.section(
            s, factories.course(s, code="CPE-401"), section="01", capacity=5, academic_year=2026
        )
    yield server, ctx
    ctx.db.engine.dispose()
    stop_server(server)


def _choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option).click()
    page.wait_for_timeout(800)


def test_a_walk_in_is_entered_and_waits_in_the_review_queue(office, browser) -> None:
    server, ctx = office
    page = browser.new_page()
    sign_in(page, server.url, "coord", PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name="New registration").click()
    search = page.get_by_label("Find the student (code, Thai or English name)")
    search.wait_for(timeout=WAIT)
    search.press_sequentially("มานะ", delay=60)  # no Enter: the list follows the typing
    page.wait_for_timeout(1500)
    _choose(page, "Student", "6677788899 มานะ ขยันยิ่ง / Mana Khayanying · ")
    _choose(page, "Term", "1/2026")
    _choose(page, "Section", "CPE-401 section 01")
    _choose(page, "Advisor (optional)", "อาจารย์ สมศรี (somsri)")
    page.get_by_role("button", name="Save registration").click()
    page.get_by_text("entered: submitted, waiting for review").wait_for(timeout=WAIT)
    with ctx.sessions.begin() as s:
        reg = s.scalars(select(Registration)).one()
        assert reg.status.value == "submitted"
        assert s.scalar(
            select(RegistrationEvent.to_status).where(RegistrationEvent.registration_id == reg.id)
        )
    page.get_by_text("Withdraw on the student's behalf").wait_for(timeout=WAIT)
    screenshot(page, "walk_in_entered")

    page.get_by_role("link", name="Review queue").click()
    page.get_by_text("registration").first.wait_for(timeout=WAIT)
    field = page.get_by_label("Student code or name starts with")
    field.fill("66777")
    field.press("Enter")
    page.get_by_text("1 registration matches").wait_for(timeout=WAIT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    page.get_by_label("Open registration").click()
    page.get_by_role("option", name=str(reg.id)).click()
    page.get_by_text("6677788899 มานะ ขยันยิ่ง").first.wait_for(timeout=WAIT)
    page.get_by_text("Advisor: อาจารย์ สมศรี").wait_for(timeout=WAIT)
    screenshot(page, "walk_in_in_review_queue")
    page.close()
