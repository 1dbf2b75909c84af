"""Taking one transition inside the caller's transaction: the conditional update, capacity, timeline, audit.

Callers own the transaction; nothing here commits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from core import audit, clock
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import Text, msg, together
from core.registrations.completion import check_and_keep_result
from core.registrations.feed import NewChange, record_changes
from core.registrations.notices import after_transition
from core.registrations.placement import candidate_of, placement_problems, posting_facts
from core.registrations.rollups import count_transition
from core.registrations.states import DECIDED, PLACED, Transition, funnel_rank
from core.terms import DEFAULT_CALENDAR
from db.models import (
    CommitteeVote,
    CourseSection,
    Internship,
    Registration,
    RegistrationEvent,
    User,
    section_committee,
)
from db.models import RegistrationStatus as S

MAX_REASON = 2000


class StaleVersion(Exception):
    """Someone changed the registration after it was read; the caller reports who."""


def clean_reason(reason: str | None, *, required: bool, action: Text) -> str | None:
    """The reason stripped; InvalidInput when required and blank, or too long."""
    text = unicodedata.normalize("NFC", reason or "").strip()
    if required and not text:
        raise InvalidInput("A reason is required to \u201c{action}\u201d.", action=action)
    if len(text) > MAX_REASON:
        raise InvalidInput("The reason must be at most {n} characters.", n=MAX_REASON)
    return text or None


def get_registration(session: Session, registration_id: int, *, lock: bool = False) -> Registration:
    """The registration row (locked FOR UPDATE on MariaDB when `lock`), else NotFound."""
    reg = session.get(Registration, registration_id, with_for_update=True if lock else None)
    if reg is None:
        raise NotFound("No such registration.")
    return reg


def committee_members(session: Session, section_id: int) -> list[int]:
    """User ids on the committee of a section."""
    stmt = select(section_committee.c.user_id).where(section_committee.c.section_id == section_id)
    return list(session.scalars(stmt))


def decided_by_message(session: Session, registration_id: int) -> Text:
    """`Already decided by <name> at <time>`, from the newest timeline event."""
    stmt = (
        select(RegistrationEvent.at, User.full_name)
        .outerjoin(User, User.id == RegistrationEvent.actor_id)
        .where(RegistrationEvent.registration_id == registration_id)
        .order_by(RegistrationEvent.at.desc(), RegistrationEvent.id.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    if row is None:
        return msg("Already decided by someone else. Reload and try again.")
    at: datetime = row[0]
    if row[1] is None:
        return msg("Already decided by the system at {at}.", at=at)
    return msg("Already decided by {name} at {at}.", name=row[1], at=at)


def _placed_count(session: Session, column: Any, value: int) -> int:
    # A locking (current) read: on MariaDB a plain read would use the snapshot taken before the
    # section lock was granted and miss a placement committed while this transaction waited.
    stmt = (
        select(func.count())
        .select_from(Registration)
        .where(column == value, Registration.status.in_(PLACED))
        .with_for_update(read=True)
    )
    return int(session.scalar(stmt) or 0)


def _lock_places(session: Session, reg: Registration, internship_id: int) -> int:
    # Always section first, then posting: one order for every placement, so no deadlock.
    capacity = session.scalar(
        select(CourseSection.capacity).where(CourseSection.id == reg.section_id).with_for_update()
    )
    if session.scalar(select(Internship.id).where(Internship.id == internship_id).with_for_update()) is None:
        raise NotFound("No such posting.")
    return int(capacity or 0)


def _check_posting(session: Session, reg: Registration, internship_id: int, calendar: str) -> None:
    facts = posting_facts(session, [internship_id], lock=True)[internship_id]
    problems = placement_problems(facts, candidate_of(session, reg.id, calendar))
    if problems:
        raise Conflict(together(*problems))


def _check_capacity(session: Session, reg: Registration, capacity: int) -> None:
    if _placed_count(session, Registration.section_id, reg.section_id) > capacity:
        raise Conflict("The section is full: all {capacity} places are taken.", capacity=capacity)


def _values(row: Transition, reg: Registration, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "status": row.target,
        "version": reg.version + 1,
        "status_changed_at": now,
        "updated_at": now,
    }
    rank = funnel_rank(row.target)
    if rank:  # furthest_stage only grows: the furthest funnel stage ever reached
        furthest = Registration.furthest_stage
        values["furthest_stage"] = case((furthest < rank, rank), else_=furthest)
    if row.target in DECIDED:
        values["decided_at"] = now
    elif row.target == S.SUBMITTED:
        values["decided_at"] = None
    return values


def apply_transition(
    session: Session,
    reg: Registration,
    row: Transition,
    *,
    actor_id: int | None,
    reason: str | None,
    internship_id: int | None = None,
    ip: str | None = None,
    calendar: str = DEFAULT_CALENDAR,
    client_id: int | None = None,
) -> int:
    """Take `row` on `reg` as read at its version, with its event, audit and feed rows; returns the version.

    `actor_id` is the user who acted, or `client_id` the integration API client.
    """
    now = clock.now()
    values = _values(row, reg, now)
    capacity = None
    if row.needs_posting:
        internship_id = internship_id or reg.internship_id
        if internship_id is None:
            raise InvalidInput("Choose the posting to confirm the placement.")
        capacity = _lock_places(session, reg, internship_id)
        _check_posting(session, reg, internship_id, calendar)
        values["internship_id"] = internship_id
    extra = _posting(values)
    if row.needs_evaluations:  # the completion rule: refused here, whatever the page offered
        outcome = check_and_keep_result(session, reg.id, now)
        extra = {"score": outcome.score, "result": outcome.result}
    stmt = (
        update(Registration)
        .where(Registration.id == reg.id, Registration.version == reg.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if session.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion
    count_transition(session, reg, row.target)
    if capacity is not None:
        _check_capacity(session, reg, capacity)
    if row.target == S.ADVISOR_APPROVED:  # a new committee round: earlier votes no longer count
        session.execute(delete(CommitteeVote).where(CommitteeVote.registration_id == reg.id))
    who = Who(actor_id, client_id, ip)
    after_transition(session, reg.id, row.target, reason)  # the outbox row commits with the step
    _record(session, reg, row, who=who, reason=reason, now=now, extra=extra)
    return reg.version + 1


@dataclass(frozen=True)
class Who:
    """Who takes a step: a user (`actor_id`) or an integration API client (`client_id`), from where."""

    actor_id: int | None
    client_id: int | None = None
    ip: str | None = None


def add_event(
    session: Session,
    registration_id: int,
    from_status: S | None,
    to_status: S,
    *,
    who: Who,
    reason: str | None,
    now: datetime,
    version: int,
) -> None:
    """One timeline event and its place in the changes feed (the feed's lock: call it last)."""
    event = RegistrationEvent(
        registration_id=registration_id,
        from_status=from_status,
        to_status=to_status,
        actor_id=who.actor_id,
        client_id=who.client_id,
        reason=reason,
        at=now,
    )
    session.add(event)
    session.flush()
    record_changes(session, [NewChange(event.id, registration_id, version)])


def _record(
    session: Session,
    reg: Registration,
    row: Transition,
    *,
    who: Who,
    reason: str | None,
    now: datetime,
    extra: dict[str, Any],
) -> None:
    """The audit row, timeline event and feed row of one transition."""
    audit.record(
        session,
        actor_id=who.actor_id,
        client_id=who.client_id,
        action=f"registration.{row.target.value}",
        entity="registration",
        entity_id=reg.id,
        before={"status": reg.status, "version": reg.version},
        after={"status": row.target, "version": reg.version + 1, "reason": reason, **extra},
        ip=who.ip,
    )
    add_event(
        session, reg.id, reg.status, row.target, who=who, reason=reason, now=now, version=reg.version + 1
    )


def _posting(values: dict[str, Any]) -> dict[str, Any]:
    return {"internship_id": values["internship_id"]} if "internship_id" in values else {}
