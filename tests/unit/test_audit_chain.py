"""The audit log's hash chain: every audited change links to the one before; tampering is found."""

from __future__ import annotations

import itertools

from sqlalchemy import delete, func, insert, select, update

import manage
from core import audit
from core.auth import users
from core.context import AppContext
from db.models import AuditChain, AuditEntry, Role, utcnow


def _audited_changes(ctx: AppContext, make_actor, n: int = 4) -> list[int]:  # type: ignore[no-untyped-def]
    admin = make_actor(Role.ADMIN, "chainadmin")
    for i in range(n):
        users.create_user(ctx, actor=admin, username=f"chained{i}", full_name=f"ผู้ใช้ {i}", role="staff")
    with ctx.sessions.begin() as s:
        return list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_each_row_links_to_the_one_before(ctx: AppContext, make_actor) -> None:
    ids = _audited_changes(ctx, make_actor)
    with ctx.sessions.begin() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        head = s.get(AuditChain, audit.HEAD_ID)
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    assert head is not None and (head.last_id, head.last_hash) == (ids[-1], rows[-1].row_hash)
    report = audit.verify_chain(ctx.sessions, batch=2)  # several pages
    assert report.intact and report.checked == len(ids) and report.unchained == 0


def test_an_edited_row_is_the_first_broken_link(ctx: AppContext, make_actor) -> None:
    ids = _audited_changes(ctx, make_actor)
    with ctx.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(after={"role": "admin"}))
    report = audit.verify_chain(ctx.sessions)
    assert report.broken_at == ids[2] and "content" in (report.reason or "") and report.checked == 2


def test_a_removed_row_breaks_the_link_after_it(ctx: AppContext, make_actor) -> None:
    ids = _audited_changes(ctx, make_actor)
    with ctx.sessions.begin() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
    assert audit.verify_chain(ctx.sessions).broken_at == ids[2]


def test_removing_the_newest_rows_is_found_too(ctx: AppContext, make_actor) -> None:
    ids = _audited_changes(ctx, make_actor)
    with ctx.sessions.begin() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id >= ids[-2]))
    report = audit.verify_chain(ctx.sessions)
    assert report.broken_at == ids[-1] and "end" in (report.reason or "")


def test_a_forged_row_with_a_recomputed_hash_still_breaks_the_chain(ctx: AppContext, make_actor) -> None:
    """Inserting a row in the middle needs every later hash rewritten: a single forged row shows."""
    ids = _audited_changes(ctx, make_actor)
    with ctx.sessions.begin() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        victim = rows[1]
        victim.after = {"username": "someone-else"}
        victim.row_hash = audit.row_digest(victim.prev_hash or "", victim)  # the forger recomputes it
    assert audit.verify_chain(ctx.sessions).broken_at == ids[2]


def test_rows_older_than_the_chain_are_counted_not_failed(ctx: AppContext, make_actor) -> None:
    with ctx.sessions.begin() as s:  # as migration 0008 leaves an existing log
        s.execute(insert(AuditEntry).values(action="legacy", entity="user", at=utcnow()))
    _audited_changes(ctx, make_actor, n=2)
    report = audit.verify_chain(ctx.sessions)
    assert report.intact and report.unchained == 1 and report.checked == 2


def test_a_rolled_back_change_leaves_no_row_and_no_link(ctx: AppContext, make_actor) -> None:
    import pytest

    ids = _audited_changes(ctx, make_actor, n=1)

    def failing_change() -> None:
        with ctx.sessions.begin() as s:
            audit.record(s, actor_id=None, action="never", entity="user")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    with ctx.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == len(ids)
    assert audit.verify_chain(ctx.sessions).intact


def test_manage_verify_audit_reports_the_first_broken_link(ctx: AppContext, make_actor, capsys) -> None:
    ids = _audited_changes(ctx, make_actor)
    assert manage.main(["verify-audit"]) == 0
    assert f"{len(ids)} chained rows checked" in capsys.readouterr().out
    with ctx.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(ip="203.0.113.66"))
    assert manage.main(["verify-audit"]) == 1
    assert f"BROKEN at row {ids[1]}" in capsys.readouterr().err


def test_a_refused_action_leaves_an_audit_row(ctx: AppContext, make_actor) -> None:
    """ASVS V16.3.2: failed authorisation is logged where the admins read it (and chained)."""
    import pytest

    from core.errors import PermissionDenied

    staff = make_actor(Role.STAFF)
    audit.install_security_sink(ctx.sessions)
    try:
        with pytest.raises(PermissionDenied):
            users.list_users(ctx, actor=staff)
    finally:
        audit.install_security_sink(None)
    with ctx.sessions.begin() as s:
        denied = s.scalars(select(AuditEntry).where(AuditEntry.action == "permission_denied")).all()
    assert [(d.actor_id, (d.after or {}).get("permission")) for d in denied] == [
        (staff.user_id, "manage_users")
    ]
    assert audit.verify_chain(ctx.sessions).intact


def test_rows_recorded_in_a_rolled_back_savepoint_are_dropped(ctx: AppContext) -> None:
    """A savepoint that rolls back undoes its change, so its audit row must not be written either."""
    with ctx.sessions.begin() as s:
        audit.record(s, actor_id=None, action="kept.before", entity="user")
        try:
            with s.begin_nested():
                audit.record(s, actor_id=None, action="undone", entity="user")
                raise ValueError("the savepoint's change failed")
        except ValueError:
            pass
        with s.begin_nested():
            audit.record(s, actor_id=None, action="kept.savepoint", entity="user")
        audit.record(s, actor_id=None, action="kept.after", entity="user")
    with ctx.sessions.begin() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["kept.before", "kept.savepoint", "kept.after"]
    assert audit.verify_chain(ctx.sessions).intact
