"""Sessions as their owner and the admin manage them: list, end one, end one's others (after the
password), end everyone's; and the refusal of a wrong current password, counted like a sign-in."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from core import clock, security_log
from core.access import Actor, Permission, require
from core.auth import lockout
from core.auth.passwords import verify_password
from core.auth.sessions import SessionInfo, active_sessions, revoke_all
from core.auth.sign_in import LOCKED
from core.context import AppContext
from core.errors import AuthError, InvalidInput, NotFound
from db.models import User, UserSession

__all__ = [
    "SessionInfo",
    "revoke_all_sessions",
    "revoke_session",
    "sessions_of",
    "sign_out_elsewhere",
    "wrong_current_password",
]


def _password_hash(ctx: AppContext, user_id: int) -> str:
    with ctx.sessions.begin() as session:
        found = session.scalar(select(User.password_hash).where(User.id == user_id))
    if found is None:
        raise NotFound("No such user.")
    return str(found)


def sessions_of(ctx: AppContext, *, actor: Actor, user_id: int) -> list[SessionInfo]:
    """A user's live sessions (admins: anyone's; everyone: their own)."""
    if user_id != actor.user_id:
        require(actor, Permission.MANAGE_USERS)
    with ctx.sessions.begin() as session:
        return active_sessions(session, ctx, user_id)


def revoke_session(ctx: AppContext, *, actor: Actor, session_id: int) -> None:
    """End one session (admins: anyone's; everyone: their own)."""
    with ctx.change(actor) as change:
        row = change.session.get(UserSession, session_id)
        if row is None:
            raise NotFound("No such session.")
        if row.user_id != actor.user_id:
            require(actor, Permission.MANAGE_USERS)
        row.revoked_at = row.revoked_at or clock.now()
        change.audit("session.revoke", "session", row.id)


def wrong_current_password(ctx: AppContext, actor: Actor) -> None:
    """Count, audit and refuse a wrong current password (in its own transaction: the refusal must stay)."""
    with ctx.change(actor) as change:
        counted = lockout.count_failure(ctx, change.session, actor.person, actor.ip)
        change.audit("user.password_change_failed", "user", actor.person, after={"counted": counted})
        locked = change.session.scalar(select(User.locked_until).where(User.id == actor.person))
        now_locked = locked is not None and locked > clock.now()
        if now_locked:
            revoke_all(change.session, actor.person)
    security_log.event("password_change_failed", actor)
    if now_locked:
        raise AuthError(LOCKED.format(minutes=ctx.settings.login_lockout_minutes))
    raise InvalidInput("The current password is not correct.")


def sign_out_elsewhere(ctx: AppContext, *, actor: Actor, password: str) -> int:
    """End all of one's sessions except this one, after re-entering the password (ASVS V7.5.2).

    A wrong password counts towards the lockout like one on a password change.
    """
    if not verify_password(password, _password_hash(ctx, actor.person)):
        wrong_current_password(ctx, actor)
    with ctx.change(actor) as change:
        ended = revoke_all(change.session, actor.person, keep_session_id=actor.session_id)
        change.audit("session.revoke_others", "user", actor.user_id, after={"ended": ended})
    return ended


def revoke_all_sessions(ctx: AppContext, *, actor: Actor | None) -> int:
    """End every user's sessions but the acting admin's own (an incident; ASVS V7.4.5). Returns how many.

    `actor` None is the operator's console (`manage.py revoke-sessions`).
    """
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    with ctx.change(actor) as change:
        stmt = update(UserSession).where(UserSession.revoked_at.is_(None))
        if actor is not None and actor.session_id is not None:
            stmt = stmt.where(UserSession.id != actor.session_id)
        ended = int(
            cast(CursorResult[Any], change.session.execute(stmt.values(revoked_at=clock.now()))).rowcount or 0
        )
        change.audit("session.revoke_all", "session", None, after={"ended": ended})
    security_log.event("sessions_revoked_all", actor, ended=ended)
    return ended
