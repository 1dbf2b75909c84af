"""Registrations per (section, status, furthest stage), kept in the writer's own transaction.

Every writer of a registration's status or furthest stage calls `count_change` (a transition: one
out, one in) or `count_new` (intake, imports) in its transaction; bulk loaders call `recount`.
Readers that would otherwise GROUP BY every registration (the progress page's KPIs and funnel,
the home page's counts) read these few thousand rows instead. A property test keeps them equal
to a full recount after random transitions, imports and reinstatements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Executable, delete, func, insert, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.registrations.states import Status, funnel_rank
from db.models import Registration, RegistrationCount

Key = tuple[int, str, int]  # (section_id, status value, furthest stage)
T = RegistrationCount


def _value(status: object) -> str:
    return str(getattr(status, "value", status))


def _upsert(dialect: str, row: dict[str, object]) -> Executable:
    """INSERT the row, or add its n to the row already there."""
    keys = [T.section_id, T.status, T.furthest_stage]
    if dialect == "sqlite":
        lite = sqlite_insert(T).values(row)
        return lite.on_conflict_do_update(index_elements=keys, set_={"n": T.n + lite.excluded.n})
    if dialect in ("mysql", "mariadb"):
        maria = mysql_insert(T).values(row)
        return maria.on_duplicate_key_update(n=T.n + maria.inserted.n)
    raise RuntimeError(f"no rollup upsert for {dialect}")  # pragma: no cover - two back ends


def _add(session: Session, deltas: Counter[Key]) -> None:
    """Add each delta to its row, creating rows that are missing (one statement per row)."""
    dialect = session.get_bind().dialect.name
    for (section_id, status, stage), delta in sorted(deltas.items()):
        if delta:
            row = {"section_id": section_id, "status": status, "furthest_stage": stage, "n": delta}
            session.execute(_upsert(dialect, row))


def count_change(
    session: Session, section_id: int, before: tuple[object, int], after: tuple[object, int]
) -> None:
    """One registration of `section_id` moved from (status, stage) `before` to `after`."""
    old, new = (section_id, _value(before[0]), before[1]), (section_id, _value(after[0]), after[1])
    if old != new:
        _add(session, Counter({old: -1, new: 1}))


def count_transition(session: Session, reg: Registration, target: Status) -> None:
    """`reg`, as read before its transition, moves to `target` (the furthest stage only grows)."""
    stage = max(reg.furthest_stage, funnel_rank(target))
    count_change(session, reg.section_id, (reg.status, reg.furthest_stage), (target, stage))


def count_new(session: Session, rows: Iterable[tuple[int, object, int]]) -> None:
    """New registrations, one (section_id, status, stage) each."""
    _add(session, Counter((section, _value(status), stage) for section, status, stage in rows))


def recount(session: Session) -> None:
    """Rebuild every row from the registrations (after a bulk load that bypassed the writers)."""
    session.execute(delete(T))
    grouped = select(
        Registration.section_id, Registration.status, Registration.furthest_stage, func.count()
    ).group_by(Registration.section_id, Registration.status, Registration.furthest_stage)
    rows = [
        {"section_id": s, "status": _value(st), "furthest_stage": k, "n": n}
        for s, st, k, n in session.execute(grouped)
    ]
    if rows:
        session.execute(insert(T), rows)


def counts(session: Session) -> dict[Key, int]:
    """Every non-zero rollup row, as {(section_id, status, stage): n} (what tests compare)."""
    rows = session.execute(select(T.section_id, T.status, T.furthest_stage, T.n).where(T.n != 0))
    return {(s, st, k): n for s, st, k, n in rows}


def recounted(session: Session) -> dict[Key, int]:
    """The same mapping counted from the registrations themselves."""
    grouped = select(
        Registration.section_id, Registration.status, Registration.furthest_stage, func.count()
    ).group_by(Registration.section_id, Registration.status, Registration.furthest_stage)
    return {(s, _value(st), k): n for s, st, k, n in session.execute(grouped)}
