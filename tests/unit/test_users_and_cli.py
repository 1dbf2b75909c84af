"""User administration, profiles and the manage.py command line."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

import manage
from core import auth
from core.auth import sessions, users
from core.errors import Conflict, InvalidInput, PermissionDenied
from db.models import AuditEntry, Role
from tests.conftest import TEST_PASSWORD


def test_admin_creates_user_with_temporary_password(ctx, make_actor) -> None:
    admin = make_actor(Role.ADMIN, "admin1")
    row, temporary = users.create_user(
        ctx, actor=admin, username="Nok.S", full_name=" นก สายลม ", role="advisor"
    )
    assert row.username == "nok.s"
    assert row.full_name == "นก สายลม"
    assert row.must_change_password
    assert len(temporary) >= 22  # 128 bits from secrets.token_urlsafe(16)
    result = auth.login(ctx, "nok.s", temporary)
    assert result.must_change_password
    with pytest.raises(Conflict):
        users.create_user(ctx, actor=admin, username="nok.s", full_name="Other", role="staff")


@pytest.mark.parametrize(
    ("username", "full_name", "role", "email"),
    [
        ("ab", "Name", "staff", None),
        ("ok_name", "N", "staff", None),
        ("ok_name", "Name", "boss", None),
        ("ok_name", "Name", "staff", "not-an-email"),
        ("ok_name", "Bad\u200bName", "staff", None),
    ],
)
def test_create_user_rejects_bad_input(ctx, make_actor, username, full_name, role, email) -> None:
    admin = make_actor(Role.ADMIN, "admin2")
    with pytest.raises(InvalidInput):
        users.create_user(ctx, actor=admin, username=username, full_name=full_name, role=role, email=email)
    assert [u.username for u in users.list_users(ctx, actor=admin)] == ["admin2"]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_admins_manage_users(ctx, make_actor, role) -> None:
    someone = make_actor(role)
    with pytest.raises(PermissionDenied):
        users.list_users(ctx, actor=someone)
    with pytest.raises(PermissionDenied):
        users.create_user(ctx, actor=someone, username="sneaky", full_name="Sneaky", role="admin")
    with ctx.sessions.begin() as s:
        denied = s.scalars(select(AuditEntry).where(AuditEntry.action == "permission_denied")).all()
    assert len(denied) == 0 or all(d.actor_id == someone.user_id for d in denied)


def test_deactivation_revokes_sessions_and_reactivation_allows_login(ctx, make_actor) -> None:
    admin = make_actor(Role.ADMIN, "admin3")
    make_actor(Role.STAFF, "worker")
    result = auth.login(ctx, "worker", TEST_PASSWORD)
    users.set_active(ctx, actor=admin, user_id=result.actor.user_id, active=False)
    assert sessions.resume(ctx, session_id=result.actor.session_id) is None
    users.set_active(ctx, actor=admin, user_id=result.actor.user_id, active=True)
    assert auth.login(ctx, "worker", TEST_PASSWORD).actor.username == "worker"
    with pytest.raises(InvalidInput):
        users.set_active(ctx, actor=admin, user_id=admin.user_id, active=False)
    with pytest.raises(InvalidInput):
        users.change_role(ctx, actor=admin, user_id=admin.user_id, role="staff")


def test_reset_unlock_and_revoke(ctx, make_actor) -> None:
    admin = make_actor(Role.ADMIN, "admin4")
    target = make_actor(Role.STAFF, "forgetful")
    for _ in range(5):
        with pytest.raises(Exception):  # noqa: B017
            auth.login(ctx, "forgetful", "wrong wrong wrong")
    assert next(u for u in users.list_users(ctx, actor=admin) if u.username == "forgetful").locked
    users.unlock(ctx, actor=admin, user_id=target.user_id)
    live = auth.login(ctx, "forgetful", TEST_PASSWORD)
    assert [s.id for s in users.sessions_of(ctx, actor=admin, user_id=target.user_id)] == [
        live.actor.session_id
    ]
    users.revoke_session(ctx, actor=admin, session_id=live.actor.session_id)
    assert users.sessions_of(ctx, actor=admin, user_id=target.user_id) == []
    temporary = users.reset_password(ctx, actor=admin, user_id=target.user_id)
    assert auth.login(ctx, "forgetful", temporary).must_change_password


def test_profile_and_password_change_end_other_sessions(ctx, make_actor) -> None:
    make_actor(Role.MANAGER, "manee")
    here = auth.login(ctx, "manee", TEST_PASSWORD).actor
    elsewhere = auth.login(ctx, "manee", TEST_PASSWORD).actor
    users.update_profile(ctx, actor=here, full_name="มณี ดีใจ", email="manee@example.ac.th")
    assert users.profile(ctx, actor=here).full_name == "มณี ดีใจ"
    with pytest.raises(InvalidInput, match="current password"):
        users.change_password(ctx, actor=here, current="wrong one here", new="a brand new passphrase")
    with pytest.raises(InvalidInput, match="too common"):
        users.change_password(ctx, actor=here, current=TEST_PASSWORD, new="password123456")
    assert users.change_password(ctx, actor=here, current=TEST_PASSWORD, new="a brand new passphrase") == 1
    assert sessions.resume(ctx, session_id=elsewhere.session_id) is None
    assert sessions.resume(ctx, session_id=here.session_id) is not None
    third = auth.login(ctx, "manee", "a brand new passphrase").actor
    assert users.sign_out_elsewhere(ctx, actor=third, password="a brand new passphrase") == 1
    with pytest.raises(PermissionDenied):
        users.sessions_of(ctx, actor=third, user_id=third.user_id + 999)


def test_cli_creates_first_admin_and_resets_password(ctx, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a strong first admin phrase\n"))
    assert manage.main(["create-user", "root", "--role", "admin", "--full-name", "ผู้ดูแลระบบ"]) == 0
    assert auth.login(ctx, "root", "a strong first admin phrase").actor.role == Role.ADMIN
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert manage.main(["reset-password", "root"]) == 1
    assert "at least 12" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("another strong phrase here\n"))
    assert manage.main(["reset-password", "root"]) == 0
    assert auth.login(ctx, "root", "another strong phrase here").actor.username == "root"
    monkeypatch.setattr("sys.stdin", io.StringIO("another strong phrase here\n"))
    assert manage.main(["reset-password", "nobody"]) == 1


def test_dashboards_show_a_new_name_or_user_at_once(ctx, make_actor) -> None:
    from core.progress.frames import user_names

    admin = make_actor(Role.ADMIN)
    make_actor(Role.ADVISOR, "somchai")
    here = auth.login(ctx, "somchai", TEST_PASSWORD).actor
    assert here.user_id in user_names(ctx)  # cached from here on
    users.update_profile(ctx, actor=here, full_name="สมชาย ใจดี", email=None)
    assert user_names(ctx)[here.user_id] == "สมชาย ใจดี"
    row, _ = users.create_user(ctx, actor=admin, username="newbie", full_name="น้องใหม่", role="advisor")
    assert user_names(ctx)[row.id] == "น้องใหม่"


def test_signing_out_elsewhere_needs_the_password(ctx, make_actor) -> None:
    """ASVS V7.5.2: re-authenticate before ending one's other sessions; a wrong try counts and is audited."""
    from sqlalchemy import select

    from db.models import AuditEntry

    make_actor(Role.STAFF, "careful")
    here = auth.login(ctx, "careful", TEST_PASSWORD).actor
    elsewhere = auth.login(ctx, "careful", TEST_PASSWORD).actor
    with pytest.raises(InvalidInput, match="current password"):
        users.sign_out_elsewhere(ctx, actor=here, password="not my password at all")
    assert sessions.resume(ctx, session_id=elsewhere.session_id) is not None
    assert users.sign_out_elsewhere(ctx, actor=here, password=TEST_PASSWORD) == 1
    assert sessions.resume(ctx, session_id=elsewhere.session_id) is None
    assert sessions.resume(ctx, session_id=here.session_id) is not None
    with ctx.sessions.begin() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == here.user_id)))
    assert "user.password_change_failed" in actions and "session.revoke_others" in actions


def test_admin_ends_every_users_sessions_but_their_own(ctx, make_actor, capsys) -> None:
    """ASVS V7.4.5: after an incident, one action (or `manage.py revoke-sessions`) signs everyone out."""
    make_actor(Role.ADMIN, "incident")
    make_actor(Role.STAFF, "someone")
    admin = auth.login(ctx, "incident", TEST_PASSWORD).actor
    others = [auth.login(ctx, "someone", TEST_PASSWORD).actor for _ in range(3)]
    admin_elsewhere = auth.login(ctx, "incident", TEST_PASSWORD).actor
    with pytest.raises(PermissionDenied):
        users.revoke_all_sessions(ctx, actor=others[0])
    assert users.revoke_all_sessions(ctx, actor=admin) == 4
    assert all(sessions.resume(ctx, session_id=o.session_id) is None for o in [*others, admin_elsewhere])
    assert sessions.resume(ctx, session_id=admin.session_id) is not None
    assert manage.main(["revoke-sessions"]) == 0
    assert "Ended 1 session(s)" in capsys.readouterr().out
    assert sessions.resume(ctx, session_id=admin.session_id) is None


def test_each_view_returns_only_its_documented_fields(ctx, make_actor) -> None:
    """ASVS V8.2.3 (field-level access): the fields docs/security.md lists per view, and no more; no
    view ever carries a hash, a token, the failed-attempt counter or a student's contact details."""
    import dataclasses

    from core import audit_trail, registrations
    from core.auth import SessionInfo, UserRow

    secret = {
        "password_hash",
        "token_hash",
        "failed_logins",
        "locked_until",
        "phone",
        "email_student",
        "gpax",
    }
    assert {f.name for f in dataclasses.fields(UserRow)} == {
        "id", "username", "full_name", "email", "role", "active", "locked", "must_change_password", "last_login_at",
        "digest",
    }  # fmt: skip
    assert {f.name for f in dataclasses.fields(SessionInfo)} == {
        "id", "created_at", "last_seen_at", "expires_at", "ip", "user_agent"
    }  # fmt: skip
    admin = make_actor(Role.ADMIN)
    assert list(audit_trail.list_entries(ctx, actor=admin).rows.columns) == list(audit_trail.COLUMNS)
    for role in (Role.COORDINATOR, Role.ADVISOR):
        columns = set(registrations.list_queue(ctx, actor=make_actor(role)).rows.columns)
        assert columns and not columns & secret, role
