"""The progress page's tabs. Only the open tab runs: each costs a query or more when the cache is cold.

The open tab is kept in the URL (?progress_tab=...), so a manager can share the view they are on.
"""

import streamlit as st

from core import progress
from core.access import Actor
from core.context import AppContext
from core.i18n import N_
from core.progress import ProgressFilters
from core.registrations import states
from pages import _charts as charts
from pages import _progress_widgets as widgets
from pages._ui import _, formatted, run_action

TABS = (N_("Funnel"), N_("Over time"), N_("Breakdowns"), N_("Bottlenecks"), N_("Queue"))

BREAKDOWNS = {  # each dimension's chart title and axis (msgids)
    "faculty": (N_("Registrations by faculty"), N_("Faculty")),
    "program": (N_("Registrations by program"), N_("Program")),
    "course": (N_("Registrations by course"), N_("Course")),
    "company": (N_("Registrations by company"), N_("Company")),
    "province": (N_("Registrations by province"), N_("Province")),
}


def funnel(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Registrations reaching each stage; a click drills down."""
    frame = run_action(lambda: progress.funnel(ctx, actor=actor, filters=filters))
    if frame is not None:
        widgets.chart(charts.funnel(frame), "chart_funnel", "stage")
        st.caption(
            _(
                "Each stage counts registrations that ever reached it, whatever happened after; "
                "the Placed tile counts those holding a place now."
            )
        )


def over_time(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Registrations per week or month of submission, by status."""
    freq = st.radio(
        _("Per"),
        ["W", "M"],
        format_func=formatted("WM", lambda f: _("week") if f == "W" else _("month")),
        horizontal=True,
    )
    frame = run_action(lambda: progress.timeline(ctx, actor=actor, filters=filters, freq=freq))
    if frame is not None:
        widgets.chart(charts.timeline(frame, "week" if freq == "W" else "month"), "chart_timeline", "status")


def breakdowns(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Top groups per faculty, program, course, company and province."""
    top = st.slider(_("Show the top"), min_value=3, max_value=30, value=10)
    for dimension in progress.DIMENSIONS:
        frame = run_action(
            lambda d=dimension: progress.breakdown(ctx, actor=actor, filters=filters, dimension=d, top=top)
        )
        if frame is not None:
            title, axis = BREAKDOWNS[dimension]
            fig = charts.breakdown(frame, _(title), _(axis))
            widgets.chart(fig, f"chart_{dimension}", dimension)


def bottlenecks(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Days spent per state and per approver: reads every timeline event, so only when asked."""
    times = None
    if st.toggle(_("Show bottlenecks (slower: reads every timeline event)"), key="progress_bottlenecks"):
        times = run_action(lambda: progress.time_in_state(ctx, actor=actor, filters=filters))
    if times and not times.per_stage.empty:
        st.plotly_chart(charts.stage_times(times.per_stage), key="chart_stage_times")
        stages = list(times.per_stage["state"])
        state = st.selectbox(_("Approvers for state"), stages, format_func=formatted(stages, charts.label))
        st.plotly_chart(charts.approver_times(times.per_approver, state), key="chart_approvers")
    elif times:
        st.info(_("No finished steps yet for these filters. Widen the filters or come back later."))


def queue(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """The open queue's ages, who holds overdue items, and the oldest items."""
    ageing = run_action(lambda: progress.queue_ageing(ctx, actor=actor, filters=filters))
    if ageing is None:
        return
    st.plotly_chart(charts.queue(ageing.by_state), key="chart_queue")
    st.caption(widgets.overdue_definition(ageing.overdue_days))
    if not ageing.overdue_by_approver.empty:
        st.plotly_chart(charts.overdue(ageing.overdue_by_approver, ageing.overdue_days), key="chart_overdue")
    st.subheader(_("Oldest open registrations"))
    oldest = ageing.oldest.round({"days_in_state": 1})
    st.dataframe(
        oldest.assign(status=[_(states.label(s)) for s in oldest["status"]]),
        hide_index=True,
        width="stretch",
        column_config={c: _(label) for c, label in widgets.DRILL_COLUMNS.items()},
    )


VIEWS = (funnel, over_time, breakdowns, bottlenecks, queue)


def show(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """The tab strip; runs the open tab's view only."""
    tabs = st.tabs([_(t) for t in TABS], key="progress_tab", on_change="rerun", bind="query-params")
    for tab, view in zip(tabs, VIEWS, strict=True):
        with tab:
            if tab.open:
                view(ctx, actor, filters)
