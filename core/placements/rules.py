"""What the after-placement services share: labels, limits, due dates, overdue, and who may touch what."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock, i18n
from core.access import Actor, Permission, require
from core.errors import Conflict, NotFound, PermissionDenied
from core.i18n import N_
from core.registrations import states
from db.models import (
    EvaluationStatus,
    EvaluatorKind,
    Placement,
    Registration,
    Role,
    VisitMode,
    VisitStatus,
)
from db.models import RegistrationStatus as S

NAMESPACE = "placements"  # every cached read of this package; every write bumps it (and "registrations")
BUMPS = (NAMESPACE, "registrations")
MAX_PHOTOS = 5
MAX_REPORT = 10_000
# An evaluation is due this many days after the placement's last day.
DUE_DAYS = {EvaluatorKind.SUPERVISOR: 7, EvaluatorKind.ADVISOR: 14, EvaluatorKind.STUDENT: 7}
# Placement details, visits and evaluations change while the student is placed or working.
EDITABLE = frozenset({S.PLACED, S.IN_PROGRESS})
OVERDUE = "overdue"  # an evaluation not submitted after its due date (never stored)
SUBMITTED = EvaluationStatus.SUBMITTED.value

MODE_LABELS = {VisitMode.ONSITE: N_("On site"), VisitMode.ONLINE: N_("Online")}
VISIT_LABELS = {
    VisitStatus.PLANNED: N_("Planned"),
    VisitStatus.DONE: N_("Done"),
    VisitStatus.CANCELLED: N_("Cancelled"),
}
EVALUATION_LABELS = {
    EvaluationStatus.PENDING.value: N_("Pending"),
    EvaluationStatus.IN_PROGRESS.value: N_("In progress"),
    EvaluationStatus.SUBMITTED.value: N_("Submitted"),
    OVERDUE: N_("Overdue"),
}
KIND_LABELS = states.KIND_LABELS
LANGUAGE_LABELS = {"th": N_("Thai"), "en": N_("English")}


def today() -> date:
    """Today in the office's zone."""
    return i18n.local_time(clock.now()).date()


def due_on(end: date, kind: EvaluatorKind) -> date:
    """When an evaluation of this kind is due for a placement ending on `end`."""
    return end + timedelta(days=DUE_DAYS[kind])


def evaluation_state(status: EvaluationStatus | str, due: date | None, on: date) -> str:
    """pending / in_progress / submitted as stored, or overdue once the due date has passed."""
    value = EvaluationStatus(status).value
    if value != EvaluationStatus.SUBMITTED.value and due is not None and due < on:
        return OVERDUE
    return value


def registration_for(
    session: Session, actor: Actor, registration_id: int, *, lock: bool = False
) -> Registration:
    """The registration whose placement `actor` may touch (advisors: their own students only)."""
    require(actor, Permission.MANAGE_PLACEMENTS)
    reg = session.get(Registration, registration_id, with_for_update=True if lock else None)
    if reg is None:
        raise NotFound("No such registration.")
    if actor.role == Role.ADVISOR and reg.advisor_id != actor.user_id:
        raise PermissionDenied("You can see and change only the placements of your own students.")
    return reg


def editable(reg: Registration) -> None:
    """Refuse a change unless the registration is placed or in progress."""
    if reg.status not in EDITABLE:
        raise Conflict(
            "The placement of a registration that is {status} cannot change.",
            status=states.status_text(reg.status),
        )


def placement_of(session: Session, registration_id: int) -> Placement | None:
    """The registration's placement row, if its details were entered."""
    return session.scalars(select(Placement).where(Placement.registration_id == registration_id)).first()


def placement_or_raise(session: Session, registration_id: int) -> Placement:
    """The placement row, or Conflict telling to enter the details first."""
    placement = placement_of(session, registration_id)
    if placement is None:
        raise Conflict("Enter the placement details (supervisor and dates) first.")
    return placement


def rows_frame(rows: Iterable[Any], columns: Sequence[str]) -> pd.DataFrame:
    """Result rows as a frame, built from plain tuples (pandas inspects every Row object otherwise:
    a third of a 30k-row aggregate's time)."""
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
