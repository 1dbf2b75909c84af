"""The registration changes feed: every timeline event, numbered in commit order, read by keyset.

Writers call `record_changes` as the last step of their transaction. It bumps the one
`change_counter` row (a row lock held until commit), so the transaction that takes number N has
committed before any other can take N + 1: a reader that follows `seq > cursor` never sees N + 1
while N is still invisible, so it misses nothing and sees nothing twice. The lock is held only
from that last step to the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.registrations import cursors
from db.models import ChangeCounter, Registration, RegistrationChange, RegistrationEvent, Student

FEED = "registrations"
MAX_PAGE = 500


@dataclass(frozen=True)
class NewChange:
    """A timeline event just written, and the registration version it left behind."""

    event_id: int
    registration_id: int
    version: int


def _take_numbers(session: Session, count: int) -> int:
    """Reserve `count` numbers; returns the first. Holds the counter row's lock until commit.

    An upsert, so the first change ever (a fresh or wiped database) needs no second path: two
    writers creating the row at once would otherwise deadlock on InnoDB's gap locks.
    """
    row = {"feed": FEED, "last": count}
    if session.get_bind().dialect.name == "sqlite":
        lite = sqlite_insert(ChangeCounter).values(row)
        upsert: Any = lite.on_conflict_do_update(
            index_elements=["feed"], set_={"last": ChangeCounter.last + count}
        )
    else:
        upsert = (
            mysql_insert(ChangeCounter).values(row).on_duplicate_key_update(last=ChangeCounter.last + count)
        )
    session.execute(upsert)
    last = session.scalar(select(ChangeCounter.last).where(ChangeCounter.feed == FEED))
    return int(last or 0) - count + 1


def record_changes(session: Session, changes: Sequence[NewChange]) -> None:
    """Number these changes after every change committed before them (the writer's last step)."""
    if not changes:
        return
    first = _take_numbers(session, len(changes))
    rows = [
        {"seq": first + i, "event_id": c.event_id, "registration_id": c.registration_id, "version": c.version}
        for i, c in enumerate(changes)
    ]
    session.execute(insert(RegistrationChange), rows)


def catch_up(session: Session) -> int:
    """Put events written in bulk without the feed (demo data) into it, in time order; returns how many.

    One INSERT ... SELECT: each event's version is its rank in its registration's timeline.
    """
    e, c = RegistrationEvent, RegistrationChange
    ranked = (
        select(
            e.id.label("event_id"),
            e.registration_id.label("registration_id"),
            e.at.label("at"),
            func.row_number().over(partition_by=e.registration_id, order_by=(e.at, e.id)).label("version"),
            c.seq.label("fed"),
        )
        .outerjoin(c, c.event_id == e.id)
        .subquery("ranked")
    )
    missing = int(session.scalar(select(func.count()).select_from(ranked).where(ranked.c.fed.is_(None))) or 0)
    if not missing:
        return 0
    first = _take_numbers(session, missing)
    number = func.row_number().over(order_by=(ranked.c.at, ranked.c.event_id)) + (first - 1)
    rows = select(number, ranked.c.event_id, ranked.c.registration_id, ranked.c.version).where(
        ranked.c.fed.is_(None)
    )
    session.execute(insert(c).from_select(["seq", "event_id", "registration_id", "version"], rows))
    return missing


@dataclass(frozen=True)
class Change:
    """One status change as the feed gives it."""

    cursor: str
    registration_id: int
    student_code: str
    from_status: str | None
    to_status: str
    version: int
    at: datetime


@dataclass(frozen=True)
class ChangePage:
    """Changes after a cursor, and the cursor to ask with next (the same one when nothing is new)."""

    changes: tuple[Change, ...]
    next_cursor: str


def list_changes(ctx: AppContext, *, actor: Actor, after: str | None = None, limit: int = 100) -> ChangePage:
    """Status changes after the cursor `after`, oldest first, in commit order."""
    require(actor, Permission.READ_CHANGES)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("Ask for 1 to {n} changes at a time.", n=MAX_PAGE)
    position = cursors.decode("c1", after)
    stmt = (
        select(
            RegistrationChange.seq,
            RegistrationChange.registration_id,
            Student.student_code,
            RegistrationEvent.from_status,
            RegistrationEvent.to_status,
            RegistrationChange.version,
            RegistrationEvent.at,
        )
        .join(RegistrationEvent, RegistrationEvent.id == RegistrationChange.event_id)
        .join(Registration, Registration.id == RegistrationChange.registration_id)
        .join(Student, Student.id == Registration.student_id)
        .where(RegistrationChange.seq > position)
        .order_by(RegistrationChange.seq)
        .limit(limit)
        # MariaDB otherwise starts from the small students table and sorts every change.
        .prefix_with("STRAIGHT_JOIN", dialect="mysql")
    )
    with ctx.sessions.begin() as session:
        rows = session.execute(stmt).all()
    changes = tuple(
        Change(cursors.encode("c1", seq), rid, code, frm.value if frm else None, to.value, version, at)
        for seq, rid, code, frm, to, version, at in rows
    )
    return ChangePage(changes, changes[-1].cursor if changes else cursors.encode("c1", position))
