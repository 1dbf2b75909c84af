"""Signing in: credentials, lockout (core.auth.lockout), server-side sessions, cookie tickets."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, clock, security_log
from core.access import Actor
from core.auth import lockout
from core.auth.passwords import dummy_hash, hash_cost, hash_password, verify_password
from core.context import AppContext
from core.errors import AuthError
from db.models import LoginAttempt, LoginTicket, User, UserSession

INVALID_CREDENTIALS = "Invalid username or password."
LOCKED = "Too many failed sign-in attempts. Try again in {minutes} minutes."
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


def _is_locked(ctx: AppContext, session: Session, user: User | None, digest: str) -> bool:
    now = clock.now()
    if user is not None:
        return user.locked_until is not None and user.locked_until > now
    # Unknown names lock the same way, so lockout reveals nothing about which names exist.
    since = lockout.window_start(ctx, now)
    return lockout.recent_failures(session, since, username=digest) >= ctx.settings.login_max_failures


def _record_failure(
    ctx: AppContext, session: Session, user: User | None, digest: str, ip: str | None
) -> bool:
    """Count and record one failure; False when the account was locked meanwhile (not counted)."""
    if user is not None and not lockout.count_failure(ctx, session, user.id, ip):
        return False
    # The typed name is often a mistyped password: only a known account's own name is kept verbatim.
    name = user.username if user is not None else digest
    session.add(LoginAttempt(username=name, ip=lockout.address_key(ip), success=False, at=clock.now()))
    audit.record(
        session,
        actor_id=user.id if user else None,
        action="login_failed",
        entity="user",
        entity_id=user.id if user else None,
        after={"username": name},
        ip=ip,
    )
    security_log.event("login_failed", username=name, ip=ip)
    return True


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
    session.add(LoginAttempt(username=user.username, ip=lockout.address_key(ip), success=True, at=now))
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
    typed = lockout.normal_username(username)
    digest = lockout.name_digest(ctx, typed)
    lockout.slow_down(ctx, ip)
    with ctx.sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == typed))
        refused = _is_locked(ctx, session, user, digest)
        if not refused:
            # Unknown users are checked against a dummy hash: one bcrypt either way.
            ok = verify_password(
                password, user.password_hash if user else dummy_hash(ctx.settings.bcrypt_rounds)
            )
            if user is not None and ok and user.active:
                return _succeed(ctx, session, user, password, ip, agent)
            refused = not _record_failure(ctx, session, user, digest, ip)
        else:
            dummy_hash(ctx.settings.bcrypt_rounds)
    if refused:
        security_log.event("login_refused_locked", username=user.username if user else digest, ip=ip)
        raise AuthError(LOCKED.format(minutes=ctx.settings.login_lockout_minutes))
    raise AuthError(INVALID_CREDENTIALS)
