"""Small id -> label lists for filter and picker widgets, cached under the "lookups" namespace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from db.models import Company, Course, CourseSection, Faculty, Program, Role, User

Choices = tuple[tuple[int, str], ...]
MAX_CHOICES = 2000


@dataclass(frozen=True)
class Lookups:
    """Choices for widgets: each a tuple of (id, label), sorted by label."""

    courses: Choices
    sections: Choices
    faculties: Choices
    programs: Choices
    advisors: Choices
    coordinators: Choices
    committee: Choices
    companies: Choices


def _users(*roles: Role) -> Any:
    return (
        select(User.id, User.full_name + " (" + User.username + ")")
        .where(User.role.in_(roles), User.active.is_(True))
        .order_by(User.full_name)
    )


QUERIES: dict[str, Callable[[], Any]] = {
    "courses": lambda: (
        select(Course.id, Course.code + " " + Course.name_en)
        .where(Course.archived.is_(False))
        .order_by(Course.code)
    ),
    "sections": lambda: (
        select(
            CourseSection.id,
            Course.code + " sec " + CourseSection.section,
            CourseSection.semester,
            CourseSection.academic_year,
        )
        .join(Course, Course.id == CourseSection.course_id)
        .where(CourseSection.archived.is_(False))
        .order_by(CourseSection.academic_year.desc(), CourseSection.semester.desc(), Course.code)
    ),
    "faculties": lambda: select(Faculty.id, Faculty.name_th + " / " + Faculty.name_en).order_by(Faculty.code),
    "programs": lambda: select(Program.id, Program.name_th + " / " + Program.name_en).order_by(Program.code),
    "advisors": lambda: _users(Role.ADVISOR),
    "coordinators": lambda: _users(Role.COORDINATOR, Role.ADMIN),
    "committee": lambda: _users(Role.ADVISOR, Role.COORDINATOR, Role.ADMIN),
    "companies": lambda: (
        select(Company.id, Company.name_en).where(Company.active.is_(True)).order_by(Company.name_en)
    ),
}


def _label(row: Any) -> str:
    if len(row) == 4:  # sections carry their term
        return f"{row[1]} · {row[2]}/{row[3]}"
    return str(row[1])


def _load(session: Session, name: str) -> list[list[Any]]:
    rows = session.execute(QUERIES[name]().limit(MAX_CHOICES)).all()
    return [[int(r[0]), _label(r)] for r in rows]


def lookups(ctx: AppContext, *, actor: Actor) -> Lookups:
    """Every widget choice list; reviewers and course managers may read them."""
    if not actor.can(Permission.VIEW_COURSES):
        require(actor, Permission.REVIEW_QUEUE)
    values: dict[str, Choices] = {}
    for name in QUERIES:
        namespaces = ["lookups", "postings"] if name == "companies" else ["lookups"]
        rows = ctx.cached(namespaces, f"lookups.{name}", {}, partial(_load, name=name))
        values[name] = tuple((int(i), str(label)) for i, label in rows)
    return Lookups(**values)
