"""The CI drill for the lockout: parallel wrong passwords on MariaDB lock the account after exactly five."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core import auth, clock
from core.context import AppContext
from core.errors import AuthError
from db.models import AuditEntry, Role, User
from tests.conftest import TEST_PASSWORD, mariadb_only

# SQLite serialises writers; the lost update only happens on a server with real row locking.
ctx = pytest.fixture(name="ctx")(mariadb_only)

PARALLEL = 50


def _wrong_passwords_at_once(ctx: AppContext, username: str, count: int) -> list[str]:
    """`count` threads released together, each posting a wrong password; returns each error message."""
    barrier = threading.Barrier(count)
    messages: list[str] = [""] * count

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            auth.login(ctx, username, f"wrong password number {i}", ip=f"10.1.{i // 250}.{i % 250}")
        except AuthError as exc:
            messages[i] = exc.message

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return messages


def test_fifty_parallel_wrong_passwords_lock_after_exactly_five(
    ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "pause", lambda _s: None)
    user = make_actor(Role.COORDINATOR, "target")
    limit = ctx.settings.login_max_failures
    messages = _wrong_passwords_at_once(ctx, "target", PARALLEL)

    counted = [m for m in messages if m == auth.sign_in.INVALID_CREDENTIALS]
    refused = [m for m in messages if m.startswith("Too many")]
    assert len(counted) == limit and len(refused) == PARALLEL - limit
    with ctx.sessions.begin() as s:
        row = s.get(User, user.user_id)
        assert row is not None and row.locked_until is not None
        audited = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.user_id))).all()
    assert audited.count("login_failed") == limit and audited.count("lockout") == 1
    with pytest.raises(AuthError, match="Too many"):
        auth.login(ctx, "target", TEST_PASSWORD)


def test_counter_survives_parallel_failures_below_the_limit(
    ctx: AppContext, make_actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four at once are four, not one: the next single failure is the fifth and locks."""
    monkeypatch.setattr(clock, "pause", lambda _s: None)
    user = make_actor(Role.STAFF, "almost")
    _wrong_passwords_at_once(ctx, "almost", ctx.settings.login_max_failures - 1)
    with ctx.sessions.begin() as s:
        assert s.scalar(select(User.failed_logins).where(User.id == user.user_id)) == 4
        assert s.scalar(select(func.count()).where(AuditEntry.action == "lockout")) == 0
    with pytest.raises(AuthError, match="Invalid"):
        auth.login(ctx, "almost", "one more wrong password")
    with pytest.raises(AuthError, match="Too many"):
        auth.login(ctx, "almost", TEST_PASSWORD)
