"""Monitoring: database and cache health, timings, sign-ins, incidents and the queue, refreshed live."""

import streamlit as st

from core import monitoring, progress
from core.access import Permission
from core.progress import ProgressFilters
from pages import _charts as charts
from pages._progress_widgets import overdue_definition
from pages._ui import context, guard, run_action

actor = guard(Permission.VIEW_MONITORING)
ctx = context()
st.title("Monitoring")
st.caption("Refreshes every 5 seconds. Timings and incidents are this server process's since it started.")


def _health() -> None:
    health = run_action(lambda: monitoring.health(ctx, actor=actor))
    if health is None:
        return
    cache = health.cache
    cols = st.columns(5)
    cols[0].metric("Database", "up" if health.db_up else "DOWN")
    cols[1].metric("DB latency", "—" if health.db_latency_ms is None else f"{health.db_latency_ms:.1f} ms")
    cols[2].metric(f"Cache ({cache['backend']})", "up" if health.cache_up else "DOWN — reading the database")
    cols[3].metric(
        "Cache latency", "—" if health.cache_latency_ms is None else f"{health.cache_latency_ms:.2f} ms"
    )
    cols[4].metric(
        "Active sessions", "—" if health.active_sessions is None else f"{health.active_sessions:,}"
    )
    cols = st.columns(4)
    cols[0].metric("Cache hits", f"{cache['hits']:,}")
    cols[1].metric("Cache misses", f"{cache['misses']:,}")
    cols[2].metric("Cache errors", f"{cache['errors']:,}")
    cols[3].metric("Cache breaker", str(cache["breaker"]))


def _timings() -> None:
    frame = run_action(lambda: monitoring.timings(actor=actor))
    if frame is None:
        return
    left, right = st.columns(2)
    with left:
        st.plotly_chart(charts.timings(frame, "page", "Page run time"), key="chart_pages")
    with right:
        st.plotly_chart(charts.timings(frame, "query", "Query time by statement kind"), key="chart_queries")
    total = int(frame.loc[frame["kind"] == "query", "count"].sum())
    st.caption(f"{total:,} statements executed by this process.")


@st.fragment(run_every=5)
def live() -> None:
    """The part of the page that refreshes itself."""
    _health()
    _timings()
    activity = run_action(lambda: monitoring.login_activity(ctx, actor=actor))
    if activity is not None:
        st.plotly_chart(charts.logins(activity), key="chart_logins")
    ageing = run_action(lambda: progress.queue_ageing(ctx, actor=actor, filters=ProgressFilters()))
    if ageing is not None:
        st.plotly_chart(charts.queue(ageing.by_state), key="chart_queue")
        st.caption(overdue_definition(ageing.overdue_days))
    st.subheader("Slowest statements")
    slow = run_action(lambda: monitoring.slow_queries(actor=actor))
    if slow is not None:
        st.dataframe(slow.round({"mean_ms": 2, "max_ms": 2}), hide_index=True, width="stretch")
    st.subheader("Recent incidents")
    incidents = run_action(lambda: monitoring.recent_incidents(actor=actor))
    if incidents is not None and not incidents.empty:
        st.dataframe(incidents, hide_index=True, width="stretch")
    elif incidents is not None:
        st.info("No incidents since this process started.")


live()
