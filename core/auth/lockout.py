"""Failed-attempt counting that holds under parallel requests, and the per-address slow-down.

The account counter is one atomic `UPDATE ... SET failed_logins = failed_logins + 1` that only
touches an unlocked row; the lock is then decided on the value the database stored, so fifty
parallel wrong passwords lock the account after exactly `login_max_failures` of them.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from core import audit, clock, security_log
from core.context import AppContext
from db.models import LoginAttempt, User

# An address may fail this often per window before its attempts slow down.
ADDRESS_FREE_FAILURES = 10
ADDRESS_FIRST_DELAY_S = 0.5
ADDRESS_MAX_DELAY_S = 8.0
# Clients the server saw with no address (a local proxy that forwards nothing) share one bucket.
NO_ADDRESS = "(no address)"


def normal_username(typed: str) -> str:
    """The username as stored: NFKC (full-width and compatibility forms folded), case-folded, trimmed."""
    return unicodedata.normalize("NFKC", typed).casefold().strip()


def name_digest(ctx: AppContext, typed: str) -> str:
    """A keyed digest of a typed name: logs and attempts never hold a mistyped password."""
    key = ctx.settings.secret_key.encode("utf-8")
    return "h:" + hmac.new(key, typed.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def address_key(ip: str | None) -> str:
    """The bucket of a client address (no address is a bucket of its own, not a free pass)."""
    return ip or NO_ADDRESS


def window_start(ctx: AppContext, now: datetime) -> datetime:
    """Start of the lockout window that ends `now`."""
    return now - timedelta(minutes=ctx.settings.login_lockout_minutes)


def recent_failures(
    session: Session, since: datetime, *, username: str | None = None, ip: str | None = None
) -> int:
    """Failed attempts since `since`, by typed-name digest or by address bucket."""
    stmt = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False))
    stmt = stmt.where(LoginAttempt.at >= since)
    if username is not None:
        stmt = stmt.where(LoginAttempt.username == username)
    if ip is not None:
        stmt = stmt.where(LoginAttempt.ip == ip)
    return int(session.scalar(stmt) or 0)


def address_delay(failures: int) -> float:
    """Seconds an address waits before its next attempt is checked: doubling past the free ones, capped."""
    if failures < ADDRESS_FREE_FAILURES:
        return 0.0
    return float(min(ADDRESS_FIRST_DELAY_S * 2 ** (failures - ADDRESS_FREE_FAILURES), ADDRESS_MAX_DELAY_S))


def slow_down(ctx: AppContext, ip: str | None) -> float:
    """Wait as long as this address has earned (never refuse: colleagues behind one NAT still sign in)."""
    now = clock.now()
    with ctx.sessions.begin() as session:
        failures = recent_failures(session, window_start(ctx, now), ip=address_key(ip))
    delay = address_delay(failures)
    if delay:
        security_log.event("login_slowed", ip=ip, seconds=delay, failures=failures)
        clock.pause(delay)
    return delay


def count_failure(ctx: AppContext, session: Session, user_id: int, ip: str | None) -> bool:
    """Count one failure on an unlocked account atomically (locking it at the limit).

    False when the account was already locked, so this attempt did not count and is refused as locked.
    """
    now = clock.now()
    unlocked = or_(User.locked_until.is_(None), User.locked_until <= now)
    bump = update(User).where(User.id == user_id, unlocked).values(failed_logins=User.failed_logins + 1)
    if cast(CursorResult[Any], session.execute(bump)).rowcount != 1:
        return False  # a parallel attempt locked it first
    # The UPDATE holds the row lock until commit, so this is the stored value, not a stale copy.
    stored = int(session.scalar(select(User.failed_logins).where(User.id == user_id)) or 0)
    if stored < ctx.settings.login_max_failures:
        return True
    until = now + timedelta(minutes=ctx.settings.login_lockout_minutes)
    session.execute(update(User).where(User.id == user_id).values(locked_until=until, failed_logins=0))
    audit.record(session, actor_id=user_id, action="lockout", entity="user", entity_id=user_id, ip=ip)
    security_log.event("lockout", user_id=user_id, ip=ip)
    return True
