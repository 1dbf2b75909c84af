"""The KPI tiles against the same point of the previous term, and the page's filter choices.

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
from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.i18n import N_
from core.progress import aggregates as sql
from core.progress import history
from core.progress.scope import NAMESPACE, ProgressFilters
from core.registrations.states import FUNNEL_STAGES, PLACED, Status, label
from core.terms import academic_year_of
from db.models import Course, CourseSection, Faculty, Program, Registration

S = Status
STATUS_TILES = (S.PLACED, S.IN_PROGRESS, S.COMPLETED, S.FAILED, S.WITHDRAWN)
KPI_LABELS = {"registered": N_("Registered"), "approved": N_("Approved")} | {
    s.value: label(s) for s in STATUS_TILES
}
# What each tile counts, shown beside it: "placed" is the one definition the rate and charts use (msgids).
KPI_DEFINITIONS = {
    "registered": N_("Every registration in the filtered terms."),
    "approved": N_("Reached at least advisor approval, whatever happened after."),
    S.PLACED.value: N_(
        "Holding a place now: placed, in progress or completed. "
        "The placement rate is this divided by Registered."
    ),
    S.IN_PROGRESS.value: N_("Interning now."),
    S.COMPLETED.value: N_("Finished the internship successfully."),
    S.FAILED.value: N_("Finished the internship without passing."),
    S.WITHDRAWN.value: N_("Withdrew at any stage."),
}
# Tiles where a rise is bad news (shown red, not green).
LOWER_IS_BETTER = frozenset({S.FAILED.value, S.WITHDRAWN.value})


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
    counts[S.PLACED.value] = sum(int(tally.get(status, 0)) for status in PLACED)
    counts["registered"] = int(frame["n"].sum())
    counts["approved"] = int(
        frame.loc[frame["stage"] >= FUNNEL_STAGES.index(Status.ADVISOR_APPROVED), "n"].sum()
    )
    return counts


def _previous_cutoff(first: datetime | None, prev_first: datetime | None, today: date) -> datetime | None:
    if first is None or prev_first is None:
        return None
    offset = max(0, (today - first.date()).days)
    return datetime.combine(prev_first.date() + timedelta(days=offset), time.max, tzinfo=UTC)


def status_stage(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    """Registrations per (status, furthest stage): the one query behind the KPIs and the funnel."""

    return ctx.cached(
        NAMESPACE,
        "progress.status_stage",
        filters.key(),
        lambda s: sql.status_stage_counts(s, filters),
        replica=True,
    )


def _kpi_counts(ctx: AppContext, filters: ProgressFilters, today: date) -> dict[str, Any]:
    current = _counts(status_stage(ctx, filters))
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
    return counts[S.PLACED.value] / counts["registered"]


def kpis(ctx: AppContext, *, actor: Actor, filters: ProgressFilters, target: float = 0.8) -> ProgressKpis:
    """Headline counts and placement rate, each against the same point of the previous term."""
    require(actor, Permission.VIEW_PROGRESS)
    if not 0 <= target <= 1:
        raise InvalidInput("The placement target must be between 0% and 100%.")
    today = clock.now().date()
    args = {**filters.key(), "today": today}
    raw = ctx.cache.get_or_compute(NAMESPACE, "progress.kpis", args, lambda: _kpi_counts(ctx, filters, today))
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
