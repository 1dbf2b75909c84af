"""User administration (admin) and each user's own profile."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import clock, security_log
from core.access import Actor, Permission, require
from core.auth.lockout import normal_username
from core.auth.passwords import check_policy, hash_password, verify_password

# Sessions are part of this module's API (pages call users.*); `x as x` marks the re-export.
from core.auth.session_admin import SessionInfo as SessionInfo
from core.auth.session_admin import revoke_all_sessions as revoke_all_sessions
from core.auth.session_admin import revoke_session as revoke_session
from core.auth.session_admin import sessions_of as sessions_of
from core.auth.session_admin import sign_out_elsewhere as sign_out_elsewhere
from core.auth.session_admin import wrong_current_password
from core.auth.sessions import revoke_all
from core.auth.sign_in import LOCKED
from core.cleaning import clean_email, clean_text
from core.context import AppContext
from core.errors import AuthError, Conflict, InvalidInput, NotFound
from core.i18n import LANGUAGES, N_
from db.models import Role, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,49}$")
# Who receives the daily digest of overdue items unless they opt out on My profile.
DIGEST_ROLES = (Role.COORDINATOR, Role.ADVISOR)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UserRow:
    """A user as the admin page lists them (never the hash)."""

    id: int
    username: str
    full_name: str
    email: str | None
    role: str
    active: bool
    locked: bool
    must_change_password: bool
    last_login_at: datetime | None
    digest: bool = True  # the daily digest of overdue items (coordinators and advisors)


def _row(user: User) -> UserRow:
    locked = user.locked_until is not None and user.locked_until > clock.now()
    return UserRow(
        user.id,
        user.username,
        user.full_name,
        user.email,
        user.role.value,
        user.active,
        locked,
        user.must_change_password,
        user.last_login_at,
        not user.digest_opt_out,
    )


def _clean_name(full_name: str) -> str:
    return clean_text(full_name, N_("Full name"), low=2, high=200)


def _clean_email(email: str | None) -> str | None:
    return clean_email(email, N_("Email address"))


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def temporary_password() -> str:
    """A random 22-character (128-bit) password that passes the policy."""
    return secrets.token_urlsafe(16)


def list_users(ctx: AppContext, *, actor: Actor, text: str = "", role: str | None = None) -> list[UserRow]:
    """Users filtered by a name/username fragment and role, sorted by username."""
    require(actor, Permission.MANAGE_USERS)
    stmt = select(User).order_by(User.username)
    text = unicodedata.normalize("NFC", text).strip()
    if len(text) > 200:
        raise InvalidInput("Filter with at most 200 characters.")
    if text:
        columns = (User.username, User.full_name, User.email)
        stmt = stmt.where(or_(*(c.contains(text, autoescape=True) for c in columns)))
    if role:
        stmt = stmt.where(User.role == Role(role))
    with ctx.sessions.begin() as session:
        return [_row(u) for u in session.scalars(stmt.limit(1000))]


def create_user(
    ctx: AppContext,
    *,
    actor: Actor | None,
    username: str,
    full_name: str,
    role: str,
    email: str | None = None,
    password: str | None = None,
) -> tuple[UserRow, str]:
    """Create a user; returns the row and the (temporary, must-change) password to show once."""
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    username = unicodedata.normalize("NFC", username).strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput("Username must be 3–50 characters: a–z, 0–9, dot, dash or underscore.")
    if role not in {r.value for r in Role}:
        raise InvalidInput("Unknown role.")
    temporary = password is None
    secret = password or temporary_password()
    check_policy(secret, username=username, organisation=ctx.settings.organisation_name)
    with ctx.change(actor, "users", "lookups") as change:  # names on dashboards and in pickers
        session = change.session
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict("The username {username} is already taken.", username=username)
        user = User(
            username=username,
            full_name=_clean_name(full_name),
            email=_clean_email(email),
            role=Role(role),
            password_hash=hash_password(secret, ctx.settings.bcrypt_rounds),
            must_change_password=temporary,
            password_changed_at=clock.now(),
        )
        session.add(user)
        session.flush()
        change.audit("user.create", "user", user.id, after={"username": username, "role": role})
        return _row(user), secret


def change_role(ctx: AppContext, *, actor: Actor, user_id: int, role: str) -> UserRow:
    """Give a user another role; takes effect on their next rerun."""
    require(actor, Permission.MANAGE_USERS)
    if role not in {r.value for r in Role}:
        raise InvalidInput("Unknown role.")
    if user_id == actor.user_id and role != Role.ADMIN.value:
        raise InvalidInput("You cannot remove your own admin role.")
    with ctx.change(actor, "users", "lookups") as change:  # pickers list users by role
        user = _get(change.session, user_id)
        before = user.role.value
        user.role = Role(role)
        change.audit("user.role_change", "user", user.id, before={"role": before}, after={"role": role})
        row = _row(user)
    security_log.event("role_change", actor, target=row.username, before=before, after=role)
    return row


def set_active(ctx: AppContext, *, actor: Actor, user_id: int, active: bool) -> UserRow:
    """Deactivate (revoking every session) or reactivate a user."""
    require(actor, Permission.MANAGE_USERS)
    if user_id == actor.user_id and not active:
        raise InvalidInput("You cannot deactivate yourself.")
    with ctx.change(actor, "users", "lookups") as change:  # pickers list active users only
        user = _get(change.session, user_id)
        user.active = active
        if not active:
            revoke_all(change.session, user.id)
        change.audit("user.activate" if active else "user.deactivate", "user", user.id)
        return _row(user)


def reset_password(ctx: AppContext, *, actor: Actor | None, user_id: int) -> str:
    """Give a user a new temporary password (shown once); their sessions end."""
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    secret = temporary_password()
    with ctx.change(actor) as change:
        user = _get(change.session, user_id)
        user.password_hash = hash_password(secret, ctx.settings.bcrypt_rounds)
        user.must_change_password, user.password_changed_at = True, clock.now()
        user.failed_logins, user.locked_until = 0, None
        revoke_all(change.session, user.id)
        change.audit("user.password_reset", "user", user.id)
    return secret


def unlock(ctx: AppContext, *, actor: Actor, user_id: int) -> UserRow:
    """Lift a sign-in lockout."""
    require(actor, Permission.MANAGE_USERS)
    with ctx.change(actor) as change:
        user = _get(change.session, user_id)
        user.failed_logins, user.locked_until = 0, None
        change.audit("user.unlock", "user", user.id)
        return _row(user)


def profile(ctx: AppContext, *, actor: Actor) -> UserRow:
    """The signed-in user's own record."""
    with ctx.sessions.begin() as session:
        return _row(_get(session, actor.person))


def _clean_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput("Choose Thai or English.")
    return language


def update_profile(
    ctx: AppContext,
    *,
    actor: Actor,
    full_name: str,
    email: str | None,
    language: str | None = None,
    digest: bool | None = None,
) -> UserRow:
    """Change one's own name, email and (if given) interface language and daily digest choice."""
    with ctx.change(actor, "users", "lookups") as change:
        user = _get(change.session, actor.person)
        before = {"full_name": user.full_name, "email": user.email, "language": user.language,
                  "digest": not user.digest_opt_out}  # fmt: skip
        user.full_name, user.email = _clean_name(full_name), _clean_email(email)
        if language is not None:
            user.language = _clean_language(language)
        if digest is not None:
            user.digest_opt_out = not digest
        after = {"full_name": user.full_name, "email": user.email, "language": user.language,
                 "digest": not user.digest_opt_out}  # fmt: skip
        change.audit("user.profile", "user", user.id, before=before, after=after)
        return _row(user)


def set_language(ctx: AppContext, *, actor: Actor, language: str) -> None:
    """Choose one's own interface language (th or en)."""
    language = _clean_language(language)
    with ctx.change(actor) as change:
        user = _get(change.session, actor.person)
        before, user.language = user.language, language
        change.audit(
            "user.language", "user", user.id, before={"language": before}, after={"language": language}
        )


def change_password(
    ctx: AppContext, *, actor: Actor, current: str, new: str, repeated: str | None = None
) -> int:
    """Change one's own password (current one required); other sessions end. Returns how many.

    A wrong current password counts as a failed sign-in (audited, locks the account at the limit and
    then ends its sessions): a stolen session cannot guess its way to the password.
    """
    with ctx.change(actor) as change:
        user = _get(change.session, actor.person)
        if user.locked_until is not None and user.locked_until > clock.now():
            raise AuthError(LOCKED.format(minutes=ctx.settings.login_lockout_minutes))
        right = verify_password(current, user.password_hash)
    if not right:
        wrong_current_password(ctx, actor)
    with ctx.change(actor) as change:
        user = _get(change.session, actor.person)
        if new == current:
            raise InvalidInput("The new password must differ from the current one.")
        if repeated is not None and repeated != new:
            raise InvalidInput("The two new passwords differ.")
        check_policy(new, username=user.username, organisation=ctx.settings.organisation_name)
        user.password_hash = hash_password(new, ctx.settings.bcrypt_rounds)
        user.must_change_password, user.password_changed_at = False, clock.now()
        ended = revoke_all(change.session, user.id, keep_session_id=actor.session_id)
        change.audit("user.password_change", "user", user.id)
    security_log.event("password_change", actor, other_sessions_ended=ended)
    return ended


def set_password_by_username(ctx: AppContext, *, username: str, password: str) -> None:
    """Set a password from the command line (operator's console); ends the user's sessions."""
    with ctx.change(None) as change:
        user = change.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise NotFound("No user named {username}.", username=username)
        check_policy(password, username=user.username, organisation=ctx.settings.organisation_name)
        user.password_hash = hash_password(password, ctx.settings.bcrypt_rounds)
        user.must_change_password, user.password_changed_at = False, clock.now()
        user.failed_logins, user.locked_until = 0, None
        revoke_all(change.session, user.id)
        change.audit("user.password_set_cli", "user", user.id)


def revoke_sessions_cli(ctx: AppContext, *, username: str | None = None) -> int:
    """End every live session, or one user's, from the operator's console; returns how many."""
    if username is None:
        return revoke_all_sessions(ctx, actor=None)
    with ctx.change(None) as change:
        user = change.session.scalar(select(User).where(User.username == normal_username(username)))
        if user is None:
            raise NotFound("No user named {username}.", username=username)
        ended = revoke_all(change.session, user.id)
        change.audit("session.revoke_user_cli", "user", user.id, after={"ended": ended})
    security_log.event("sessions_revoked_cli", None, username=username, ended=ended)
    return ended
