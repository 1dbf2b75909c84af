"""Through a real nginx (deploy/nginx.conf on loopback) in front of two replicas on one MariaDB + Redis:
client addresses from trusted forwarded headers, stickiness by the per-browser cookie (a file
upload reaches its websocket's replica), and a replica stopped mid-session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from core import clock
from core.auth.lockout import ADDRESS_FREE_FAILURES
from db.engine import make_database
from db.migrate import downgrade, upgrade
from db.models import AuditEntry, LoginAttempt
from tests.backends import ensure_mysql_database, flush_redis, service_url
from tests.e2e.conftest import ADMIN_PASSWORD, screenshot, sign_in
from tests.integration.appserver import ROOT, AppServer, base_env, free_port, start
from tests.integration.nginx_proxy import Nginx, render, require_nginx, start_nginx

WAIT = 60_000


@dataclass
class Site:
    """nginx, the two replicas behind it by replica id, and the shared database URL."""

    nginx: Nginx
    replicas: dict[str, AppServer]
    database_url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    binary = require_nginx()
    db = service_url("TEST_DATABASE_URL") or ""
    redis_url = service_url("TEST_REDIS_URL") or ""
    head, _, query = db.partition("?")
    url = ensure_mysql_database(f"{head}_nginx" + (f"?{query}" if query else ""))
    downgrade(url, "base")
    upgrade(url)
    flush_redis(redis_url)
    tmp = tmp_path_factory.mktemp("nginx")
    proxy = {"BEHIND_PROXY": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1", "REDIS_URL": redis_url}
    subprocess.run(
        [sys.executable, "manage.py", "create-user", "boss", "--role", "admin", "--full-name", "สมชาย ผู้ดูแล"],
        input=f"{ADMIN_PASSWORD}\n".encode(), cwd=ROOT, env=base_env(tmp, url, **proxy), check=True,
        capture_output=True,
    )  # fmt: skip
    replicas = {
        name: start(tmp / name, base_env(tmp / name, url, REPLICA_ID=name, **proxy))
        for name in ("app-a", "app-b")
    }
    http_port = free_port()
    conf = render(tmp, [r.port for r in replicas.values()], http_port, free_port(), trust_client_xff=True)
    nginx = start_nginx(binary, conf, tmp, http_port)
    yield Site(nginx, replicas, url)
    nginx.stop()
    for replica in replicas.values():
        replica.stop()


def _served_by(page) -> str:  # type: ignore[no-untyped-def]
    """The replica id the monitoring page names (the replica holding this tab's websocket)."""
    caption = page.get_by_text("This page is served by").first
    caption.wait_for(timeout=WAIT)
    return caption.inner_text().rsplit(" ", 1)[-1].rstrip(".")


def test_clients_behind_the_proxy_are_told_apart_and_limited_separately(site: Site, browser) -> None:  # type: ignore[no-untyped-def]
    a = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.10"})
    b = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.20"})
    for context in (a, b):
        page = context.new_page()
        sign_in(page, site.nginx.url, "boss", "not the password at all")
        page.get_by_text("Invalid username or password.").first.wait_for(timeout=WAIT)
    database = make_database(site.database_url)
    with database.sessions.begin() as session:
        ips = set(session.scalars(select(AuditEntry.ip).where(AuditEntry.action == "login_failed")))
        assert {"203.0.113.10", "203.0.113.20"} <= ips
        # Address A has earned a delay (a growing wait, never a refusal); B is a different client.
        session.add_all(
            LoginAttempt(username="someone", ip="203.0.113.10", success=False, at=clock.now())
            for _ in range(ADDRESS_FREE_FAILURES)
        )
    page_a, page_b = a.new_page(), b.new_page()
    for page in (page_a, page_b):  # the right password still signs both in: colleagues behind one NAT
        sign_in(page, site.nginx.url, "boss", ADMIN_PASSWORD)
        page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    slowed = [
        line
        for replica in site.replicas.values()
        for line in replica.log.read_text(errors="replace").splitlines()
        if "login_slowed" in line
    ]
    assert slowed and all("203.0.113.10" in line for line in slowed), slowed  # only A waited
    with database.sessions.begin() as session:
        session.execute(delete(LoginAttempt))
    database.engine.dispose()
    a.close()
    b.close()


def test_a_session_stays_on_its_replica_and_survives_losing_it(site: Site, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, site.nginx.url, "boss", ADMIN_PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    assert any(c["name"] == "ims_route" for c in context.cookies())
    page.goto(f"{site.nginx.url}/monitoring")
    first = _served_by(page)
    assert first in site.replicas
    # Every request of this browser goes to the same replica: plain HTTP ...
    for _ in range(6):
        assert context.request.get(f"{site.nginx.url}/healthz/ready").json()["replica"] == first
    # ... and a file upload, which Streamlit accepts only on the replica holding the tab's session.
    page.goto(f"{site.nginx.url}/import_data")
    upload = tmp_path / "registrations.csv"
    upload.write_text("student_id,section\n6501234567,nowhere\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_text("problem").first.wait_for(timeout=WAIT)  # the preview ran on the right replica
    assert _served_by_goto(page, site) == first

    site.replicas[first].stop()  # the replica goes away mid-session
    page.goto(f"{site.nginx.url}/monitoring")
    second = _served_by(page)
    assert second != first and second in site.replicas
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)  # still signed in (cookie)
    screenshot(page, "behind_nginx_failover")
    context.close()


def _served_by_goto(page, site: Site) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{site.nginx.url}/monitoring")
    return _served_by(page)
