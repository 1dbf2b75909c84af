"""The progress page's two wide frames, read on demand: one row per registration (the export) and one
per timeline event (the bottlenecks), and every user's name for naming approvers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.context import AppContext
from core.i18n import N_
from core.progress.scope import NAMESPACE, ProgressFilters, Query, filtered, raw
from db.models import (
    Company,
    Course,
    CourseSection,
    Faculty,
    Internship,
    Program,
    Registration,
    RegistrationEvent,
    Student,
    User,
)

REG_COLUMNS = [
    "id",
    "student_code",
    "student_name",
    "faculty_id",
    "faculty",
    "program_id",
    "program",
    "course_id",
    "course",
    "academic_year",
    "semester",
    "section_id",
    "coordinator_id",
    "advisor_id",
    "status",
    "submitted_at",
    "status_changed_at",
    "company_id",
    "company",
    "province",
    "furthest_stage",
]
EVENT_COLUMNS = ["event_id", "registration_id", "to_status", "at", "actor_id", "next_at", "next_actor_id"]


def _frame(session: Session, stmt: Query, columns: list[str]) -> pd.DataFrame:
    # Core execution and plain tuples: ORM row loading and Row objects cost seconds per million rows.
    rows = session.connection().execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


_REG_FIELDS = (
    Registration.id,
    Student.student_code,
    Student.first_name_th + " " + Student.last_name_th,
    Faculty.id,
    Faculty.name_th,
    Program.id,
    Program.name_th,
    Course.id,
    Course.code + " " + Course.name_th,
    CourseSection.academic_year,
    CourseSection.semester,
    CourseSection.id,
    CourseSection.coordinator_id,
    Registration.advisor_id,
    raw(Registration.status),
    raw(Registration.submitted_at),
    raw(Registration.status_changed_at),
    Company.id,
    Company.name_th,
    Internship.province,
    Registration.furthest_stage,
)


def query_registrations(session: Session, filters: ProgressFilters) -> pd.DataFrame:
    """One row per registration matching `filters` (REG_COLUMNS), by id."""
    stmt = select(*_REG_FIELDS).select_from(Registration)
    stmt = (
        filtered(stmt, filters)
        .join(Faculty, Faculty.id == Program.faculty_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(Internship, Internship.id == Registration.internship_id)
        .outerjoin(Company, Company.id == Internship.company_id)
        .order_by(Registration.id)
    )
    frame = _frame(session, stmt, REG_COLUMNS)
    for column in ("submitted_at", "status_changed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in ("company_id", "coordinator_id", "advisor_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _query_events(session: Session, filters: ProgressFilters) -> pd.DataFrame:
    # LEAD pairs each event with the next one of the same registration: how long the state it
    # entered lasted, and who ended it. Filters are per registration, so partitions stay whole.
    partition, order = RegistrationEvent.registration_id, (RegistrationEvent.at, RegistrationEvent.id)
    next_at = raw(func.lead(RegistrationEvent.at).over(partition_by=partition, order_by=order))
    next_actor = func.lead(RegistrationEvent.actor_id).over(partition_by=partition, order_by=order)
    stmt = select(
        RegistrationEvent.id,
        RegistrationEvent.registration_id,
        raw(RegistrationEvent.to_status),
        raw(RegistrationEvent.at),
        RegistrationEvent.actor_id,
        next_at,
        next_actor,
    ).select_from(RegistrationEvent)
    stmt = filtered(stmt.join(Registration, Registration.id == RegistrationEvent.registration_id), filters)
    frame = _frame(session, stmt, EVENT_COLUMNS)
    for column in ("at", "next_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in ("actor_id", "next_actor_id"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["registration_id", "at", "event_id"], ignore_index=True)


def events(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    """One row per timeline event of those registrations, with the next event's time and actor."""

    return ctx.cached(
        NAMESPACE, "progress.events", filters.key(), lambda s: _query_events(s, filters), replica=True
    )


UNKNOWN = N_("(unknown)")  # an approver whose user row is gone (a msgid: pages translate it)


def user_names(ctx: AppContext) -> dict[int, str]:
    """Every user's full name by id (for naming approvers; cached until a user changes)."""

    def read(session: Session) -> list[list[Any]]:
        return [[int(i), str(n)] for i, n in session.execute(select(User.id, User.full_name)).all()]

    return {int(i): str(n) for i, n in ctx.cached(("users",), "progress.user_names", {}, read)}
