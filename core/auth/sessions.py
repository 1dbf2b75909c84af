"""Server-side sessions: validation on every rerun, the cookie ticket, revocation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from core import audit, clock, security_log
from core.access import Actor, Permission, require
from core.auth.sign_in import token_hash
from core.context import AppContext
from core.errors import AuthError
from core.i18n import N_
from db.models import LoginTicket, User, UserSession

# last_seen is written at most this often, so a rerun does not always cost a write.
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class SessionInfo:
    """One active session, as its owner or an admin sees it."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str | None


def _alive(ctx: AppContext, row: UserSession, now: datetime) -> bool:
    idle = timedelta(minutes=ctx.settings.session_idle_minutes)
    return row.revoked_at is None and now < row.expires_at and now - row.last_seen_at <= idle


def _load(session: Session, *, session_id: int | None, token: str | None) -> UserSession | None:
    if session_id is not None:
        return session.get(UserSession, session_id)
    if token:
        return session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    return None


def resume(
    ctx: AppContext,
    *,
    session_id: int | None = None,
    token: str | None = None,
    ip: str | None = None,
    touch: bool = True,
) -> Actor | None:
    """The actor of a live session (role re-read from the database), or None; `touch` counts it as
    activity (a rerun the user caused), which keeps the idle timeout away."""
    now = clock.now()
    with ctx.sessions.begin() as session:
        row = _load(session, session_id=session_id, token=token)
        if row is None or not _alive(ctx, row, now):
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        if touch and now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
        return Actor(
            user.id,
            user.username,
            user.full_name,
            user.role,
            session_id=row.id,
            ip=ip or row.ip,
            must_change_password=user.must_change_password,
            language=user.language,
        )


SESSION_ENDED = N_("Your session has ended. Sign in again.")


def revalidate(ctx: AppContext, actor: Actor | None, permission: Permission) -> Actor:
    """The actor re-read from its session row, for work that runs outside a full rerun.

    A deferred download or a self-refreshing fragment runs without app.py's per-rerun check, holding
    the Actor of the last full rerun: this is that check (session alive, user active, role re-read)
    plus the permission, before any service call. Raises AuthError or PermissionDenied. It is not
    activity: a tab that refreshes itself must not keep an idle session alive.
    """
    fresh = None
    if actor is not None and actor.session_id is not None:
        fresh = resume(ctx, session_id=actor.session_id, ip=actor.ip, touch=False)
    if fresh is None:
        security_log.event("stale_session_refused", actor)
        raise AuthError(SESSION_ENDED)
    return require(fresh, permission)


def redeem_ticket(ctx: AppContext, ticket: str) -> str | None:
    """Trade a one-time ticket for a new session token (rotated now); None if invalid."""
    now = clock.now()
    with ctx.sessions.begin() as session:
        row = session.scalar(select(LoginTicket).where(LoginTicket.ticket_hash == token_hash(ticket)))
        if row is None or row.used_at is not None or now > row.expires_at:
            return None
        claim = update(LoginTicket).where(LoginTicket.id == row.id, LoginTicket.used_at.is_(None))
        used = cast(CursorResult[Any], session.execute(claim.values(used_at=now)))
        user_session = session.get(UserSession, row.session_id)
        if used.rowcount != 1 or user_session is None or not _alive(ctx, user_session, now):
            return None
        token = secrets.token_urlsafe(32)
        user_session.token_hash = token_hash(token)
        return token


def revoke(
    ctx: AppContext, actor: Actor | None, *, session_id: int | None = None, token: str | None = None
) -> None:
    """End one session (logout); harmless if it is already over."""
    with ctx.sessions.begin() as session:
        row = _load(session, session_id=session_id, token=token)
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at = clock.now()
        audit.record(
            session,
            actor_id=row.user_id,
            action="logout",
            entity="session",
            entity_id=row.id,
            ip=actor.ip if actor else None,
        )
    security_log.event("logout", actor, session_id=row.id)


def revoke_all(session: Session, user_id: int, *, keep_session_id: int | None = None) -> int:
    """Revoke every live session of a user inside the caller's transaction; returns how many."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep_session_id is not None:
        stmt = stmt.where(UserSession.id != keep_session_id)
    result = cast(CursorResult[Any], session.execute(stmt.values(revoked_at=clock.now())))
    return int(result.rowcount or 0)


def active_sessions(session: Session, ctx: AppContext, user_id: int) -> list[SessionInfo]:
    """A user's sessions that are still alive, newest first."""
    now = clock.now()
    rows = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    return [
        SessionInfo(r.id, r.created_at, r.last_seen_at, r.expires_at, r.ip, r.user_agent)
        for r in rows
        if _alive(ctx, r, now)
    ]
