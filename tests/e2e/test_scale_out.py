"""Two app processes on one MariaDB + Redis: sessions and data are shared, not per process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import make_database
from db.migrate import downgrade, upgrade
from tests import factories
from tests.backends import ensure_mysql_database, flush_redis, service_url
from tests.e2e.conftest import ADMIN_PASSWORD, Server, screenshot, sign_in, start_server, stop_server

WAIT = 60_000


def _shared_urls() -> tuple[str, str]:
    db = service_url("TEST_DATABASE_URL") or ""
    head, _, query = db.partition("?")
    server, name = head.rsplit("/", 1)
    # Named after the test database and on its Redis index: engineers sharing one server never share these.
    db_url = f"{server}/{name}_scale_out" + (f"?{query}" if query else "")
    return ensure_mysql_database(db_url), service_url("TEST_REDIS_URL") or ""


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[tuple[Server, Server, int]]:
    """Replicas A and B on the same fresh database and Redis, with one submitted registration."""
    db_url, redis_url = _shared_urls()
    downgrade(db_url, "base")
    upgrade(db_url)
    flush_redis(redis_url)
    database = make_database(db_url)
    with database.sessions.begin() as s:
        reg_id = factories.registration(s)
    database.engine.dispose()
    shared = {"STREAMLIT_SERVER_COOKIE_SECRET": "scale-out-shared-cookie-secret"}
    tmp: Path = tmp_path_factory.mktemp("scale")
    a = start_server(tmp / "a", shared, database_url=db_url, redis_url=redis_url)
    b = start_server(tmp / "b", shared, database_url=db_url, redis_url=redis_url, create_admin=False)
    yield a, b, reg_id
    stop_server(a)
    stop_server(b)


def test_login_logout_and_approval_cross_replicas(replicas, browser) -> None:
    a, b, reg_id = replicas
    on_a = browser.new_context()
    page_a = on_a.new_page()
    sign_in(page_a, a.url, "boss", ADMIN_PASSWORD)
    page_a.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page_a.wait_for_timeout(1000)
    cookie = next(c for c in on_a.cookies() if c["name"] == "ims_session")

    on_b = browser.new_context()
    on_b.add_cookies([{"name": "ims_session", "value": cookie["value"], "url": b.url}])
    page_b = on_b.new_page()
    page_b.goto(b.url)
    page_b.get_by_role("button", name="Log out").wait_for(timeout=WAIT)  # restored on B
    page_b.get_by_text("Submitted", exact=True).first.wait_for(state="attached", timeout=WAIT)

    # Approve on A through the review queue's detail view.
    page_a.goto(f"{a.url}/review_queue")
    page_a.get_by_text("Open registration").wait_for(timeout=WAIT)
    page_a.get_by_label("Open registration").click()
    page_a.get_by_role("option", name=str(reg_id)).click()
    page_a.get_by_role("button", name="Approve", exact=True).click()
    page_a.get_by_role("dialog").get_by_role("button", name="Approve", exact=True).click()
    page_a.get_by_text("Submitted → Advisor approved").wait_for(timeout=WAIT)

    page_b.reload()  # B's dashboard on its next load
    page_b.get_by_text("Advisor approved", exact=True).first.wait_for(state="attached", timeout=WAIT)
    screenshot(page_b, "scale_out_replica_b")

    page_a.goto(a.url)
    page_a.get_by_role("button", name="Log out").click()  # logout on A ...
    page_a.get_by_label("Username").wait_for(timeout=WAIT)
    page_b.reload()  # ... kills the session on B
    page_b.get_by_label("Username").wait_for(timeout=WAIT)
    on_a.close()
    on_b.close()
