"""Signing in and out: lockout, per-client limits, server-side sessions, cookie tickets."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit, clock, security_log
from core.access import Actor
from core.auth.passwords import dummy_hash, hash_cost, hash_password, verify_password
from core.context import AppContext
from core.errors import AuthError
from db.models import LoginAttempt, LoginTicket, User, UserSession

INVALID_CREDENTIALS = "Invalid username or password."
LOCKED = "Too many failed sign-in attempts. Try again in {minutes} minutes."
CLIENT_LIMIT = 30  # failed attempts from one address per lockout window
TICKET_SECONDS = 60


@dataclass(frozen=True)
class LoginResult:
    """A fresh session: who signed in, and the one-time ticket that sets the cookie."""

    actor: Actor
    ticket: str
    must_change_password: bool


def token_hash(token: str) -> str:
    """SHA-256 hex of a token or ticket; only this is ever stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _window_start(ctx: AppContext, now: datetime) -> datetime:
    return now - timedelta(minutes=ctx.settings.login_lockout_minutes)


def _recent_failures(
    session: Session, since: datetime, *, username: str | None = None, ip: str | None = None
) -> int:
    stmt = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False))
    stmt = stmt.where(LoginAttempt.at >= since)
    if username is not None:
        stmt = stmt.where(LoginAttempt.username == username)
    if ip is not None:
        stmt = stmt.where(LoginAttempt.ip == ip)
    return int(session.scalar(stmt) or 0)


def _is_locked(ctx: AppContext, session: Session, user: User | None, username: str, ip: str | None) -> bool:
    now = clock.now()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        return True
    since = _window_start(ctx, now)
    if (
        user is None
        and _recent_failures(session, since, username=username) >= ctx.settings.login_max_failures
    ):
        return True  # unknown names lock the same way, so lockout reveals nothing
    return bool(ip) and _recent_failures(session, since, ip=ip) >= CLIENT_LIMIT


def _record_failure(
    ctx: AppContext, session: Session, user: User | None, username: str, ip: str | None
) -> None:
    now = clock.now()
    session.add(LoginAttempt(username=username[:150], ip=ip, success=False, at=now))
    audit.record(
        session,
        actor_id=user.id if user else None,
        action="login_failed",
        entity="user",
        entity_id=user.id if user else None,
        after={"username": username[:150]},
        ip=ip,
    )
    security_log.event("login_failed", username=username[:150], ip=ip)
    if user is None:
        return
    user.failed_logins += 1
    if user.failed_logins >= ctx.settings.login_max_failures:
        user.locked_until = now + timedelta(minutes=ctx.settings.login_lockout_minutes)
        user.failed_logins = 0
        audit.record(session, actor_id=user.id, action="lockout", entity="user", entity_id=user.id, ip=ip)
        security_log.event("lockout", username=user.username, ip=ip)


def _new_session(
    ctx: AppContext, session: Session, user: User, ip: str | None, agent: str | None
) -> tuple[UserSession, str]:
    now = clock.now()
    row = UserSession(
        token_hash=token_hash(secrets.token_urlsafe(32)),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=ctx.settings.session_absolute_hours),
        ip=ip,
        user_agent=(agent or "")[:300] or None,
    )
    session.add(row)
    session.flush()
    ticket = secrets.token_urlsafe(32)
    session.add(
        LoginTicket(
            ticket_hash=token_hash(ticket),
            session_id=row.id,
            expires_at=now + timedelta(seconds=TICKET_SECONDS),
        )
    )
    return row, ticket


def _succeed(
    ctx: AppContext, session: Session, user: User, password: str, ip: str | None, agent: str | None
) -> LoginResult:
    now = clock.now()
    if hash_cost(user.password_hash) < ctx.settings.bcrypt_rounds:
        user.password_hash = hash_password(password, ctx.settings.bcrypt_rounds)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    row, ticket = _new_session(ctx, session, user, ip, agent)
    session.add(LoginAttempt(username=user.username, ip=ip, success=True, at=now))
    audit.record(session, actor_id=user.id, action="login", entity="user", entity_id=user.id, ip=ip)
    actor = Actor(
        user.id, user.username, user.full_name, user.role, session_id=row.id, ip=ip, language=user.language
    )
    security_log.event("login", actor)
    return LoginResult(actor=actor, ticket=ticket, must_change_password=user.must_change_password)


def login(
    ctx: AppContext, username: str, password: str, *, ip: str | None = None, agent: str | None = None
) -> LoginResult:
    """Check the credentials and open a session; one vague message for every failure."""
    username = username.strip()
    with ctx.sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username))
        if _is_locked(ctx, session, user, username, ip):
            dummy_hash(ctx.settings.bcrypt_rounds)
            security_log.event("login_refused_locked", username=username[:150], ip=ip)
            raise AuthError(LOCKED.format(minutes=ctx.settings.login_lockout_minutes))
        # Unknown users are checked against a dummy hash: one bcrypt either way.
        ok = verify_password(password, user.password_hash if user else dummy_hash(ctx.settings.bcrypt_rounds))
        if user is not None and ok and user.active:
            return _succeed(ctx, session, user, password, ip, agent)
        _record_failure(ctx, session, user, username, ip)
    raise AuthError(INVALID_CREDENTIALS)
