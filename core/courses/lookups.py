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
# A section to pick: id, course code, section label, semester, academic year (CE); pages write the term.
SectionChoice = tuple[int, str, str, int, int]
MAX_CHOICES = 2000


@dataclass(frozen=True)
class Lookups:
    """Choices for widgets: each a tuple of (id, label) sorted by label; sections as SectionChoice."""

    courses: Choices
    sections: tuple[SectionChoice, ...]
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
        select(Course.id, Course.code + " " + Course.name_th)
        .where(Course.archived.is_(False))
        .order_by(Course.code)
    ),
    "sections": lambda: (
        select(
            CourseSection.id,
            Course.code,
            CourseSection.section,
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
        select(Company.id, Company.name_th).where(Company.active.is_(True)).order_by(Company.name_th)
    ),
}


def _load(session: Session, name: str) -> list[list[Any]]:
    rows = session.execute(QUERIES[name]().limit(MAX_CHOICES)).all()
    if name == "sections":
        return [[int(i), str(code), str(label), int(sem), int(year)] for i, code, label, sem, year in rows]
    return [[int(r[0]), str(r[1])] for r in rows]


def lookups(ctx: AppContext, *, actor: Actor) -> Lookups:
    """Every widget choice list; reviewers and course managers may read them."""
    if not actor.can(Permission.VIEW_COURSES):
        require(actor, Permission.REVIEW_QUEUE)
    values: dict[str, Any] = {}
    for name in QUERIES:
        namespaces = ["lookups", "postings"] if name == "companies" else ["lookups"]
        # "lookups2": sections changed shape (a cached old value must not be read as a new one)
        rows = ctx.cached(namespaces, f"lookups2.{name}", {}, partial(_load, name=name))
        values[name] = tuple(tuple(row) for row in rows)
    return Lookups(**values)
