"""The dashboard's charts: the funnel, registrations over time, breakdowns (top N + Others), and the
registrations behind a clicked bar or stage.
"""

from __future__ import annotations

import pandas as pd

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput
from core.i18n import N_, utc_offset_minutes
from core.progress import aggregates as sql
from core.progress import rows
from core.progress.kpis import status_stage
from core.progress.rows import Drilldown
from core.progress.scope import NAMESPACE, ProgressFilters
from core.registrations.states import FUNNEL_STAGES

DIMENSIONS = {
    "faculty": ("faculty_id", "faculty"),
    "program": ("program_id", "program"),
    "course": ("course_id", "course"),
    "company": ("company_id", "company"),
    "province": ("province", "province"),
}
OTHERS = N_("Others")  # the bar that sums the groups below the top (a msgid)


def _funnel(ctx: AppContext, filters: ProgressFilters) -> pd.DataFrame:
    frame = status_stage(ctx, filters)
    reached = [int(frame.loc[frame["stage"] >= i, "n"].sum()) for i in range(len(FUNNEL_STAGES))]
    return pd.DataFrame({"stage": [s.value for s in FUNNEL_STAGES], "reached": reached})


def funnel(ctx: AppContext, *, actor: Actor, filters: ProgressFilters) -> pd.DataFrame:
    """Registrations that reached at least each stage of the positive path (stage, reached)."""
    require(actor, Permission.VIEW_PROGRESS)
    return ctx.cache.get_or_compute(
        NAMESPACE, "progress.funnel", filters.key(), lambda: _funnel(ctx, filters)
    )


def _timeline(ctx: AppContext, filters: ProgressFilters, freq: str) -> pd.DataFrame:
    with ctx.sessions.begin() as session:
        days = sql.submitted_per_day(session, filters, utc_offset_minutes())
    period = days["day"].dt.to_period(freq).dt.start_time
    frame = days.assign(period=period).groupby(["period", "status"])["n"].sum().rename("registrations")
    return frame.reset_index().sort_values(["period", "status"], ignore_index=True)


def timeline(ctx: AppContext, *, actor: Actor, filters: ProgressFilters, freq: str = "W") -> pd.DataFrame:
    """Registrations per week ("W") or month ("M") of submission in the office's zone, by current status."""
    require(actor, Permission.VIEW_PROGRESS)
    if freq not in ("W", "M"):
        raise InvalidInput("Choose weeks or months.")
    args = {**filters.key(), "freq": freq}
    return ctx.cache.get_or_compute(
        NAMESPACE, "progress.timeline", args, lambda: _timeline(ctx, filters, freq)
    )


def _group_counts(ctx: AppContext, filters: ProgressFilters, base: str) -> pd.DataFrame:
    args = {**filters.key(), "base": base}
    return ctx.cached(
        NAMESPACE, "progress.group_counts", args, lambda s: sql.group_counts(s, filters, base), replica=True
    )


def _group_names(ctx: AppContext, dimension: str) -> pd.DataFrame:
    namespace = (sql.NAMES_NAMESPACE[dimension],)
    args = {"dimension": dimension}
    return ctx.cached(
        namespace, "progress.group_names", args, lambda s: sql.group_names(s, dimension), replica=True
    )


def _breakdown(ctx: AppContext, filters: ProgressFilters, dimension: str, top: int) -> pd.DataFrame:
    counts = _group_counts(ctx, filters, sql.BASE_OF[dimension]).merge(_group_names(ctx, dimension), on="gid")
    grouped = counts.groupby(["key", "label"])[["registrations", "placed_students"]].sum().reset_index()
    grouped = grouped.sort_values(["registrations", "label"], ascending=[False, True], ignore_index=True)
    head, rest = grouped.head(top), grouped.iloc[top:]
    if not rest.empty:
        others = {"key": OTHERS, "label": OTHERS, "registrations": rest["registrations"].sum()}
        head = pd.concat(
            [head, pd.DataFrame([{**others, "placed_students": rest["placed_students"].sum()}])],
            ignore_index=True,
        )
    columns = ["key", "label", "registrations", "placed_students"]
    return head.astype({"registrations": int, "placed_students": int})[columns]


def breakdown(
    ctx: AppContext, *, actor: Actor, filters: ProgressFilters, dimension: str, top: int = 10
) -> pd.DataFrame:
    """Registrations and placements per faculty/program/course/company/province: top N + Others."""
    require(actor, Permission.VIEW_PROGRESS)
    if dimension not in DIMENSIONS:
        raise InvalidInput("Unknown breakdown: {dimension}.", dimension=dimension)
    top = max(1, min(int(top), 50))
    args = {**filters.key(), "dimension": dimension, "top": top}
    # Counts change with registrations, labels with their own writers (a company renamed, say).
    namespaces = (*NAMESPACE, sql.NAMES_NAMESPACE[dimension])
    return ctx.cache.get_or_compute(
        namespaces, "progress.breakdown", args, lambda: _breakdown(ctx, filters, dimension, top)
    )


def drilldown(
    ctx: AppContext, *, actor: Actor, dimension: str, value: str, filters: ProgressFilters
) -> Drilldown:
    """The registrations behind a bar or funnel stage: id, student, status, days in state (longest first)."""
    require(actor, Permission.VIEW_PROGRESS)
    return rows.drilldown(ctx, filters, dimension, value)


def export_frame(
    ctx: AppContext, *, actor: Actor, filters: ProgressFilters, lang: str = "en"
) -> pd.DataFrame:
    """The filtered registrations behind every chart, one row each, for CSV/Excel export, as `lang`
    reads them (headers, status names, years and times)."""
    require(actor, Permission.VIEW_PROGRESS)
    return rows.localised(rows.export_rows(ctx, filters), lang)
