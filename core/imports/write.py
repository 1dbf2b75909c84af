"""Writing a validated import plan in bulk (executemany) inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.audit import jsonable
from core.registrations.feed import NewChange, record_changes
from core.registrations.rollups import count_new
from core.registrations.states import Status
from db.models import AuditEntry, Registration, RegistrationEvent, Student

CHUNK = 1000
STUDENT_FIELDS = (
    "student_code",
    "first_name_th",
    "last_name_th",
    "first_name_en",
    "last_name_en",
    "email",
    "phone",
    "program_id",
    "year",
    "gpax",
)
Tick = Callable[[float], None]


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _audit_rows(
    actor_id: int | None,
    action: str,
    entity: str,
    items: list[tuple[Any, dict[str, Any]]],
    now: datetime,
    ip: str | None,
) -> list[dict[str, Any]]:
    return [
        {
            "actor_id": actor_id,
            "action": action,
            "entity": entity,
            "entity_id": str(i),
            "before": None,
            "after": jsonable(after),
            "ip": ip,
            "at": now,
        }
        for i, after in items
    ]


def write_students(
    session: Session, plan: Any, actor_id: int | None, ip: str | None, now: datetime, tick: Tick
) -> None:
    """Insert new students and update changed ones, each with an audit row."""
    new = [{k: v[k] for k in STUDENT_FIELDS} | {"created_at": now, "updated_at": now} for v in plan.create]
    for done, chunk in enumerate(_chunks(new)):
        session.execute(insert(Student), chunk)
        tick(0.5 * min(1.0, (done + 1) * CHUNK / len(new)))
    ids = (
        dict(
            session.execute(
                select(Student.student_code, Student.id).where(
                    Student.student_code.in_([v["student_code"] for v in plan.create])
                )
            ).all()
        )
        if new
        else {}
    )
    audits = [(ids[v["student_code"]], {k: v[k] for k in STUDENT_FIELDS}) for v in plan.create]
    for v in plan.update:
        values = {k: v[k] for k in STUDENT_FIELDS}
        session.execute(update(Student).where(Student.id == v["id"]).values(**values, updated_at=now))
        audits.append((v["id"], values))
    rows_c = _audit_rows(actor_id, "student.import_create", "student", audits[: len(plan.create)], now, ip)
    rows_u = _audit_rows(actor_id, "student.import_update", "student", audits[len(plan.create) :], now, ip)
    for chunk in _chunks(rows_c + rows_u):
        session.execute(insert(AuditEntry), chunk)
    tick(1.0)


def _new_ids(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    found: dict[tuple[int, int], int] = {}
    for chunk in _chunks(sorted({p[0] for p in pairs})):
        stmt = select(Registration.id, Registration.student_id, Registration.section_id).where(
            Registration.student_id.in_(chunk)
        )
        found.update({(s, sec): i for i, s, sec in session.execute(stmt).all() if (s, sec) in pairs})
    return found


def write_registrations(
    session: Session, plan: Any, actor_id: int | None, ip: str | None, now: datetime, tick: Tick
) -> None:
    """Insert new registrations (submitted), each with one timeline event and one audit row."""
    status = Status.SUBMITTED
    rows = [
        {
            "student_id": v["student_id"],
            "section_id": v["section_id"],
            "advisor_id": v["advisor_id"],
            "status": status,
            "furthest_stage": 0,  # submitted: the funnel's first stage
            "version": 1,
            "submitted_at": now,
            "status_changed_at": now,
            "updated_at": now,
        }
        for v in plan.create
    ]
    for done, chunk in enumerate(_chunks(rows)):
        session.execute(insert(Registration), chunk)
        tick(0.6 * min(1.0, (done + 1) * CHUNK / len(rows)))
    count_new(session, [(r["section_id"], status, 0) for r in rows])
    ids = _new_ids(session, {(r["student_id"], r["section_id"]) for r in rows})
    events, audits = [], []
    for v in plan.create:
        reg_id = ids[(v["student_id"], v["section_id"])]
        events.append(
            {
                "registration_id": reg_id,
                "from_status": None,
                "to_status": status,
                "actor_id": actor_id,
                "reason": "Imported",
                "at": now,
            }
        )
        after = {
            "status": status,
            "section_id": v["section_id"],
            "advisor_id": v["advisor_id"],
            "company_id": v["company_id"],
            "source": "import",
        }
        audits.append((reg_id, after))
    for chunk in _chunks(events):
        session.execute(insert(RegistrationEvent), chunk)
    tick(0.8)
    for chunk in _chunks(_audit_rows(actor_id, "registration.import", "registration", audits, now, ip)):
        session.execute(insert(AuditEntry), chunk)
    _feed(session, sorted(ids.values()))  # last: it holds the feed's lock until the commit
    tick(1.0)


def _feed(session: Session, registration_ids: list[int]) -> None:
    """The new registrations' submitted events enter the changes feed."""
    changes: list[NewChange] = []
    for chunk in _chunks(registration_ids):
        stmt = select(RegistrationEvent.id, RegistrationEvent.registration_id).where(
            RegistrationEvent.registration_id.in_(chunk)
        )
        changes += [NewChange(int(e), int(r), 1) for e, r in session.execute(stmt).all()]
    record_changes(session, sorted(changes, key=lambda c: c.event_id))
