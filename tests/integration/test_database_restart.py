"""Drill: the database restarts between requests; the pool recovers without a user-visible error."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import registrations as home
from core import registrations as workflow
from core.cache import make_cache
from core.context import AppContext
from db.engine import make_database
from db.migrate import upgrade
from db.models import AuditEntry, Registration, RegistrationEvent, Role, User
from tests import factories
from tests.backends import REQUIRE_SERVICES, ensure_mysql_database
from tests.conftest import _settings
from tests.integration.throwaway_mariadb import ThrowawayMariaDB


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThrowawayMariaDB]:
    """A private MariaDB server for this test only."""
    if not Path("/usr/sbin/mariadbd").exists() or shutil.which("mariadb-install-db") is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but mariadbd / mariadb-install-db are missing")
        pytest.skip("MariaDB server binaries are not installed")
    db = ThrowawayMariaDB(tmp_path)
    db.install()
    db.start()
    yield db
    db.stop()


def test_restart_between_requests_is_invisible(server: ThrowawayMariaDB, tmp_path: Path) -> None:
    url = ensure_mysql_database(server.url)
    upgrade(url)
    ctx = AppContext(settings=_settings(tmp_path, url, None), db=make_database(url), cache=make_cache(None))
    with ctx.sessions.begin() as s:
        admin = User(username="drill", full_name="Drill", role=Role.ADMIN, password_hash="x")
        s.add(admin)
        s.flush()
        reg_id = factories.registration(s)
        admin_id = admin.id
    from core.access import Actor

    actor = Actor(admin_id, "drill", "Drill", Role.ADMIN)
    assert home.headline_counts(ctx, actor=actor).registrations == 1  # the pool now holds a connection

    server.restart()  # every pooled connection is now dead

    result = workflow.transition(ctx, actor=actor, registration_id=reg_id, action="approve")
    assert result.status == "advisor_approved"
    ctx.cache.bump("registrations")
    assert home.headline_counts(ctx, actor=actor).by_status == {"advisor_approved": 1}
    with ctx.sessions.begin() as s:  # invariant: the change is stored exactly once
        assert s.scalar(select(Registration.version).where(Registration.id == reg_id)) == 2
        assert s.scalar(select(func.count()).select_from(RegistrationEvent)) == 2
        assert s.scalar(select(func.count()).where(AuditEntry.action.like("registration.%"))) == 1
    ctx.db.engine.dispose()
