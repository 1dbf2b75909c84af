"""Moving registrations through the state machine: one transition per call, and bulk transitions.

The table of what may happen lives in core.registrations.states; every write goes through
core.registrations.store.apply_transition (conditional update, timeline row, audit row).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require, role_text
from core.context import AppContext
from core.errors import Conflict, DomainError, InvalidInput, Outdated, PermissionDenied
from core.i18n import Text
from core.registrations import states as rules
from core.registrations.store import (
    StaleVersion,
    apply_transition,
    clean_reason,
    decided_by_message,
    get_registration,
)
from core.retry import retrying
from db.models import RegistrationEvent, RegistrationStatus, Role

MAX_BULK = 500


@dataclass(frozen=True)
class TransitionResult:
    """Where a registration stands after a transition."""

    registration_id: int
    from_status: str
    status: str
    version: int


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the ids that moved and, for the others, why not."""

    succeeded: tuple[int, ...]
    failed: dict[int, Text] = field(default_factory=dict)


def _row_for(actor: Actor, action: str, status: RegistrationStatus, own_advisee: bool) -> rules.Transition:
    label = rules.action_text(action)
    row = rules.find(action, status)
    if row is None:
        raise Conflict(
            "Cannot \u201c{action}\u201d a registration that is {status}.",
            action=label,
            status=rules.status_text(status),
        )
    if actor.role == Role.ADVISOR and actor.role in row.roles and not own_advisee:
        raise PermissionDenied("You can act only on registrations of your own advisees.")
    if not rules.role_may(actor.role, row, own_advisee=own_advisee):
        raise PermissionDenied(
            "A {role} cannot \u201c{action}\u201d a registration that is {status}.",
            role=role_text(actor.role),
            action=label,
            status=rules.status_text(status),
        )
    return row


@dataclass
class _Pin:
    """The registration version a transition acts on, fixed by the first attempt that reads it.

    A retried unit of work must never apply the action twice: once a version is pinned, a
    retry that finds a newer one stops (and checks whether the newer one is its own commit).
    """

    version: int | None


def _take(
    session: Session,
    actor: Actor,
    registration_id: int,
    action: str,
    reason: str | None,
    internship_id: int | None,
    pin: _Pin,
    calendar: str,
) -> TransitionResult:
    reg = get_registration(session, registration_id)
    if pin.version is None:
        pin.version = reg.version
    elif reg.version != pin.version:
        raise StaleVersion
    row = _row_for(actor, action, reg.status, reg.advisor_id == actor.user_id)
    new_version = apply_transition(
        session,
        reg,
        row,
        actor_id=actor.user_id,
        client_id=actor.client_id,
        reason=reason,
        internship_id=internship_id,
        ip=actor.ip,
        calendar=calendar,
    )
    return TransitionResult(reg.id, reg.status.value, row.target.value, new_version)


def transition(
    ctx: AppContext,
    *,
    actor: Actor,
    registration_id: int,
    action: str,
    reason: str | None = None,
    internship_id: int | None = None,
    version: int | None = None,
) -> TransitionResult:
    """Take `action` on one registration (pass the `version` you saw to detect a competing decision)."""
    require(actor, Permission.REVIEW_QUEUE)
    return _transition(ctx, actor, registration_id, action, reason, internship_id, version)


def withdraw_registration(
    ctx: AppContext, *, actor: Actor, registration_id: int, reason: str, version: int | None = None
) -> TransitionResult:
    """Withdraw a registration on the student's behalf (a reason is required); Outdated when `version`
    is not the registration's version any more."""
    require(actor, Permission.ENTER_REGISTRATION)
    return _transition(ctx, actor, registration_id, "withdraw", reason, None, version)


def _transition(
    ctx: AppContext,
    actor: Actor,
    registration_id: int,
    action: str,
    reason: str | None,
    internship_id: int | None,
    version: int | None,
) -> TransitionResult:
    if action not in rules.ACTIONS:
        raise InvalidInput("Unknown action: {action}.", action=action)
    text = clean_reason(reason, required=action in rules.NEEDS_REASON, action=rules.action_text(action))
    result = _apply_once(ctx, actor, registration_id, action, text, internship_id, _Pin(version))
    ctx.cache.bump("registrations")
    return result


@retrying
def _apply_once(
    ctx: AppContext,
    actor: Actor,
    registration_id: int,
    action: str,
    text: str | None,
    internship_id: int | None,
    pin: _Pin,
) -> TransitionResult:
    try:
        with ctx.sessions.begin() as session:
            calendar = ctx.settings.term_calendar
            return _take(session, actor, registration_id, action, text, internship_id, pin, calendar)
    except StaleVersion:
        if pin.version is None:  # pragma: no cover - StaleVersion comes only after the version is read
            raise
        with ctx.sessions.begin() as session:
            mine = _applied_by(session, actor, registration_id, pin.version)
            if mine is not None:  # our own commit whose acknowledgement was lost: already done
                return mine
            raise Outdated(decided_by_message(session, registration_id)) from None


def _applied_by(
    session: Session, actor: Actor, registration_id: int, version: int
) -> TransitionResult | None:
    reg = get_registration(session, registration_id)
    last = session.scalars(
        select(RegistrationEvent)
        .where(RegistrationEvent.registration_id == registration_id)
        .order_by(RegistrationEvent.at.desc(), RegistrationEvent.id.desc())
        .limit(1)
    ).first()
    mine = last is not None and (last.actor_id, last.client_id) == (actor.user_id, actor.client_id)
    if reg.version != version + 1 or last is None or not mine:
        return None
    from_status = last.from_status.value if last.from_status else ""
    return TransitionResult(reg.id, from_status, reg.status.value, reg.version)


def bulk_transition(
    ctx: AppContext,
    *,
    actor: Actor,
    ids: list[int],
    action: str,
    reason: str | None = None,
    versions: Mapping[int, int] | None = None,
) -> BulkResult:
    """Take `action` on each registration in its own transaction; report successes and failures.

    `versions` are the versions the reviewer was shown: a registration changed since then is
    refused (someone else acted on it, or it is not the row that was ticked), never acted on.
    """
    require(actor, Permission.REVIEW_QUEUE)
    unique = list(dict.fromkeys(int(i) for i in ids))
    shown = {int(k): int(v) for k, v in (versions or {}).items()}
    if not unique:
        raise InvalidInput("Select at least one registration.")
    if len(unique) > MAX_BULK:
        raise InvalidInput("Select at most {n} registrations at a time.", n=MAX_BULK)
    if action not in rules.ACTIONS:
        raise InvalidInput("Unknown action: {action}.", action=action)
    clean_reason(reason, required=action in rules.NEEDS_REASON, action=rules.action_text(action))
    succeeded: list[int] = []
    failed: dict[int, Text] = {}
    for registration_id in unique:
        try:
            transition(
                ctx,
                actor=actor,
                registration_id=registration_id,
                action=action,
                reason=reason,
                version=shown.get(registration_id),
            )
        except DomainError as exc:
            failed[registration_id] = exc.text
        else:
            succeeded.append(registration_id)
    return BulkResult(tuple(succeeded), failed)
