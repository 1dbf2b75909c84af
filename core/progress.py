"""Managers' progress: KPIs against last term, the funnel, trends, breakdowns and drill-downs.

"The same point of the previous term": a term starts at its earliest registration's
submitted_at. Today is d whole days (UTC) after the current term's start; the previous term
(same filters, academic year - 1) is counted as it stood at the end of day (its start + d):
registrations submitted by then, each in the state of its last event at or before then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import exists, select

from core import clock
from core import progress_data as data
from core import progress_history as history
from core import progress_rows as rows
from core import progress_sql as sql
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.progress_data import PLACED, STAGES, ProgressFilters
from core.progress_rows import Drilldown
from core.terms import academic_year_of
from db.models import Course, CourseSection, Faculty, Program, Registration

__all__ = [
    "Drilldown",
    "ProgressFilters",
    "breakdown",
    "drilldown",
    "filter_options",
    "funnel",
    "kpis",
    "timeline",
]

KPI_LABELS = {
    "registered": "Registered",
    "approved": "Approved",
    "placed": "Placed",
    "in_progress": "In progress",
    "completed": "Completed",
    "failed": "Failed",
    "withdrawn": "Withdrawn",
}
# What each tile counts, shown beside it: "placed" is the one definition the rate and charts use.
KPI_DEFINITIONS = {
    "registered": "Every registration in the filtered terms.",
    "approved": "Reached at least advisor approval, whatever happened after.",
    "placed": "Holding a place now: placed, in progress or completed. The placement rate is this "
    "divided by Registered.",
    "in_progress": "Interning now.",
    "completed": "Finished the internship successfully.",
    "failed": "Finished the internship without passing.",
    "withdrawn": "Withdrew at any stage.",
}
# Tiles where a rise is bad news (shown red, not green).
LOWER_IS_BETTER = frozenset({"failed", "withdrawn"})
DIMENSIONS = {
    "faculty": ("faculty_id", "faculty"),
    "program": ("program_id", "program"),
    "course": ("course_id", "course"),
    "company": ("company_id", "company"),
    "province": ("province", "province"),
}
OTHERS = "Others"


@dataclass(frozen=True)
class Kpi:
    """One headline count and the same count at the same point of the previous term."""

    key: str
    label: str
    value: int
    previous: int | None

    @property
    def definition(self) -> str:
        """What the tile counts."""
        return KPI_DEFINITIONS[self.key]

    @property
    def lower_is_better(self) -> bool:
        """Whether a rise against last term is bad news."""
        return self.key in LOWER_IS_BETTER

    @property
    def delta(self) -> int | None:
        """Change against the previous term (None when there is nothing to compare)."""
        return None if self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class ProgressKpis:
    """The KPI tiles: counts, placement rate against its target, and the comparison point."""

    kpis: tuple[Kpi, ...]
    placement_rate: float | None
    previous_rate: float | None
    target: float
    previous_cutoff: datetime | None

    @property
    def meets_target(self) -> bool:
        """Whether the placement rate reaches the target."""
        return self.placement_rate is not None and self.placement_rate >= self.target


@dataclass(frozen=True)
class FilterOptions:
    """Choices for the page's filter widgets: (id, label) pairs, the known years and the one to open on."""

    years: tuple[int, ...]
    faculties: tuple[tuple[int, str], ...]
    programs: tuple[tuple[int, str], ...]
    courses: tuple[tuple[int, str], ...]
    program_faculty: dict[int, int]
    default_year: int | None

    def programs_of(self, faculty_id: int | None) -> tuple[tuple[int, str], ...]:
        """The programs of one faculty (all of them when no faculty is chosen)."""
        if faculty_id is None:
            return self.programs
        return tuple(p for p in self.programs if self.program_faculty.get(p[0]) == faculty_id)


def opening_year(years_with_registrations: set[int], current: int) -> int | None:
    """The year the page opens on: the current academic year if it has registrations, else the latest one."""
    if current in years_with_registrations:
        return current
    return max(years_with_registrations, default=None)


def filter_options(ctx: AppContext, *, actor: Actor) -> FilterOptions:
    """The academic years, faculties, programs and courses to filter by, and the year to open on."""
    require(actor, Permission.VIEW_PROGRESS)
    used = exists().where(Registration.section_id == CourseSection.id)
    with ctx.sessions.begin() as session:
        years = {int(y) for y in session.scalars(select(CourseSection.academic_year).distinct())}
        busy = {int(y) for y in session.scalars(select(CourseSection.academic_year).where(used).distinct())}
        faculties = session.execute(select(Faculty.id, Faculty.name_th).order_by(Faculty.code)).all()
        programs = session.execute(
            select(Program.id, Program.name_th, Program.faculty_id).order_by(Program.code)
        ).all()
        courses = session.execute(select(Course.id, Course.code + " " + Course.name_th).order_by(Course.code))
        current = academic_year_of(clock.now().date(), ctx.settings.term_calendar)
        return FilterOptions(
            years=tuple(sorted(years, reverse=True)),
            faculties=tuple((int(i), str(n)) for i, n in faculties),
            programs=tuple((int(i), str(n)) for i, n, _ in programs),
            courses=tuple((int(i), str(n)) for i, n in courses.all()),
            program_faculty={int(i): int(f) for i, _, f in programs},
            default_year=opening_year(busy, current),
        )


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    tally = frame.groupby("status")["n"].sum()
    counts = {key: int(tally.get(key, 0)) for key in KPI_LABELS}
    counts["placed"] = sum(int(tally.get(status, 0)) for status in PLACED)
    counts["registered"] = int(frame["n"].sum())
    counts["approved"] = int(frame.loc[frame["stage"] >= STAGES.index("advisor_approved"), "n"].sum())
    return counts


def _previous_cutoff(first: datetime | None, prev_first: datetime | None, today: date) -> datetime | None:
    if first is None or prev_first is None:
        return None
    offset = max(0, (today - first.date()).days)
    return datetime.combine(prev_first.date() + timedelta(days=offset), time.max, tzinfo=UTC)


def _status_stage(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    """Registrations per (status, furthest stage): the one query behind the KPIs and the funnel."""

    def compute() -> pd.DataFrame:
        with ctx.sessions.begin() as session:
            return sql.status_stage_counts(session, filters)

    return ctx.cache.get_or_compute(data.NAMESPACE, "progress.status_stage", filters.key(), compute)


def _kpi_counts(ctx: AppContext, filters: ProgressFilters, today: date) -> dict[str, Any]:
    current = _counts(_status_stage(ctx, filters))
    result: dict[str, Any] = {"current": current, "previous": None, "cutoff": None}
    previous = filters.previous_term()
    if previous is None:
        return result
    with ctx.sessions.begin() as session:
        first = sql.first_submitted(session, filters)
        cutoff = _previous_cutoff(first, sql.first_submitted(session, previous), today)
        if cutoff is not None:
            result["previous"] = _counts(history.counts_at(session, previous, cutoff))
            result["cutoff"] = cutoff.isoformat()
    return result


def _rate(counts: dict[str, int] | None) -> float | None:
    if not counts or not counts["registered"]:
        return None
    return counts["placed"] / counts["registered"]


def kpis(ctx: AppContext, *, actor: Actor, filters: ProgressFilters, target: float = 0.8) -> ProgressKpis:
    """Headline counts and placement rate, each against the same point of the previous term."""
    require(actor, Permission.VIEW_PROGRESS)
    if not 0 <= target <= 1:
        raise InvalidInput("The placement target must be between 0% and 100%.")
    today = clock.now().date()
    args = {**filters.key(), "today": today}
    raw = ctx.cache.get_or_compute(
        data.NAMESPACE, "progress.kpis", args, lambda: _kpi_counts(ctx, filters, today)
    )
    current, previous = raw["current"], raw["previous"]
    return ProgressKpis(
        kpis=tuple(
            Kpi(k, label, int(current[k]), None if previous is None else int(previous[k]))
            for k, label in KPI_LABELS.items()
        ),
        placement_rate=_rate(current),
        previous_rate=_rate(previous),
        target=target,
        previous_cutoff=datetime.fromisoformat(raw["cutoff"]) if raw["cutoff"] else None,
    )


def _funnel(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    frame = _status_stage(ctx, filters)
    reached = [int(frame.loc[frame["stage"] >= i, "n"].sum()) for i in range(len(STAGES))]
    return pd.DataFrame({"stage": list(STAGES), "reached": reached})


def funnel(ctx: AppContext, *, actor: Actor, filters: ProgressFilters) -> pd.DataFrame:
    """Registrations that reached at least each stage of the positive path (stage, reached)."""
    require(actor, Permission.VIEW_PROGRESS)
    return ctx.cache.get_or_compute(
        data.NAMESPACE, "progress.funnel", filters.key(), lambda: _funnel(ctx, filters)
    )


def _timeline(ctx: AppContext, filters: ProgressFilters, freq: str) -> pd.DataFrame:
    with ctx.sessions.begin() as session:
        days = sql.submitted_per_day(session, filters)
    period = days["day"].dt.to_period(freq).dt.start_time
    frame = days.assign(period=period).groupby(["period", "status"])["n"].sum().rename("registrations")
    return frame.reset_index().sort_values(["period", "status"], ignore_index=True)


def timeline(ctx: AppContext, *, actor: Actor, filters: ProgressFilters, freq: str = "W") -> pd.DataFrame:
    """Registrations per week ("W") or month ("M") of submission, by current status (UTC)."""
    require(actor, Permission.VIEW_PROGRESS)
    if freq not in ("W", "M"):
        raise InvalidInput("Choose weeks or months.")
    args = {**filters.key(), "freq": freq}
    return ctx.cache.get_or_compute(
        data.NAMESPACE, "progress.timeline", args, lambda: _timeline(ctx, filters, freq)
    )


def _group_counts(ctx: AppContext, filters: ProgressFilters, base: str) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        with ctx.sessions.begin() as session:
            return sql.group_counts(session, filters, base)

    args = {**filters.key(), "base": base}
    return ctx.cache.get_or_compute(data.NAMESPACE, "progress.group_counts", args, compute)


def _group_names(ctx: AppContext, dimension: str) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        with ctx.sessions.begin() as session:
            return sql.group_names(session, dimension)

    namespace = (sql.NAMES_NAMESPACE[dimension],)
    return ctx.cache.get_or_compute(namespace, "progress.group_names", {"dimension": dimension}, compute)


def _breakdown(ctx: AppContext, filters: ProgressFilters, dimension: str, top: int) -> pd.DataFrame:
    counts = _group_counts(ctx, filters, sql.BASE_OF[dimension]).merge(_group_names(ctx, dimension), on="gid")
    grouped = counts.groupby(["key", "label"])[["registrations", "placed"]].sum().reset_index()
    grouped = grouped.sort_values(["registrations", "label"], ascending=[False, True], ignore_index=True)
    head, rest = grouped.head(top), grouped.iloc[top:]
    if not rest.empty:
        others = {"key": OTHERS, "label": OTHERS, "registrations": rest["registrations"].sum()}
        head = pd.concat(
            [head, pd.DataFrame([{**others, "placed": rest["placed"].sum()}])], ignore_index=True
        )
    return head.astype({"registrations": int, "placed": int})[["key", "label", "registrations", "placed"]]


def breakdown(
    ctx: AppContext, *, actor: Actor, filters: ProgressFilters, dimension: str, top: int = 10
) -> pd.DataFrame:
    """Registrations and placements per faculty/program/course/company/province: top N + Others."""
    require(actor, Permission.VIEW_PROGRESS)
    if dimension not in DIMENSIONS:
        raise InvalidInput(f"Unknown breakdown: {dimension}.")
    top = max(1, min(int(top), 50))
    args = {**filters.key(), "dimension": dimension, "top": top}
    # Counts change with registrations, labels with their own writers (a company renamed, say).
    namespaces = (*data.NAMESPACE, sql.NAMES_NAMESPACE[dimension])
    return ctx.cache.get_or_compute(
        namespaces, "progress.breakdown", args, lambda: _breakdown(ctx, filters, dimension, top)
    )


def drilldown(
    ctx: AppContext, *, actor: Actor, dimension: str, value: str, filters: ProgressFilters
) -> Drilldown:
    """The registrations behind a bar or funnel stage: id, student, status, days in state (longest first)."""
    require(actor, Permission.VIEW_PROGRESS)
    return rows.drilldown(ctx, filters, dimension, value)


def export_frame(ctx: AppContext, *, actor: Actor, filters: ProgressFilters) -> pd.DataFrame:
    """The filtered registrations behind every chart, one row each, for CSV/Excel export."""
    require(actor, Permission.VIEW_PROGRESS)
    return rows.export_rows(ctx, filters)
