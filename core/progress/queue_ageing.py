"""The progress page's queue tab: how long open registrations have waited, and who holds overdue ones.

Each part is one GROUP BY or one ordered LIMIT over the open registrations (ix_registrations_queue
covers status + status_changed_at); it used to build a frame of every open registration with all
its names (0.7 s cold on MariaDB at 200k) and count in pandas. The result is cached under the
registrations namespace with a short TTL, because "overdue" also moves with the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core import clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.progress.frames import UNKNOWN, user_names
from core.progress.scope import NAMESPACE, ProgressFilters, longest_waiting, raw, scoped
from core.registrations.states import AWAITING_REVIEW, OPEN, ORDER, Status
from db.collation import thai_sort_key
from db.models import CommitteeVote, CourseSection, Registration, section_committee

OPEN_STATES = tuple(s.value for s in ORDER if s in OPEN)
# Overdue (core.registrations.states.is_overdue): waiting for the office OVERDUE_DAYS or more. A
# registration that needs changes waits for the student, so it is open but never overdue.
OVERDUE_STATES = tuple(s.value for s in ORDER if s in AWAITING_REVIEW)
TTL_S = 120  # "overdue" and ages move with the clock: recount at least this often


@dataclass(frozen=True)
class QueueAgeing:
    """The open queue: per-state ages, the oldest items, and overdue items per approver."""

    by_state: pd.DataFrame
    oldest: pd.DataFrame
    overdue_by_approver: pd.DataFrame
    overdue_days: int


def _open(stmt: Any, filters: ProgressFilters, **joins: bool) -> Any:
    return scoped(stmt.select_from(Registration), filters, **joins).where(
        raw(Registration.status).in_(OPEN_STATES)
    )


def _by_state(session: Session, filters: ProgressFilters, before: datetime) -> list[list[Any]]:
    overdue = and_(Registration.status_changed_at <= before, raw(Registration.status).in_(OVERDUE_STATES))
    late = func.sum(case((overdue, 1), else_=0))
    stmt = select(raw(Registration.status), func.count(), late, raw(func.min(Registration.status_changed_at)))
    rows = session.execute(_open(stmt, filters).group_by(Registration.status)).all()
    return [[str(s), int(n), int(o or 0), str(t)] for s, n, o, t in rows]


def _oldest(session: Session, filters: ProgressFilters, limit: int) -> list[list[Any]]:
    stmt = _open(longest_waiting(), filters, student=True).limit(limit)
    return [[i, c, n, s, str(t)] for i, c, n, s, t in session.execute(stmt).all()]


def _overdue_pairs(session: Session, filters: ProgressFilters, before: datetime) -> list[list[Any]]:
    """[approver id, state, overdue count]: the advisor, committee members yet to vote, the coordinator."""
    late = Registration.status_changed_at <= before
    advisor = _open(select(Registration.advisor_id, func.count()), filters).where(
        late, raw(Registration.status) == Status.SUBMITTED.value, Registration.advisor_id.is_not(None)
    )
    coordinator = _open(select(CourseSection.coordinator_id, func.count()), filters, section=True).where(
        late,
        raw(Registration.status) == Status.COMMITTEE_APPROVED.value,
        CourseSection.coordinator_id.is_not(None),
    )
    member = section_committee.c.user_id
    committee = (
        _open(select(member, func.count()), filters)
        .join(section_committee, section_committee.c.section_id == Registration.section_id)
        .outerjoin(
            CommitteeVote,
            and_(CommitteeVote.registration_id == Registration.id, CommitteeVote.member_id == member),
        )
        .where(late, raw(Registration.status) == Status.ADVISOR_APPROVED.value, CommitteeVote.id.is_(None))
    )
    out: list[list[Any]] = []
    for state, stmt, who in (
        (Status.SUBMITTED.value, advisor, Registration.advisor_id),
        (Status.ADVISOR_APPROVED.value, committee, member),
        (Status.COMMITTEE_APPROVED.value, coordinator, CourseSection.coordinator_id),
    ):
        out += [[int(a), state, int(n)] for a, n in session.execute(stmt.group_by(who)).all()]
    return out


def _count(ctx: AppContext, filters: ProgressFilters, oldest: int) -> dict[str, Any]:
    before = clock.now() - timedelta(days=ctx.settings.overdue_days)
    with ctx.sessions.begin() as session:
        found = {
            "by_state": _by_state(session, filters, before),
            "oldest": _oldest(session, filters, oldest),
            "overdue": _overdue_pairs(session, filters, before),
        }
    names = user_names(ctx) if found["overdue"] else {}
    named = [[a, state, n, names.get(a, UNKNOWN)] for a, state, n in found["overdue"]]
    found["overdue"] = sorted(named, key=lambda r: (-r[2], thai_sort_key(r[3])))  # names: dictionary order
    return found


def _days(stored: str | None, now: datetime) -> float:
    if not stored:
        return 0.0
    when = datetime.fromisoformat(stored)
    return (now - (when if when.tzinfo else when.replace(tzinfo=UTC))).total_seconds() / 86400


def _columns(rows: list[list[Any]], names: list[str]) -> dict[str, list[Any]]:
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


def queue_ageing(ctx: AppContext, *, actor: Actor, filters: ProgressFilters, oldest: int = 10) -> QueueAgeing:
    """How long open registrations have waited, the oldest of them, and who holds overdue ones."""
    require(actor, Permission.VIEW_PROGRESS)
    oldest = max(1, min(int(oldest), 100))
    args = {**filters.key(), "oldest": oldest, "overdue_days": ctx.settings.overdue_days}
    found = ctx.cache.get_or_compute(
        (*NAMESPACE, "users"), "progress.queue_ageing", args, lambda: _count(ctx, filters, oldest), ttl=TTL_S
    )
    # Small lists: built in Python, then one frame each (pandas per-column work cost ~5 ms here).
    now = clock.now()
    states = {state: (n, late, first) for state, n, late, first in found["by_state"]}
    by_state = [[s, *states.get(s, (0, 0, None))] for s in OPEN_STATES]
    by_state = [[s, n, late, _days(first, now)] for s, n, late, first in by_state]
    top = [[*row[:4], _days(row[4], now)] for row in found["oldest"]]
    overdue = _columns(found["overdue"], ["approver_id", "state", "overdue", "approver"])
    return QueueAgeing(
        by_state=pd.DataFrame(_columns(by_state, ["state", "open", "overdue", "oldest_days"])),
        oldest=pd.DataFrame(_columns(top, ["id", "student_code", "student_name", "status", "days_in_state"])),
        overdue_by_approver=pd.DataFrame(overdue),
        overdue_days=ctx.settings.overdue_days,
    )
