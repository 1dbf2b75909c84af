"""The CI drill in a real browser: a session is revoked while its monitoring tab and a review-queue
download are open; the next fragment refresh and the next download are refused. Then the admin reads
the sign-in and the revocation in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.auth import users
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import RegistrationStatus
from tests import factories
from tests.e2e.conftest import ADMIN_PASSWORD, Server, screenshot, sign_in, start_server, stop_server

WAIT = 60_000
PASSWORD = "drill passphrase 2026 ok"
SECRET_CODE = "6611122233"


def _context(server: Server) -> AppContext:
    settings = Settings(database_url=server.database_url, secret_key="x" * 40, bcrypt_rounds=4)
    return AppContext(settings=settings, db=make_database(server.database_url), cache=make_cache(None))


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("drill"))
    ctx = _context(server)
    users.create_user(ctx, actor=None, username="drillcoord", full_name="คุณ ประสาน", role="coordinator",
                      password=PASSWORD)  # fmt: skip
    with ctx.db.sessions.begin() as s:
        student = factories.student(s, student_code=SECRET_CODE, first_name_th="ลับ", last_name_th="มาก")
        factories.registration(s, student_id=student, status=RegistrationStatus.SUBMITTED)
    ctx.db.engine.dispose()
    yield server
    stop_server(server)


def _revoke_everyone(server: Server) -> None:
    ctx = _context(server)
    users.revoke_all_sessions(ctx, actor=None)
    ctx.db.engine.dispose()


def _open(page, url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in as the admin, then open a page by its URL (the admin's sidebar folds some links away)."""
    sign_in(page, url, "boss", ADMIN_PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)  # the cookie is set by a fetch right after the rerun
    page.goto(f"{url}/{path}")


def _download_text(page, button) -> str:  # type: ignore[no-untyped-def]
    """What clicking the download button delivers ("" when nothing arrives)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_download(timeout=15_000) as info:
            button.click()
        download = info.value
        if download.failure() is not None:
            return ""
        return Path(download.path()).read_text(encoding="utf-8-sig", errors="replace")
    except PlaywrightTimeout:
        return ""


def test_revoked_session_stops_the_open_download_and_the_monitoring_refresh(drill: Server, browser) -> None:
    coordinator = browser.new_context(accept_downloads=True)
    queue = coordinator.new_page()
    sign_in(queue, drill.url, "drillcoord", PASSWORD)
    queue.get_by_role("link", name="Review queue").click()
    csv = queue.get_by_role("button", name="Download CSV")
    csv.wait_for(timeout=WAIT)
    assert SECRET_CODE in _download_text(queue, csv)  # the open tab's download works while signed in

    admin = browser.new_context()
    monitoring = admin.new_page()
    _open(monitoring, drill.url, "monitoring")
    monitoring.get_by_text("Active sessions").wait_for(timeout=WAIT)

    _revoke_everyone(drill)
    # The fragment refreshes every 5 s without a full rerun: its next run must end the page.
    monitoring.get_by_label("Username").wait_for(timeout=WAIT)
    assert monitoring.get_by_text("Active sessions").count() == 0
    assert SECRET_CODE not in _download_text(queue, csv)
    screenshot(monitoring, "drill_monitoring_signed_out")
    coordinator.close()
    admin.close()


def test_admin_reads_the_revocation_in_the_audit_log(drill: Server, browser) -> None:
    page = browser.new_page()
    _open(page, drill.url, "audit_log")
    page.get_by_text("session.revoke_all").first.wait_for(state="attached", timeout=WAIT)  # a grid cell
    screenshot(page, "audit_log")
    page.close()
