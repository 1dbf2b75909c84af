"""The progress page's tabs. Only the open tab runs: each costs a query or more when the cache is cold.

The open tab is kept in the URL (?progress_tab=...), so a manager can share the view they are on.
"""

import streamlit as st

from core import progress
from core.access import Actor
from core.context import AppContext
from core.progress import ProgressFilters
from pages import _charts as charts
from pages import _progress_widgets as widgets
from pages._ui import run_action

TABS = ("Funnel", "Over time", "Breakdowns", "Bottlenecks", "Queue")


def funnel(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Registrations reaching each stage; a click drills down."""
    frame = run_action(lambda: progress.funnel(ctx, actor=actor, filters=filters))
    if frame is not None:
        widgets.chart(charts.funnel(frame), "chart_funnel", "stage")
        st.caption(
            "Each stage counts registrations that ever reached it, whatever happened after; "
            "the Placed tile counts those holding a place now."
        )


def over_time(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Registrations per week or month of submission, by status."""
    freq = st.radio("Per", ["W", "M"], format_func={"W": "week", "M": "month"}.get, horizontal=True)
    frame = run_action(lambda: progress.timeline(ctx, actor=actor, filters=filters, freq=freq))
    if frame is not None:
        widgets.chart(charts.timeline(frame, "week" if freq == "W" else "month"), "chart_timeline", "status")


def breakdowns(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Top groups per faculty, program, course, company and province."""
    top = st.slider("Show the top", min_value=3, max_value=30, value=10)
    for dimension in progress.DIMENSIONS:
        frame = run_action(
            lambda d=dimension: progress.breakdown(ctx, actor=actor, filters=filters, dimension=d, top=top)
        )
        if frame is not None:
            fig = charts.breakdown(frame, f"Registrations by {dimension}", dimension.title())
            widgets.chart(fig, f"chart_{dimension}", dimension)


def bottlenecks(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """Days spent per state and per approver: reads every timeline event, so only when asked."""
    times = None
    if st.toggle("Show bottlenecks (slower: reads every timeline event)", key="progress_bottlenecks"):
        times = run_action(lambda: progress.time_in_state(ctx, actor=actor, filters=filters))
    if times and not times.per_stage.empty:
        st.plotly_chart(charts.stage_times(times.per_stage), key="chart_stage_times")
        state = st.selectbox("Approvers for state", list(times.per_stage["state"]), format_func=charts.label)
        st.plotly_chart(charts.approver_times(times.per_approver, state), key="chart_approvers")
    elif times:
        st.info("No finished steps yet for these filters.")


def queue(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """The open queue's ages, who holds overdue items, and the oldest items."""
    ageing = run_action(lambda: progress.queue_ageing(ctx, actor=actor, filters=filters))
    if ageing is None:
        return
    st.plotly_chart(charts.queue(ageing.by_state), key="chart_queue")
    st.caption(widgets.overdue_definition(ageing.overdue_days))
    if not ageing.overdue_by_approver.empty:
        st.plotly_chart(charts.overdue(ageing.overdue_by_approver, ageing.overdue_days), key="chart_overdue")
    st.subheader("Oldest open registrations")
    st.dataframe(ageing.oldest.round({"days_in_state": 1}), hide_index=True, width="stretch")


VIEWS = (funnel, over_time, breakdowns, bottlenecks, queue)


def show(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """The tab strip; runs the open tab's view only."""
    tabs = st.tabs(list(TABS), key="progress_tab", on_change="rerun", bind="query-params")
    for tab, view in zip(tabs, VIEWS, strict=True):
        with tab:
            if tab.open:
                view(ctx, actor, filters)
