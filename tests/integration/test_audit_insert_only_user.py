"""The app runs with a MariaDB user that may only INSERT into audit_log (no UPDATE, no DELETE).

A throwaway account is created for the test with table-level grants: full DML on every table but
audit_log, SELECT and INSERT on audit_log. Signing in, administering users and the lockout all
work through it, the chain stays intact, and the same connection cannot rewrite or erase history.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core import audit, auth
from core.auth import users
from core.context import AppContext
from core.errors import AuthError
from db.engine import make_database
from db.models import Role
from tests.conftest import TEST_PASSWORD, mariadb_only

ctx = pytest.fixture(name="ctx")(mariadb_only)
APP_USER = "ims_i18_audit_app"


def _grant_statements(database: str, tables: list[str]) -> list[str]:
    statements = []
    for table in tables:
        rights = "SELECT, INSERT" if table == "audit_log" else "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON `{database}`.`{table}` TO '{APP_USER}'@'%'")
    return statements


@pytest.fixture
def insert_only(ctx: AppContext) -> Iterator[AppContext]:
    """A context whose database user cannot UPDATE or DELETE audit_log; the account is dropped after."""
    root_url = make_url(ctx.settings.database_url)
    database = str(root_url.database)
    password = secrets.token_urlsafe(16)
    root = create_engine(root_url)
    tables = inspect(root).get_table_names()
    with root.begin() as conn:
        conn.execute(text(f"DROP USER IF EXISTS '{APP_USER}'@'%'"))
        conn.execute(text(f"CREATE USER '{APP_USER}'@'%' IDENTIFIED BY :pw"), {"pw": password})
        for statement in _grant_statements(database, tables):
            conn.execute(text(statement))
    app_url = root_url.set(username=APP_USER, password=password)
    db = make_database(app_url.render_as_string(hide_password=False))
    try:
        yield AppContext(settings=ctx.settings, db=db, cache=ctx.cache)
    finally:
        db.engine.dispose()
        with root.begin() as conn:
            conn.execute(text(f"DROP USER IF EXISTS '{APP_USER}'@'%'"))
        root.dispose()


def test_the_app_works_and_history_cannot_be_rewritten(ctx: AppContext, make_actor, insert_only) -> None:
    app = insert_only
    admin = make_actor(Role.ADMIN, "chiefadmin")
    row, _temporary = users.create_user(
        app, actor=admin, username="limited", full_name="ใช้จำกัด", role="staff"
    )
    users.change_role(app, actor=admin, user_id=row.id, role="manager")
    users.set_password_by_username(app, username="limited", password=TEST_PASSWORD)
    assert auth.login(app, "limited", TEST_PASSWORD).actor.role == Role.MANAGER
    for _ in range(app.settings.login_max_failures):
        with pytest.raises(AuthError):
            auth.login(app, "limited", "not the right password at all")
    with pytest.raises(AuthError, match="Too many"):
        auth.login(app, "limited", TEST_PASSWORD)
    report = audit.verify_chain(app.sessions)
    assert report.intact and report.checked >= 10
    for forbidden in ("UPDATE audit_log SET ip = '203.0.113.1'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="denied"), app.db.engine.begin() as conn:
            conn.execute(text(forbidden))
    assert audit.verify_chain(app.sessions).checked == report.checked
