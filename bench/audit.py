"""The audit log viewer at 1M entries (MariaDB): its first page and page 1,000, each against the raw driver.

The log is topped up to `TARGET` rows by one INSERT ... SELECT over MariaDB's sequence engine
(seq_1_to_N, no round trips): ~1M rows in seconds, spread over a year, across a few actors,
entities and actions like the real log's. The generated rows are unchained (NULL hashes), so
`manage.py verify-audit` reports a bench database as broken: it is not a production database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from sqlalchemy import delete, func, select, text, update

from bench.harness import Row
from bench.runner import Plan, _row, paired
from core import audit, audit_trail
from core.access import Actor
from core.audit_trail import AuditFilters
from core.context import AppContext
from db.models import AuditChain, AuditEntry

TARGET = 1_000_000
DEEP_PAGE = 1_000

_FILL = """
INSERT INTO audit_log (actor_id, client_id, action, entity, entity_id, `before`, after, ip, at)
SELECT :actor,
       NULL,
       ELT(1 + seq % 5, 'user.create', 'registration.approve', 'login', 'posting.update', 'login_failed'),
       ELT(1 + seq % 3, 'user', 'registration', 'posting'),
       CAST(seq % 50000 AS CHAR),
       IF(seq % 4 = 0, JSON_OBJECT('status', 'submitted'), NULL),
       IF(seq % 4 = 0, JSON_OBJECT('status', 'advisor_approved'), NULL),
       CONCAT('10.0.', seq % 250, '.', seq % 200),
       TIMESTAMP('2025-01-01') + INTERVAL (seq * 31) SECOND
FROM seq_1_to_{n}
"""


@contextmanager
def chain_head_kept(ctx: AppContext) -> Iterator[None]:
    """Bench writes that are deleted afterwards (audit rows included) leave the audit chain's head as
    it was, so the deleted tail leaves no trace and the bench database's chain still verifies."""
    with ctx.sessions.begin() as session:
        head = session.get(AuditChain, audit.HEAD_ID)
        saved = (
            None if head is None else {"seq": head.seq, "last_id": head.last_id, "last_hash": head.last_hash}
        )
    try:
        yield
    finally:
        with ctx.sessions.begin() as session:
            if saved is None:
                session.execute(delete(AuditChain))
            else:
                session.execute(update(AuditChain).where(AuditChain.id == audit.HEAD_ID).values(**saved))


def fill(ctx: AppContext, actor_id: int, target: int = TARGET) -> tuple[int, float]:
    """Top the audit log up to `target` rows; returns (rows added, seconds)."""
    started = time.perf_counter()
    with ctx.sessions.begin() as session:
        have = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
        missing = target - have
        if missing > 0:  # the count is an int we computed: safe in the table name
            session.execute(text(_FILL.format(n=int(missing))), {"actor": actor_id})
    return max(missing, 0), time.perf_counter() - started


def _walk(ctx: AppContext, admin: Actor, filters: AuditFilters, page: int) -> tuple[str | None, int]:
    cursor, reached = audit_trail.list_entries(ctx, actor=admin, filters=filters).next_cursor, 2
    while reached < page and cursor is not None:
        cursor = audit_trail.list_entries(ctx, actor=admin, filters=filters, cursor=cursor).next_cursor
        reached += 1
    return cursor, reached


def audit_rows(
    ctx: AppContext, admin: Actor, plan: Plan, page: int = DEEP_PAGE, target: int = TARGET
) -> list[Row]:
    """First page and page `page` of the viewer at `target` entries, unfiltered and filtered by one action."""
    if plan.backend != "mariadb":
        return [Row(plan.backend, "audit.viewer", "core", 0, None, note="1M-row case runs on MariaDB only")]
    added, seconds = fill(ctx, admin.user_id or 0, target)
    print(f"  audit log topped up by {added:,} rows in {seconds:.1f} s", flush=True)
    rows: list[Row] = []
    for label, filters in (("", AuditFilters()), (" action", AuditFilters(action="registration.approve"))):
        first = paired(ctx, partial(audit_trail.list_entries, ctx, actor=admin, filters=filters), plan, None)
        rows.append(
            _row(plan, f"audit.page1{label}", "core", first, f"{first.statements} stmts; {target:,} rows")
        )
        walk_started = time.perf_counter()
        cursor, reached = _walk(ctx, admin, filters, page)
        walk_s = time.perf_counter() - walk_started
        if cursor is None:
            rows.append(Row(plan.backend, f"audit.page{page}{label}", "core", 0, None, note="fewer pages"))
            continue
        call = partial(audit_trail.list_entries, ctx, actor=admin, filters=filters, cursor=cursor)
        deep = paired(ctx, call, plan, None)
        note = f"{deep.statements} stmts; walk to page {reached} {walk_s:.1f} s"
        rows.append(_row(plan, f"audit.page{reached}{label}", "core", deep, note))
    return rows
