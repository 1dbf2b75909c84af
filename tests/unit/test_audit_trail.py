"""Reading the audit log: filters, keyset pages newest first, before/after, export; who may read it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from core import audit, audit_trail
from core.audit_trail import AuditFilters
from core.context import AppContext
from core.errors import InvalidInput, PermissionDenied
from db.models import Role

T0 = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 1 Dec 2026 23:30 in Bangkok


def _log(ctx: AppContext, rows: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch) -> None:
    for row in rows:
        at = row.pop("at", T0)
        monkeypatch.setattr(audit, "utcnow", lambda at=at: at)
        with ctx.sessions.begin() as s:
            audit.record(s, **row)  # type: ignore[arg-type]


def _all_pages(ctx: AppContext, actor, filters: AuditFilters = AuditFilters()) -> list[int]:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    cursor = None
    while True:
        page = audit_trail.list_entries(ctx, actor=actor, filters=filters, cursor=cursor)
        ids += [int(i) for i in page.rows["id"]]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def test_keyset_pages_cover_every_entry_once_newest_first_with_ties(
    ctx: AppContext, make_actor, monkeypatch
) -> None:
    admin = make_actor(Role.ADMIN)
    n = audit_trail.PAGE_SIZE * 2 + 7
    # Many rows share one timestamp: the id breaks the tie, so no row is skipped or repeated.
    _log(
        ctx,
        [{"actor_id": admin.user_id, "action": "x", "entity": "user", "at": T0 + timedelta(seconds=i // 10)}
         for i in range(n)],
        monkeypatch,
    )  # fmt: skip
    ids = _all_pages(ctx, admin)
    assert len(ids) == n and len(set(ids)) == n
    assert ids == sorted(ids, reverse=True)


def test_filters_by_actor_entity_action_and_office_days(ctx: AppContext, make_actor, monkeypatch) -> None:
    admin, other = make_actor(Role.ADMIN), make_actor(Role.COORDINATOR)
    _log(
        ctx,
        [
            {"actor_id": admin.user_id, "action": "user.create", "entity": "user", "at": T0},
            {"actor_id": other.user_id, "action": "registration.approve", "entity": "registration", "at": T0},
            {
                "actor_id": other.user_id,
                "action": "user.create",
                "entity": "user",
                "at": T0 + timedelta(hours=1),
            },
        ],
        monkeypatch,
    )
    everything = _all_pages(ctx, admin)
    assert len(everything) == 3
    assert len(_all_pages(ctx, admin, AuditFilters(actor_id=other.user_id))) == 2
    assert len(_all_pages(ctx, admin, AuditFilters(entity="registration"))) == 1
    assert len(_all_pages(ctx, admin, AuditFilters(action="user.create", actor_id=other.user_id))) == 1
    # T0 is 1 Dec in Bangkok; an hour later it is already 2 Dec there.
    assert len(_all_pages(ctx, admin, AuditFilters(since=date(2026, 12, 1), until=date(2026, 12, 1)))) == 2
    assert len(_all_pages(ctx, admin, AuditFilters(since=date(2026, 12, 2)))) == 1
    assert _all_pages(ctx, admin, AuditFilters(until=date(2026, 11, 30))) == []
    choices = audit_trail.filter_choices(ctx, actor=admin)
    assert choices.entities == ["registration", "user"] and "user.create" in choices.actions
    assert admin.user_id in choices.actors


def test_before_and_after_side_by_side(ctx: AppContext, make_actor, monkeypatch) -> None:
    admin = make_actor(Role.ADMIN)
    _log(
        ctx,
        [{"actor_id": admin.user_id, "action": "user.role", "entity": "user", "entity_id": 7,
          "before": {"role": "staff", "active": True}, "after": {"role": "admin", "active": True}}],
        monkeypatch,
    )  # fmt: skip
    entry_id = _all_pages(ctx, admin)[0]
    changes = audit_trail.entry_changes(ctx, actor=admin, entry_id=entry_id).set_index("field")
    assert changes.loc["role", "before"] == "staff" and changes.loc["role", "after"] == "admin"
    assert bool(changes.loc["role", "changed"]) and not bool(changes.loc["active", "changed"])


def test_a_forged_cursor_is_refused(ctx: AppContext, make_actor) -> None:
    admin = make_actor(Role.ADMIN)
    for cursor in ("nonsense", "YTE6eHx5", "' OR 1=1 --"):
        with pytest.raises(InvalidInput):
            audit_trail.list_entries(ctx, actor=admin, cursor=cursor)


def test_export_holds_the_filtered_view_formula_safe_and_is_audited(
    ctx: AppContext, make_actor, monkeypatch
) -> None:
    admin = make_actor(Role.ADMIN)
    _log(
        ctx,
        [{"actor_id": admin.user_id, "action": "company.update", "entity": "company", "entity_id": "=HYPERLINK(1)"},
         {"actor_id": admin.user_id, "action": "user.create", "entity": "user"}],
        monkeypatch,
    )  # fmt: skip
    monkeypatch.undo()
    data = audit_trail.export_entries(ctx, actor=admin, filters=AuditFilters(entity="company"), fmt="csv")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert list(frame["Action"]) == ["company.update"] and list(frame["Entity id"]) == ["'=HYPERLINK(1)"]
    assert len(_all_pages(ctx, admin, AuditFilters(action="audit.export"))) == 1
    sheet = pd.read_excel(io.BytesIO(audit_trail.export_entries(ctx, actor=admin, fmt="xlsx", lang="th")))
    assert len(sheet) == 3 and "การกระทำ" in sheet.columns


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADVISOR, Role.STAFF])
def test_only_admins_and_managers_read_the_log(ctx: AppContext, make_actor, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        audit_trail.list_entries(ctx, actor=make_actor(role))
    with pytest.raises(PermissionDenied):
        audit_trail.export_entries(ctx, actor=make_actor(role))
    manager = make_actor(Role.MANAGER)
    assert audit_trail.list_entries(ctx, actor=manager).next_cursor is None
