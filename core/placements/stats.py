"""The managers' view of after placement, read only: visit coverage per faculty, evaluation
completeness over time, and the score distribution per company or program with its rows.

Each is one GROUP BY (or one narrow read) over the placements of the chosen academic year,
cached under the "placements" namespace; pandas only buckets months and takes quantiles.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.i18n import N_
from core.placements.rules import NAMESPACE, rows_frame, today
from core.registrations import states
from db.models import (
    Company,
    CourseSection,
    Evaluation,
    EvaluationStatus,
    EvaluatorKind,
    Faculty,
    Internship,
    Placement,
    Program,
    Registration,
    Student,
    Visit,
    VisitStatus,
)

PLACED = tuple(s.value for s in states.REACHED_PLACEMENT)
GROUPS = {"company": N_("Company"), "program": N_("Program")}
TOP_GROUPS = 25
NAMESPACES = [NAMESPACE, "registrations"]


@dataclass(frozen=True)
class StatsFilters:
    """The academic year (CE) to read; None: every year."""

    academic_year: int | None = None


def _in_year(stmt: Any, f: StatsFilters) -> Any:
    stmt = stmt.join(CourseSection, CourseSection.id == Registration.section_id)
    return stmt if f.academic_year is None else stmt.where(CourseSection.academic_year == f.academic_year)


def stats_years(ctx: AppContext, *, actor: Actor) -> tuple[int, ...]:
    """The academic years that have placements, newest first."""
    require(actor, Permission.VIEW_PLACEMENT_STATS)
    stmt = (
        select(CourseSection.academic_year)
        .distinct()
        .join(Registration, Registration.section_id == CourseSection.id)
        .join(Placement, Placement.registration_id == Registration.id)
    )

    def read(session: Any) -> list[int]:
        return sorted((int(y) for y in session.scalars(stmt)), reverse=True)

    return tuple(ctx.cached(NAMESPACES, "placements.years", {}, read, replica=True))


def _coverage(session: Any, f: StatsFilters) -> pd.DataFrame:
    # Per placed registration of the year, its done visits: one dive into (placement_id, status, ...)
    # each, rather than grouping every visit of every year first.
    done = (
        select(func.count())
        .where(Visit.placement_id == Placement.id, Visit.status == VisitStatus.DONE)
        .correlate(Placement)
        .scalar_subquery()
    )
    per_student = _in_year(
        select(Program.faculty_id.label("faculty_id"), func.coalesce(done, 0).label("visits"))
        .select_from(Registration)
        .join(Student, Student.id == Registration.student_id)
        .join(Program, Program.id == Student.program_id)
        .outerjoin(Placement, Placement.registration_id == Registration.id)
        .where(Registration.status.in_(PLACED)),
        f,
    ).subquery()
    # Grouped by the faculty's id alone: a GROUP BY over a Thai-collated name calls the collation for
    # every row (SQLite runs it in Python: ten times the whole query at 200k registrations).
    per_faculty = (
        select(
            per_student.c.faculty_id,
            func.count().label("students"),
            func.sum(case((per_student.c.visits > 0, 1), else_=0)).label("visited"),
            func.sum(per_student.c.visits).label("visits"),
        )
        .group_by(per_student.c.faculty_id)
        .subquery()
    )
    stmt = (
        select(
            Faculty.id,
            Faculty.name_th,
            Faculty.name_en,
            per_faculty.c.students,
            per_faculty.c.visited,
            per_faculty.c.visits,
        )
        .join(per_faculty, per_faculty.c.faculty_id == Faculty.id)
        .order_by(Faculty.id)
    )
    frame = rows_frame(
        session.execute(stmt),
        ["faculty_id", "faculty_th", "faculty_en", "students", "visited", "visits"],
    )
    for column in ("students", "visited", "visits"):
        frame[column] = frame[column].astype(int)
    frame["coverage"] = (100 * frame["visited"] / frame["students"].where(frame["students"] > 0)).round(1)
    frame["visits_per_student"] = (frame["visits"] / frame["students"].where(frame["students"] > 0)).round(2)
    return frame


def visit_coverage(ctx: AppContext, *, actor: Actor, filters: StatsFilters) -> pd.DataFrame:
    """Per faculty: placed students, those visited at least once (and the share), visits per student
    (columns students, visited, coverage, visits, visits_per_student)."""
    require(actor, Permission.VIEW_PLACEMENT_STATS)
    return ctx.cached(
        NAMESPACES, "placements.coverage", asdict(filters), lambda s: _coverage(s, filters), replica=True
    )


def _completeness(session: Any, f: StatsFilters) -> pd.DataFrame:
    submitted = Evaluation.status == EvaluationStatus.SUBMITTED
    stmt = _in_year(
        select(Evaluation.due_on, Evaluation.kind, func.count(), func.sum(case((submitted, 1), else_=0)))
        .select_from(Evaluation)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .join(Registration, Registration.id == Placement.registration_id)
        .where(Registration.status.in_(PLACED)),  # evaluations belong to placed registrations only
        f,
    ).group_by(Evaluation.due_on, Evaluation.kind)
    rows = rows_frame(session.execute(stmt), ["due_on", "kind", "due", "handed_in"])
    rows = rows[rows["due_on"] <= today()]  # what has fallen due so far
    if rows.empty:
        return pd.DataFrame(columns=["month", "kind", "due", "handed_in", "completeness"])
    rows["kind"] = rows["kind"].map(lambda k: EvaluatorKind(k).value)
    rows["month"] = pd.to_datetime(rows["due_on"]).dt.to_period("M").dt.to_timestamp()
    out = rows.groupby(["month", "kind"], as_index=False)[["due", "handed_in"]].sum()
    out["completeness"] = (100 * out["handed_in"] / out["due"]).round(1)
    return out.sort_values(["month", "kind"]).reset_index(drop=True)


def evaluation_completeness(ctx: AppContext, *, actor: Actor, filters: StatsFilters) -> pd.DataFrame:
    """Per month of the due date and evaluator kind: evaluations due so far, submitted, and the share."""
    require(actor, Permission.VIEW_PLACEMENT_STATS)
    args = {**asdict(filters), "day": today().isoformat()}
    return ctx.cached(
        NAMESPACES, "placements.completeness", args, lambda s: _completeness(s, filters), replica=True
    )


def _group_columns(by: str) -> tuple[Any, Any, Any]:
    if by == "company":
        return Company.id, Company.name_th, Company.name_en
    if by == "program":
        return Program.id, Program.name_th, Program.name_en
    raise InvalidInput("Scores are grouped by company or program, not {by}.", by=by)


def _scores(by: str, f: StatsFilters) -> Any:
    group_id, name_th, name_en = _group_columns(by)
    stmt = (
        select(
            group_id,
            name_th,
            name_en,
            Placement.final_score,
            Registration.id,
            Student.student_code,
            (Student.first_name_th + " " + Student.last_name_th),
            Placement.final_result,
            Placement.end_date,
        )
        .select_from(Placement)
        .join(Registration, Registration.id == Placement.registration_id)
        .join(Student, Student.id == Registration.student_id)
        .join(Program, Program.id == Student.program_id)
        .join(Internship, Internship.id == Registration.internship_id)
        .join(Company, Company.id == Internship.company_id)
        .where(Registration.status == states.Status.COMPLETED, Placement.final_score.is_not(None))
    )
    return _in_year(stmt, f)


def _score_points(by: str, f: StatsFilters) -> Any:
    """(group, score) of every completed placement of the year: what the distribution needs, no more."""
    stmt = (
        select(Internship.company_id if by == "company" else Student.program_id, Placement.final_score)
        .select_from(Registration)
        .join(Placement, Placement.registration_id == Registration.id)
        .where(Registration.status == states.Status.COMPLETED, Placement.final_score.is_not(None))
    )
    if by == "company":
        stmt = stmt.join(Internship, Internship.id == Registration.internship_id)
    else:
        stmt = stmt.join(Student, Student.id == Registration.student_id)
    return _in_year(stmt, f)


SCORE_COLUMNS = [
    "group_id",
    "name_th",
    "name_en",
    "score",
    "registration_id",
    "student_code",
    "student",
    "result",
    "end_date",
]


def _distribution(session: Any, by: str, f: StatsFilters) -> pd.DataFrame:
    rows = rows_frame(session.execute(_score_points(by, f)), ["group_id", "score"])
    columns = ["group_id", "name_th", "name_en", "students", "mean", "min", "q1", "median", "q3", "max"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["score"] = rows["score"].astype(float)
    grouped = rows.groupby("group_id")["score"]
    out = grouped.agg(students="count", mean="mean", min="min", max="max")
    out = out.join(grouped.quantile([0.25, 0.5, 0.75]).unstack().set_axis(["q1", "median", "q3"], axis=1))
    out = out.reset_index().sort_values(["students", "mean"], ascending=[False, False]).head(TOP_GROUPS)
    group_id, name_th, name_en = _group_columns(by)
    names = session.execute(
        select(group_id, name_th, name_en).where(group_id.in_([int(g) for g in out["group_id"]]))
    )
    out = out.merge(pd.DataFrame(names.all(), columns=["group_id", "name_th", "name_en"]), on="group_id")
    return out[columns].round(2).reset_index(drop=True)


def score_distribution(ctx: AppContext, *, actor: Actor, filters: StatsFilters, by: str) -> pd.DataFrame:
    """The final scores per company or program (the TOP_GROUPS with most students): count, mean, quartiles."""
    require(actor, Permission.VIEW_PLACEMENT_STATS)
    _group_columns(by)
    args = {**asdict(filters), "by": by}
    return ctx.cached(
        NAMESPACES, "placements.scores", args, lambda s: _distribution(s, by, filters), replica=True
    )


def score_drilldown(
    ctx: AppContext, *, actor: Actor, filters: StatsFilters, by: str, group_id: int
) -> pd.DataFrame:
    """The students behind one company's or program's scores."""
    require(actor, Permission.VIEW_PLACEMENT_STATS)
    group_column = _group_columns(by)[0]

    def read(session: Any) -> pd.DataFrame:
        stmt = (
            _scores(by, filters).where(group_column == int(group_id)).order_by(Placement.final_score.desc())
        )
        rows = rows_frame(session.execute(stmt), SCORE_COLUMNS)
        rows["score"] = rows["score"].astype(float)
        rows["result"] = rows["result"].map(lambda r: getattr(r, "value", r))
        return rows[["registration_id", "student_code", "student", "score", "result", "end_date"]]

    args = {**asdict(filters), "by": by, "group": int(group_id)}
    return ctx.cached(NAMESPACES, "placements.score_rows", args, read, replica=True)
