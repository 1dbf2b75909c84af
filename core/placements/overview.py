"""Who is where and what is late: the placement lists (an advisor's students, the office's term view),
their export, and one placement's workspace (details, visits, evaluations, the completion check)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from core import clock
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.export import to_csv_bytes, to_excel_bytes, with_headers
from core.i18n import N_, Text, gettext
from core.placements.details import FIELDS, DateWindow, date_window
from core.placements.evaluations import EvaluationView, evaluation_view
from core.placements.rules import EDITABLE, NAMESPACE, placement_of, registration_for, rows_frame, today
from core.placements.visits import VisitView, visit_views, visitors
from core.registrations import states
from core.registrations.completion import completion_facts
from db.models import (
    Company,
    Course,
    CourseSection,
    Evaluation,
    EvaluationStatus,
    EvaluatorKind,
    Internship,
    Placement,
    Registration,
    Role,
    Student,
    User,
    Visit,
    VisitStatus,
)
from db.models import RegistrationStatus as S

MAX_ROWS = 500  # shown on a page; the export has every row
ACTIVE = tuple(s.value for s in (S.PLACED, S.IN_PROGRESS))
FINISHED = tuple(s.value for s in (S.COMPLETED, S.FAILED))
OVERDUE_KINDS = ("visits", "evaluations", "any")
HEADERS = {
    "registration_id": N_("Registration"),
    "student_code": N_("Student code"),
    "student": N_("Student"),
    "company": N_("Company"),
    "province": N_("Province"),
    "status": N_("Status"),
    "start_date": N_("First day"),
    "end_date": N_("Last day"),
    "visits_done": N_("Visits done"),
    "visit_count": N_("Visits required"),
    "next_visit": N_("Next visit"),
    "overdue_visits": N_("Visits overdue"),
    "evaluations_submitted": N_("Evaluations submitted"),
    "evaluations_overdue": N_("Evaluations overdue"),
    "advisor": N_("Advisor"),
    "final_score": N_("Score"),
    "final_result": N_("Result"),
}


@dataclass(frozen=True)
class PlacementFilters:
    """Which placements to list; None means any."""

    academic_year: int | None = None
    semester: int | None = None
    section_id: int | None = None
    finished: bool = False  # completed and failed too, not only placed and in progress
    overdue: str | None = None  # visits | evaluations | any


def _base(scope: Actor | None, f: PlacementFilters) -> Any:
    advisor = aliased(User)
    statuses = ACTIVE + (FINISHED if f.finished else ())
    stmt = (
        select(
            Registration.id.label("registration_id"),
            Student.student_code,
            (Student.first_name_th + " " + Student.last_name_th).label("student"),
            Company.name_th.label("company"),
            Company.province,
            Registration.status,
            Placement.id.label("placement_id"),
            Placement.start_date,
            Placement.end_date,
            Course.visit_count,
            advisor.full_name.label("advisor"),
            Placement.final_score,
            Placement.final_result,
        )
        .join(Student, Student.id == Registration.student_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(Internship, Internship.id == Registration.internship_id)
        .outerjoin(Company, Company.id == Internship.company_id)
        .outerjoin(advisor, advisor.id == Registration.advisor_id)
        .outerjoin(Placement, Placement.registration_id == Registration.id)
        .where(Registration.status.in_(statuses))
    )
    if scope is not None:
        stmt = stmt.where(Registration.advisor_id == scope.user_id)
    wanted = ((CourseSection.academic_year, f.academic_year), (CourseSection.semester, f.semester),
              (CourseSection.id, f.section_id))  # fmt: skip
    for column, value in wanted:
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def _visit_counts(session: Session, ids: list[int], now: datetime) -> pd.DataFrame:
    stmt = (
        select(
            Visit.placement_id,
            func.sum(case((Visit.status == VisitStatus.DONE, 1), else_=0)).label("visits_done"),
            func.min(case((Visit.status == VisitStatus.PLANNED, Visit.planned_at))).label("next_visit"),
            func.sum(
                case(((Visit.status == VisitStatus.PLANNED) & (Visit.planned_at < now), 1), else_=0)
            ).label("overdue_visits"),
        )
        .where(Visit.placement_id.in_(ids))
        .group_by(Visit.placement_id)
    )
    return rows_frame(session.execute(stmt), ["placement_id", "visits_done", "next_visit", "overdue_visits"])


def _evaluation_counts(session: Session, ids: list[int], on: date) -> pd.DataFrame:
    submitted = Evaluation.status == EvaluationStatus.SUBMITTED
    stmt = (
        select(
            Evaluation.placement_id,
            func.sum(case((submitted, 1), else_=0)),
            func.sum(case((~submitted & (Evaluation.due_on < on), 1), else_=0)),
        )
        .where(Evaluation.placement_id.in_(ids))
        .group_by(Evaluation.placement_id)
    )
    return rows_frame(session.execute(stmt), ["placement_id", "evaluations_submitted", "evaluations_overdue"])


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _frame(session: Session, scope: Actor | None, f: PlacementFilters) -> pd.DataFrame:
    base = rows_frame(session.execute(_base(scope, f)), _COLUMNS)
    ids = [int(i) for i in base["placement_id"].dropna()]
    now, on = clock.now(), today()
    visits = pd.concat(
        [_visit_counts(session, c, now) for c in _chunks(ids)] or [_visit_counts(session, [], now)]
    )
    evals = pd.concat(
        [_evaluation_counts(session, c, on) for c in _chunks(ids)] or [_evaluation_counts(session, [], on)]
    )
    frame = base.merge(visits, on="placement_id", how="left").merge(evals, on="placement_id", how="left")
    for column in ("visits_done", "overdue_visits", "evaluations_submitted", "evaluations_overdue"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["status"] = frame["status"].map(lambda s: getattr(s, "value", s))
    frame["final_result"] = frame["final_result"].map(lambda s: getattr(s, "value", s))
    frame["next_visit"] = pd.to_datetime(frame["next_visit"], utc=True)
    if f.overdue in ("visits", "any"):
        late = frame["overdue_visits"] > 0
        if f.overdue == "any":
            late |= frame["evaluations_overdue"] > 0
        frame = frame[late]
    elif f.overdue == "evaluations":
        frame = frame[frame["evaluations_overdue"] > 0]
    frame = frame.sort_values(["end_date", "student_code"], na_position="first", kind="stable")
    return frame[list(HEADERS)].reset_index(drop=True)


_COLUMNS = ("registration_id", "student_code", "student", "company", "province", "status", "placement_id",
            "start_date", "end_date", "visit_count", "advisor", "final_score", "final_result")  # fmt: skip


def _check(f: PlacementFilters) -> None:
    if f.overdue is not None and f.overdue not in OVERDUE_KINDS:
        raise InvalidInput("Unknown overdue filter: {value}.", value=f.overdue)


def _cached(ctx: AppContext, scope: Actor | None, f: PlacementFilters) -> pd.DataFrame:
    _check(f)
    args = {**asdict(f), "advisor": scope.user_id if scope else None, "day": today().isoformat()}
    return ctx.cached([NAMESPACE, "registrations"], "placements.list", args, lambda s: _frame(s, scope, f))


def my_students(
    ctx: AppContext, *, actor: Actor, finished: bool = False, overdue: str | None = None
) -> pd.DataFrame:
    """The signed-in advisor's placed students: the next visit, visits done, overdue evaluations."""
    require(actor, Permission.VIEW_MY_STUDENTS)
    return _cached(ctx, actor, PlacementFilters(finished=finished, overdue=overdue))


def list_placements(ctx: AppContext, *, actor: Actor, filters: PlacementFilters) -> pd.DataFrame:
    """The office's view of placements, filtered (an advisor sees only their own students)."""
    require(actor, Permission.VIEW_VISITS_EVALUATIONS)
    return _cached(ctx, actor if actor.role == Role.ADVISOR else None, filters)


def export_placements(
    ctx: AppContext, *, actor: Actor, filters: PlacementFilters, lang: str, fmt: str = "csv"
) -> bytes:
    """Every listed placement as CSV or Excel, headers and statuses in `lang`."""
    frame = list_placements(ctx, actor=actor, filters=filters).copy()
    frame["status"] = frame["status"].map(lambda s: gettext(lang, states.label(s)))
    frame["next_visit"] = frame["next_visit"].dt.tz_convert("UTC")
    out = with_headers(frame, HEADERS, lang)
    return to_excel_bytes(out, sheet_name="placements") if fmt == "xlsx" else to_csv_bytes(out)


@dataclass(frozen=True)
class PlacementView:
    """One placement as its workspace shows it, with what is still needed to complete it."""

    registration_id: int
    status: str
    version: int
    student_code: str
    student_th: str
    student_en: str
    company: str | None
    posting: str | None
    course_code: str
    section: str
    semester: int
    academic_year: int
    advisor: str | None
    details: dict[str, Any] | None
    visit_count: int
    required: tuple[str, ...]
    grading: str
    pass_score: int
    visits: tuple[VisitView, ...]
    evaluations: tuple[EvaluationView, ...]
    visitor_choices: tuple[tuple[int, str], ...]
    window: DateWindow
    completion_problems: tuple[Text, ...]
    final_score: Decimal | None
    final_result: str | None
    actions: tuple[str, ...]  # start / complete / fail, as the state machine allows this viewer
    editable: bool


def _facts(session: Session, reg: Registration) -> dict[str, Any]:
    advisor = aliased(User)
    row = session.execute(
        select(Student, Course, CourseSection, Internship.title, Company.name_th, advisor.full_name)
        .select_from(Registration)
        .join(Student, Student.id == Registration.student_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .join(Course, Course.id == CourseSection.course_id)
        .outerjoin(Internship, Internship.id == Registration.internship_id)
        .outerjoin(Company, Company.id == Internship.company_id)
        .outerjoin(advisor, advisor.id == Registration.advisor_id)
        .where(Registration.id == reg.id)
    ).one()
    student, course, section, title, company, advisor_name = row
    return {
        "student_code": student.student_code,
        "student_th": f"{student.first_name_th} {student.last_name_th}",
        "student_en": f"{student.first_name_en} {student.last_name_en}",
        "company": company,
        "posting": title,
        "course_code": course.code,
        "section": section.section,
        "semester": section.semester,
        "academic_year": section.academic_year,
        "advisor": advisor_name,
        "visit_count": course.visit_count,
        "required": tuple(k.value for k in states.required_kinds(course.required_evaluations)),
        "grading": course.grading.value,
        "pass_score": course.pass_score,
    }


def _names(session: Session, ids: list[int]) -> tuple[tuple[int, str], ...]:
    names = (
        dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
    )
    return tuple((i, str(names[i])) for i in ids if i in names)


def placement_workspace(ctx: AppContext, *, actor: Actor, registration_id: int) -> PlacementView:
    """One placement: details, visits, evaluations, what completion still needs, and the actions open now."""
    with ctx.sessions.begin() as session:
        reg = registration_for(session, actor, registration_id)
        if reg.status not in states.REACHED_PLACEMENT:
            raise InvalidInput("Registration {id} is not placed.", id=reg.id)
        placement = placement_of(session, reg.id)
        on = today()
        evaluations: tuple[EvaluationView, ...] = ()
        if placement is not None:
            rows = session.scalars(select(Evaluation).where(Evaluation.placement_id == placement.id))
            order = {k: n for n, k in enumerate(states.KIND_LABELS)}
            evaluations = tuple(sorted((evaluation_view(session, r, on) for r in rows),
                                       key=lambda e: order[EvaluatorKind(e.kind)]))  # fmt: skip
        problems: tuple[Text, ...] = ()
        if reg.status == S.IN_PROGRESS:
            problems = tuple(states.completion_problems(completion_facts(session, reg.id)))
        own = reg.advisor_id == actor.user_id
        actions = tuple(t.action for t in states.allowed(actor.role, reg.status, own_advisee=own)
                        if t.action in ("start", "complete", "fail"))  # fmt: skip
        settings = ctx.settings
        return PlacementView(
            registration_id=reg.id,
            status=reg.status.value,
            version=reg.version,
            details=None if placement is None else {k: _plain(getattr(placement, k)) for k in FIELDS},
            visits=() if placement is None else visit_views(session, placement.id),
            evaluations=evaluations,
            visitor_choices=_names(session, visitors(session, reg)),
            window=date_window(
                session, reg.section_id, settings.term_calendar, settings.placement_margin_days
            ),
            completion_problems=problems,
            final_score=None if placement is None else placement.final_score,
            final_result=None
            if placement is None or placement.final_result is None
            else placement.final_result.value,
            actions=actions,
            editable=reg.status in EDITABLE,
            **_facts(session, reg),
        )


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)
