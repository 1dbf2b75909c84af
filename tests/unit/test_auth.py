"""Sign-in, lockout, sessions and tickets, with frozen time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import auth, clock
from core.auth import lockout, sessions, sign_in, users
from core.context import AppContext
from core.errors import AuthError, InvalidInput
from db.models import AuditEntry, LoginAttempt, LoginTicket, Role, UserSession
from tests.conftest import TEST_PASSWORD

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Control core.clock.now(); returns a setter."""
    state = {"now": T0}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def set_to(delta: timedelta) -> None:
        state["now"] = T0 + delta

    return set_to


def test_login_opens_a_session_storing_only_the_hash(ctx: AppContext, make_actor, frozen) -> None:
    user = make_actor(Role.COORDINATOR, "somchai")
    result = auth.login(ctx, "somchai", TEST_PASSWORD, ip="10.0.0.1")
    assert result.actor.user_id == user.user_id and result.actor.session_id
    with ctx.sessions.begin() as s:
        row = s.get(UserSession, result.actor.session_id)
        assert row is not None and len(row.token_hash) == 64
        ticket = s.scalar(select(LoginTicket).where(LoginTicket.session_id == row.id))
        assert ticket is not None and ticket.ticket_hash != result.ticket


def test_same_message_for_unknown_user_and_wrong_password(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "malee")
    with pytest.raises(AuthError) as wrong:
        auth.login(ctx, "malee", "not the password at all")
    with pytest.raises(AuthError) as unknown:
        auth.login(ctx, "nobody-here", "not the password at all")
    assert wrong.value.message == unknown.value.message == sign_in.INVALID_CREDENTIALS


def test_five_failures_lock_for_fifteen_minutes(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "lockme")
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.login(ctx, "lockme", "wrong password number x")
    with pytest.raises(AuthError, match="Too many"):
        auth.login(ctx, "lockme", TEST_PASSWORD)  # even the right password
    frozen(timedelta(minutes=14, seconds=59))
    with pytest.raises(AuthError, match="Too many"):
        auth.login(ctx, "lockme", TEST_PASSWORD)
    frozen(timedelta(minutes=15, seconds=1))
    assert auth.login(ctx, "lockme", TEST_PASSWORD).actor.username == "lockme"


def test_unknown_usernames_lock_too(ctx: AppContext, frozen) -> None:
    for _ in range(5):
        with pytest.raises(AuthError, match="Invalid"):
            auth.login(ctx, "ghost", "whatever password it is")
    with pytest.raises(AuthError, match="Too many"):
        auth.login(ctx, "ghost", "whatever password it is")


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the per-address slow-down instead of sleeping."""
    waited: list[float] = []
    monkeypatch.setattr(clock, "pause", waited.append)
    return waited


def test_sprayed_address_slows_down_but_admits_a_right_password(
    ctx: AppContext, make_actor, frozen, pauses
) -> None:
    """A campus behind one NAT address: a sprayer slows that address, never locks out colleagues."""
    make_actor(Role.STAFF, "victim")
    for i in range(30):
        with pytest.raises(AuthError, match="Invalid"):
            auth.login(ctx, f"user{i}x", "spray password attempt", ip="203.0.113.9")
    assert auth.login(ctx, "victim", TEST_PASSWORD, ip="203.0.113.9").actor.username == "victim"
    assert len(pauses) == 31 - lockout.ADDRESS_FREE_FAILURES
    assert pauses == sorted(pauses) and pauses[0] < pauses[-1] == lockout.ADDRESS_MAX_DELAY_S
    auth.login(ctx, "victim", TEST_PASSWORD, ip="198.51.100.1")  # another address: no wait
    assert len(pauses) == 31 - lockout.ADDRESS_FREE_FAILURES


def test_clients_without_an_address_are_limited_too(ctx: AppContext, frozen, pauses) -> None:
    for i in range(lockout.ADDRESS_FREE_FAILURES + 2):
        with pytest.raises(AuthError):
            auth.login(ctx, f"nobody{i}", "spray password attempt", ip=None)
    assert pauses and pauses[-1] > pauses[0] > 0


def test_address_delay_grows_and_is_capped() -> None:
    free = lockout.ADDRESS_FREE_FAILURES
    delays = [lockout.address_delay(n) for n in range(free + 10)]
    assert delays[:free] == [0.0] * free
    assert delays[free] == lockout.ADDRESS_FIRST_DELAY_S and delays[free + 1] == 2 * delays[free]
    assert max(delays) == lockout.ADDRESS_MAX_DELAY_S


def test_username_is_nfkc_case_folded(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "somchai")
    assert auth.login(ctx, "\uff33\uff4f\uff4dchai ", TEST_PASSWORD).actor.username == "somchai"
    assert auth.login(ctx, "SOMCHAI", TEST_PASSWORD).actor.username == "somchai"


def test_failed_sign_in_keeps_no_typed_name(ctx: AppContext, frozen, caplog) -> None:
    """People type their password into the username box: it must not land in logs or tables."""
    caplog.set_level("INFO", logger="ims.security")
    with pytest.raises(AuthError):
        auth.login(ctx, "Tr0ub4dor&3-secret", "whatever password it is", ip="10.0.0.5")
    assert "tr0ub4dor" not in caplog.text.lower()
    with ctx.sessions.begin() as s:
        stored = [str(a.after) for a in s.scalars(select(AuditEntry))]
        stored += [a.username for a in s.scalars(select(LoginAttempt))]
    assert stored and not any("tr0ub4dor" in text.lower() for text in stored)


def test_inactive_user_cannot_sign_in(ctx: AppContext, make_actor, frozen) -> None:
    admin = make_actor(Role.ADMIN, "root1")
    user = make_actor(Role.STAFF, "leaver")
    users.set_active(ctx, actor=admin, user_id=user.user_id, active=False)
    with pytest.raises(AuthError, match="Invalid"):
        auth.login(ctx, "leaver", TEST_PASSWORD)


def test_idle_timeout_is_thirty_minutes(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "idler")
    sid = auth.login(ctx, "idler", TEST_PASSWORD).actor.session_id
    frozen(timedelta(minutes=29, seconds=59))
    assert sessions.resume(ctx, session_id=sid) is not None
    frozen(timedelta(minutes=29, seconds=59) + timedelta(minutes=30, seconds=1))
    assert sessions.resume(ctx, session_id=sid) is None


def test_absolute_timeout_is_twelve_hours(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "worker")
    sid = auth.login(ctx, "worker", TEST_PASSWORD).actor.session_id
    for minutes in range(20, 12 * 60, 20):  # active all day
        frozen(timedelta(minutes=minutes))
        assert sessions.resume(ctx, session_id=sid) is not None
    frozen(timedelta(hours=12, seconds=1))
    assert sessions.resume(ctx, session_id=sid) is None


def test_ticket_is_one_time_short_lived_and_rotates_the_token(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "cookie")
    result = auth.login(ctx, "cookie", TEST_PASSWORD)
    token = sessions.redeem_ticket(ctx, result.ticket)
    assert token and len(token) >= 43  # 256 bits, URL-safe
    assert sessions.redeem_ticket(ctx, result.ticket) is None  # one time only
    actor = sessions.resume(ctx, token=token)
    assert actor is not None and actor.session_id == result.actor.session_id
    late = auth.login(ctx, "cookie", TEST_PASSWORD)
    frozen(timedelta(seconds=61))
    assert sessions.redeem_ticket(ctx, late.ticket) is None


def test_each_login_gets_a_new_session(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "twice")
    first = auth.login(ctx, "twice", TEST_PASSWORD)
    second = auth.login(ctx, "twice", TEST_PASSWORD)
    assert first.actor.session_id != second.actor.session_id
    assert first.ticket != second.ticket


def test_logout_revokes_everywhere(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "leaving")
    result = auth.login(ctx, "leaving", TEST_PASSWORD)
    token = sessions.redeem_ticket(ctx, result.ticket)
    sessions.revoke(ctx, result.actor, session_id=result.actor.session_id)
    assert sessions.resume(ctx, token=token) is None
    assert sessions.resume(ctx, session_id=result.actor.session_id) is None
    sessions.revoke(ctx, None, token=token)  # a second logout is harmless


def test_role_is_reread_on_every_resume(ctx: AppContext, make_actor, frozen) -> None:
    admin = make_actor(Role.ADMIN, "boss")
    make_actor(Role.COORDINATOR, "demoted")
    result = auth.login(ctx, "demoted", TEST_PASSWORD)
    users.change_role(ctx, actor=admin, user_id=result.actor.user_id, role="staff")
    resumed = sessions.resume(ctx, session_id=result.actor.session_id)
    assert resumed is not None and resumed.role == Role.STAFF


def test_low_cost_hash_is_upgraded_at_login(ctx: AppContext, make_actor, frozen) -> None:
    make_actor(Role.STAFF, "oldhash")  # fixture hashes at cost 4
    ctx.settings.bcrypt_rounds = 5
    auth.login(ctx, "oldhash", TEST_PASSWORD)
    from core.auth.passwords import hash_cost
    from db.models import User

    with ctx.sessions.begin() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "oldhash"))
    assert stored is not None and hash_cost(stored) == 5


def test_security_events_are_audited_without_secrets(ctx: AppContext, make_actor, frozen, caplog) -> None:
    make_actor(Role.STAFF, "audited")
    caplog.set_level("INFO", logger="ims.security")
    with pytest.raises(AuthError):
        auth.login(ctx, "audited\nFAKE login ok", "a wrong password value")
    auth.login(ctx, "audited", TEST_PASSWORD, ip="192.0.2.10")
    with ctx.sessions.begin() as s:
        actions = dict(s.execute(select(AuditEntry.action, func.count()).group_by(AuditEntry.action)).all())
    assert actions.get("login") == 1 and actions.get("login_failed") == 1
    text = caplog.text
    assert TEST_PASSWORD not in text and "a wrong password value" not in text
    assert all(line.count('"event"') <= 1 for line in text.splitlines())  # no forged lines
    import json

    # ASVS V16.2.1: each event says when (UTC), where (address), who and what.
    signed_in = next(
        json.loads(r.getMessage()) for r in caplog.records if '"event": "login"' in r.getMessage()
    )
    assert signed_in["at"].endswith("+00:00") and signed_in["ip"] == "192.0.2.10"
    assert signed_in["user"] == "audited" and signed_in["user_id"] is not None


def test_current_password_guesses_are_limited_and_audited(ctx: AppContext, make_actor, frozen) -> None:
    """A stolen session guessing the current password: counted like sign-ins, locks, ends the sessions."""
    make_actor(Role.STAFF, "guessed")
    actor = auth.login(ctx, "guessed", TEST_PASSWORD).actor
    new = "a brand new passphrase for me"
    for _ in range(ctx.settings.login_max_failures - 1):
        with pytest.raises(InvalidInput, match="current password is not correct"):
            users.change_password(ctx, actor=actor, current="a wrong guess at it", new=new)
    assert sessions.resume(ctx, session_id=actor.session_id) is not None
    with pytest.raises(AuthError, match="Too many"):
        users.change_password(ctx, actor=actor, current="the last wrong guess", new=new)
    assert sessions.resume(ctx, session_id=actor.session_id) is None
    with pytest.raises(AuthError, match="Too many"):
        users.change_password(ctx, actor=actor, current=TEST_PASSWORD, new=new)
    with pytest.raises(AuthError, match="Too many"):
        auth.login(ctx, "guessed", TEST_PASSWORD)
    with ctx.sessions.begin() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(actor.user_id))).all()
    assert actions.count("user.password_change_failed") == ctx.settings.login_max_failures
    assert actions.count("lockout") == 1 and "user.password_change" not in actions


def test_sql_errors_carry_no_parameter_values(ctx: AppContext) -> None:
    """hide_parameters: a failed statement's message (logged, shown in tracebacks) holds no values."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    secret = "hunter2-parameter-value"
    with pytest.raises(DBAPIError) as failed, ctx.sessions.begin() as s:
        s.execute(text("SELECT no_such_column FROM users WHERE username = :u"), {"u": secret})
    assert secret not in str(failed.value) and "hidden" in str(failed.value)


def test_a_two_year_old_password_still_signs_in(ctx: AppContext, make_actor, frozen) -> None:
    """ASVS V6.2.10: no forced periodic rotation; age alone never expires or flags a password."""
    from sqlalchemy import update

    from db.models import User

    user = make_actor(Role.STAFF, "steady")
    with ctx.sessions.begin() as s:
        s.execute(
            update(User).where(User.id == user.user_id).values(password_changed_at=T0 - timedelta(days=730))
        )
    result = auth.login(ctx, "steady", TEST_PASSWORD)
    assert result.actor.username == "steady" and not result.must_change_password


def test_a_self_refreshing_tab_does_not_keep_an_idle_session_alive(
    ctx: AppContext, make_actor, frozen
) -> None:
    """The monitoring fragment re-checks the session every 5 s; that is not the user's activity."""
    from core.access import Permission

    make_actor(Role.ADMIN, "watcher")
    actor = auth.login(ctx, "watcher", TEST_PASSWORD).actor
    for minutes in range(5, 30, 5):
        frozen(timedelta(minutes=minutes))
        assert auth.revalidate(ctx, actor, Permission.VIEW_MONITORING).user_id == actor.user_id
    frozen(timedelta(minutes=30, seconds=1))
    with pytest.raises(AuthError):
        auth.revalidate(ctx, actor, Permission.VIEW_MONITORING)
    assert sessions.resume(ctx, session_id=actor.session_id) is None
