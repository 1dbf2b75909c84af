"""The bench's 1M-row audit log case, scaled down: the fill is one statement, the pages walk it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bench import audit as audit_bench
from bench.runner import Plan
from core.context import AppContext
from db.models import AuditEntry, Role
from tests.conftest import mariadb_only

ctx = pytest.fixture(name="ctx")(mariadb_only)  # the fill uses MariaDB's sequence engine


def test_fill_tops_up_to_the_target_and_the_deep_page_is_measured(ctx: AppContext, make_actor) -> None:
    admin = make_actor(Role.ADMIN)
    added, _seconds = audit_bench.fill(ctx, admin.user_id or 0, target=1500)
    with ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1500 and added == 1500
    assert audit_bench.fill(ctx, admin.user_id or 0, target=1500)[0] == 0  # already there
    rows = audit_bench.audit_rows(ctx, admin, Plan("mariadb", 2), page=5, target=1500)
    names = {r.case for r in rows}
    assert {"audit.page1", "audit.page5", "audit.page1 action", "audit.page5 action"} <= names
    assert all(r.median_ms is not None for r in rows)
