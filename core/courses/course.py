"""Courses (admin, coordinator): create, edit, archive; their sections are in core.sections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.cleaning import clean_int, clean_text
from core.context import AppContext
from core.courses.rules import clean_code, clean_kind
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_
from core.registrations import states
from db.models import Course, EvaluatorKind, Grading

NAMESPACES = ("courses", "registrations", "lookups")


@dataclass(frozen=True)
class CourseRow:
    """A course as the courses page lists it."""

    id: int
    code: str
    name_th: str
    name_en: str
    credits: int
    kind: str
    archived: bool
    visit_count: int = 2
    required_evaluations: tuple[str, ...] = ("supervisor", "advisor")
    grading: str = "su"
    pass_score: int = 50


def _course_row(c: Course) -> CourseRow:
    required = tuple(k.value for k in states.required_kinds(c.required_evaluations))
    grading = c.grading.value if c.grading else "su"
    return CourseRow(c.id, c.code, c.name_th, c.name_en, c.credits, c.kind.value, c.archived, c.visit_count,
                     required, grading, c.pass_score)  # fmt: skip


GRADING_LABELS = {Grading.SU.value: N_("S/U by the pass score"), Grading.SCORE.value: N_("Score")}


def _after_placement(visit_count: object, required: Sequence[str] | None, grading: str | None,
                     pass_score: object) -> dict[str, Any]:  # fmt: skip
    """The course's after-placement settings that were given, checked."""
    values: dict[str, Any] = {}
    if visit_count is not None:
        values["visit_count"] = clean_int(visit_count, N_("Supervision visits"), low=1, high=4)
    if required is not None:
        kinds = {str(k) for k in required}
        unknown = kinds - {k.value for k in EvaluatorKind}
        if unknown:
            raise InvalidInput("Unknown evaluator kind: {kind}.", kind=", ".join(sorted(unknown)))
        values["required_evaluations"] = states.stored_kinds({EvaluatorKind(k) for k in kinds})
    if grading is not None:
        if grading not in GRADING_LABELS:
            raise InvalidInput("Grading must be su or score.")
        values["grading"] = Grading(grading)
    if pass_score is not None:
        values["pass_score"] = clean_int(pass_score, N_("Pass score (%)"), low=0, high=100)
    return values


def _course_values(code: str, name_th: str, name_en: str, credits: object, kind: str) -> dict[str, Any]:
    return {
        "code": clean_code(code),
        "name_th": clean_text(name_th, N_("Thai name"), low=1),
        "name_en": clean_text(name_en, N_("English name"), low=1),
        "credits": clean_int(credits, N_("Credits"), low=1, high=10),
        "kind": clean_kind(kind),
    }


MISSING = {"course": N_("No such course."), "section": N_("No such section.")}


def get_row(session: Session, model: type[Any], row_id: int, what: str) -> Any:
    """The row of `model` with this id, or NotFound naming `what`."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(MISSING[what])
    return row


def _unique_code(session: Session, code: str, course_id: int | None = None) -> None:
    other = session.scalar(select(Course.id).where(Course.code == code))
    if other is not None and other != course_id:
        raise Conflict("A course with code {code} already exists.", code=code)


def _course_write(ctx: AppContext, actor: Actor, course_id: int | None, values: dict[str, Any]) -> CourseRow:
    with ctx.change(actor, *NAMESPACES) as change:
        session = change.session
        if "code" in values:
            _unique_code(session, values["code"], course_id)
        course = Course() if course_id is None else get_row(session, Course, course_id, "course")
        before = None if course_id is None else {k: getattr(course, k) for k in values}
        for key, value in values.items():
            setattr(course, key, value)
        if course_id is None:
            course.archived = False
            session.add(course)
        session.flush()
        action = "course.create" if course_id is None else "course.update"
        change.audit(action, "course", course.id, before=before, after=values)
        return _course_row(course)


def create_course(
    ctx: AppContext,
    *,
    actor: Actor,
    code: str,
    name_th: str,
    name_en: str,
    credits: object,
    kind: str,
    visit_count: object = 2,
    required_evaluations: Sequence[str] | None = ("supervisor", "advisor"),
    grading: str | None = "su",
    pass_score: object = 50,
) -> CourseRow:
    """Add a course; the code is unique after upper-casing."""
    require(actor, Permission.MANAGE_COURSES)
    values = _course_values(code, name_th, name_en, credits, kind)
    values |= _after_placement(visit_count, required_evaluations, grading, pass_score)
    return _course_write(ctx, actor, None, values)


def update_course(
    ctx: AppContext,
    *,
    actor: Actor,
    course_id: int,
    code: str,
    name_th: str,
    name_en: str,
    credits: object,
    kind: str,
    visit_count: object = None,
    required_evaluations: Sequence[str] | None = None,
    grading: str | None = None,
    pass_score: object = None,
) -> CourseRow:
    """Change a course's code, names, credits or kind, and (when given) its after-placement settings."""
    require(actor, Permission.MANAGE_COURSES)
    values = _course_values(code, name_th, name_en, credits, kind)
    values |= _after_placement(visit_count, required_evaluations, grading, pass_score)
    return _course_write(ctx, actor, course_id, values)


def set_course_archived(ctx: AppContext, *, actor: Actor, course_id: int, archived: bool) -> CourseRow:
    """Archive (hide from new work) or unarchive a course."""
    require(actor, Permission.MANAGE_COURSES)
    return _course_write(ctx, actor, course_id, {"archived": bool(archived)})


def list_courses(ctx: AppContext, *, actor: Actor, include_archived: bool = False) -> list[CourseRow]:
    """Courses by code; archived ones only when asked."""
    require(actor, Permission.VIEW_COURSES)
    stmt = select(Course).order_by(Course.code)
    if not include_archived:
        stmt = stmt.where(Course.archived.is_(False))
    with ctx.sessions.begin() as session:
        return [_course_row(c) for c in session.scalars(stmt)]
