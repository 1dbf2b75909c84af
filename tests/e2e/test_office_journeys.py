"""The main journeys in a real browser: a coordinator's approval, a staff member's Thai search,
a manager's charts with a filter change. Each keeps a screenshot of its last screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from core import clock
from core.access import Actor
from core.auth import users
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import Registration, RegistrationStatus, Role
from tests import factories
from tests import factories as f
from tests.e2e.conftest import Server, screenshot, sign_in, start_server, stop_server

WAIT = 60_000  # the first page of a cold server on a busy 2-core CI machine can be slow
PASSWORD = "journeys passphrase 2026"


def open_as(page, server: Server, username: str, link: str) -> None:
    """Sign in as `username` and open the page behind the sidebar link."""
    sign_in(page, server.url, username, PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name=link).click()


def _seed(server: Server) -> dict[str, object]:
    database = make_database(server.database_url)
    ctx = AppContext(
        settings=Settings(database_url=server.database_url, secret_key="x" * 40, bcrypt_rounds=4),
        db=database,
        cache=make_cache(None),
    )
    for name, role in (("coord", "coordinator"), ("staffer", "staff"), ("boss2", "manager"),
                       ("coord_th", "coordinator"), ("boss_th", "manager")):  # fmt: skip
        row, _ = users.create_user(
            ctx, actor=None, username=name, full_name=f"คุณ {name}", role=role, password=PASSWORD
        )
        if name == "boss_th":  # chose Thai on My profile earlier
            users.set_language(
                ctx, actor=Actor(row.id, name, Role.MANAGER, row.full_name, "x"), language="th"
            )
    thai = f.new(
        ctx, f.company, name_th="บริษัท ซอฟต์แวร์ล้านนา จำกัด", name_en="Lanna Software", province="Chiang Mai"
    )
    other = f.new(
        ctx, f.company, name_th="บริษัท กรุงเทพ ดิจิทัล จำกัด", name_en="Bangkok Digital", province="กรุงเทพมหานคร"
    )
    wanted = f.new(
        ctx,
        f.posting,
        thai,
        "วิศวกรซอฟต์แวร์ฝึกงาน",
        description="รับสมัครนักศึกษาฝึกงานตำแหน่งวิศวกรซอฟต์แวร์ประจำเชียงใหม่",
        province="Chiang Mai",
        stipend=9000,
        slots=3,
    )
    f.new(
        ctx, f.posting, other, "วิศวกรซอฟต์แวร์ (กรุงเทพ)", description="งานพัฒนาระบบ", province="Bangkok", slots=3
    )
    f.new(ctx, f.posting, other, "Marketing intern", description="social media", province="Bangkok", slots=3)
    now = clock.now()
    with database.sessions.begin() as s:
        section = factories.section(s, academic_year=2026, semester=1, capacity=5)
        last_year = factories.section(s, academic_year=2025, semester=1, capacity=5)
        student = factories.student(s, student_code="6612345678", first_name_th="ปิยะ", last_name_th="ศรีสุข")
        reg = factories.registration(
            s,
            student_id=student,
            section_id=section,
            internship_id=wanted,
            status=RegistrationStatus.COMMITTEE_APPROVED,
            at=now - timedelta(days=3),
        )
        for i in range(3):
            factories.registration(
                s, section_id=last_year, status=RegistrationStatus.COMPLETED, at=now - timedelta(days=300 + i)
            )
        second_term = factories.section(s, academic_year=2026, semester=2, capacity=5)
        student = factories.student(s, student_code="6698765432", first_name_th="วิไล", last_name_th="ใจงาม")
        thai_reg = factories.registration(
            s, student_id=student, section_id=second_term, internship_id=wanted,
            status=RegistrationStatus.COMMITTEE_APPROVED, at=now - timedelta(days=2),
        )  # fmt: skip
    database.engine.dispose()
    return {"registration": reg, "posting": wanted, "thai_registration": thai_reg}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[tuple[Server, dict[str, object]]]:
    """One app with a little realistic data."""
    server = start_server(tmp_path_factory.mktemp("journeys"))
    seeded = _seed(server)
    yield server, seeded
    stop_server(server)


def test_coordinator_filters_the_queue_approves_and_sees_the_timeline(office, browser) -> None:
    server, seeded = office
    page = browser.new_page()
    open_as(page, server, "coord", "Review queue")
    page.get_by_text("registrations match").wait_for(timeout=WAIT)
    field = page.get_by_label("Student code or name starts with")
    field.fill("66123")
    field.press("Enter")
    page.get_by_text("1 registration matches").wait_for(timeout=WAIT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # let the rerun settle before using the select box
    page.get_by_label("Open registration").click()
    page.get_by_role("option", name=str(seeded["registration"])).click()
    page.get_by_role("button", name="Approve", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("moves from Committee approved to Placed.").wait_for(timeout=WAIT)
    dialog.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text("Committee approved → Placed").wait_for(timeout=WAIT)
    # The registration has left the waiting view; its updated timeline is shown right away.
    page.get_by_text(f"Registration {seeded['registration']} now").wait_for(timeout=WAIT)
    page.get_by_text("Timeline").first.wait_for(timeout=WAIT)
    page.get_by_text("Placed", exact=True).first.wait_for(state="attached", timeout=WAIT)
    screenshot(page, "coordinator_approval")
    page.close()


def test_staff_searches_in_thai_narrows_by_province_and_opens_a_posting(office, browser) -> None:
    server, _ = office
    page = browser.new_page()
    open_as(page, server, "staffer", "Search postings")
    box = page.get_by_label("Search (Thai or English)")
    box.fill("วิศวกรซอฟต์แวร์")
    box.press("Enter")
    page.get_by_text("2 postings").first.wait_for(timeout=WAIT)
    page.get_by_label("Province").click()
    page.get_by_role("option", name="Chiang Mai (1)").click()
    page.get_by_text("1 posting ·").first.wait_for(timeout=WAIT)
    assert "q=" in page.url  # the search can be shared as a link
    grid = page.get_by_test_id("stDataFrame").first
    box_ = grid.bounding_box()
    assert box_ is not None
    page.mouse.click(box_["x"] + 18, box_["y"] + 52)  # the first row's selection cell
    page.get_by_text("Posting detail").wait_for(timeout=WAIT)
    page.get_by_text("วิศวกรซอฟต์แวร์ฝึกงาน — บริษัท ซอฟต์แวร์ล้านนา จำกัด (Lanna Software)").wait_for(timeout=WAIT)
    screenshot(page, "staff_thai_search")
    page.close()


def test_manager_changes_a_filter_and_the_charts_redraw(office, browser) -> None:
    server, _ = office
    page = browser.new_page()
    open_as(page, server, "boss2", "Progress")
    charts = page.locator(".js-plotly-plot")
    charts.first.wait_for(timeout=WAIT)
    before = charts.count()
    page.get_by_label("Academic year").click()
    page.get_by_role("option", name="2025").click()
    page.wait_for_timeout(1500)
    charts.first.wait_for(timeout=WAIT)
    assert charts.count() >= 1
    assert before >= 1
    page.get_by_text("Completed").first.wait_for(timeout=WAIT)
    screenshot(page, "manager_progress")
    page.get_by_role("tab", name="Breakdowns").click()  # only the open tab runs; it reruns on a click
    page.get_by_text("Registrations by province").wait_for(timeout=WAIT)
    assert charts.count() >= 5 and "progress_tab=Breakdowns" in page.url
    screenshot(page, "manager_progress_breakdowns")
    page.close()


def test_a_coordinator_works_in_thai_and_a_manager_reads_thai_charts(office, browser) -> None:
    """Switch to ไทย, filter the queue to term 2/2569, approve through the dialog; Thai chart titles."""
    server, seeded = office
    reg = seeded["thai_registration"]
    page = browser.new_page()
    open_as(page, server, "coord_th", "Review queue")
    page.get_by_role("heading", name="Review queue").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    page.get_by_test_id("stSidebar").get_by_text("ไทย", exact=True).click()
    page.get_by_role("heading", name="คิวพิจารณา").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    year = page.get_by_label("ปีการศึกษา (พ.ศ. หรือ ค.ศ.)")
    year.fill("2569")
    year.press("Enter")
    page.wait_for_timeout(1500)
    page.get_by_label("ภาคการศึกษา", exact=True).click()
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.get_by_text("การลงทะเบียนที่ตรงเงื่อนไข 1 รายการ").wait_for(timeout=WAIT)
    page.wait_for_url(re.compile(r"year=2569.*sem=2|sem=2.*year=2569"), timeout=WAIT)  # a shareable link
    page.get_by_text("2/2569").first.wait_for(state="attached", timeout=WAIT)
    screenshot(page, "thai_queue_term_2_2569")
    page.wait_for_timeout(1000)
    page.get_by_label("เปิดการลงทะเบียน").click()
    page.get_by_role("option", name=str(reg)).click()
    page.get_by_role("button", name="อนุมัติ", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("จะเปลี่ยนจาก คณะกรรมการอนุมัติแล้ว เป็น ได้ที่ฝึกงานแล้ว").wait_for(timeout=WAIT)
    screenshot(page, "thai_approve_dialog")
    dialog.get_by_role("button", name="อนุมัติ", exact=True).click()
    page.get_by_text(f"การลงทะเบียน {reg}: คณะกรรมการอนุมัติแล้ว → ได้ที่ฝึกงานแล้ว").first.wait_for(timeout=WAIT)
    database = make_database(server.database_url)
    with database.sessions.begin() as s:
        assert s.get_one(Registration, reg).status == RegistrationStatus.PLACED
    database.engine.dispose()
    screenshot(page, "thai_approved")
    page.close()

    page = browser.new_page()
    sign_in(page, server.url, "boss_th", PASSWORD)
    page.get_by_role("button", name="ออกจากระบบ").wait_for(timeout=WAIT)
    page.get_by_role("link", name="ความคืบหน้า").click()
    page.locator(".js-plotly-plot").first.wait_for(timeout=WAIT)
    page.get_by_text("กรวยขั้นตอน: การลงทะเบียนที่เคยไปถึงแต่ละขั้นตอน").wait_for(timeout=WAIT)
    page.get_by_role("tab", name="แยกตามกลุ่ม").click()
    page.get_by_text("การลงทะเบียนแยกตามจังหวัด").wait_for(timeout=WAIT)
    screenshot(page, "thai_manager_charts")
    page.close()
