"""Progress: KPIs against last term, funnel, trends, breakdowns, bottlenecks; click a bar to drill down."""

from typing import Any

import streamlit as st

from core import export, progress, progress_bottlenecks, progress_queue
from core.access import Permission
from pages import _charts as charts
from pages import _progress_widgets as widgets
from pages._ui import context, guard, run_action

actor = guard(Permission.VIEW_PROGRESS)
ctx = context()
st.title("Progress")
options = run_action(lambda: progress.filter_options(ctx, actor=actor))
if options is None:
    st.stop()
filters, target = widgets.filter_row(options)

result = run_action(lambda: progress.kpis(ctx, actor=actor, filters=filters, target=target / 100))
if result is None:
    st.stop()
tiles = st.columns(len(result.kpis) + 1)
for tile, kpi in zip(tiles, result.kpis, strict=False):
    tile.metric(
        kpi.label, f"{kpi.value:,}", delta=kpi.delta, delta_color="off" if kpi.key == "failed" else "normal"
    )
rate, prev = result.placement_rate, result.previous_rate
rate_delta = None if rate is None or prev is None else f"{(rate - prev) * 100:+.1f} pp"
tiles[-1].metric("Placement rate", "—" if rate is None else f"{rate:.0%}", delta=rate_delta)
if rate is not None:
    (st.success if result.meets_target else st.warning)(
        f"Placement rate {rate:.0%} against a target of {result.target:.0%}."
    )
if result.previous_cutoff is not None:
    st.caption(
        f"Deltas compare with the previous year's same term as it stood on {result.previous_cutoff:%Y-%m-%d}."
    )
else:
    st.caption("Choose an academic year to compare with the same point of the previous year.")

funnel_tab, time_tab, breakdown_tab, bottleneck_tab, queue_tab = st.tabs(
    ["Funnel", "Over time", "Breakdowns", "Bottlenecks", "Queue"]
)
with funnel_tab:
    frame = run_action(lambda: progress.funnel(ctx, actor=actor, filters=filters))
    if frame is not None:
        widgets.chart(charts.funnel(frame), "chart_funnel", "stage")
with time_tab:
    freq = st.radio("Per", ["W", "M"], format_func={"W": "week", "M": "month"}.get, horizontal=True)
    frame = run_action(lambda: progress.timeline(ctx, actor=actor, filters=filters, freq=freq))
    if frame is not None:
        widgets.chart(charts.timeline(frame, "week" if freq == "W" else "month"), "chart_timeline", "status")
with breakdown_tab:
    top = st.slider("Show the top", min_value=3, max_value=30, value=10)
    for dimension in progress.DIMENSIONS:
        frame = run_action(
            lambda d=dimension: progress.breakdown(ctx, actor=actor, filters=filters, dimension=d, top=top)
        )
        if frame is not None:
            fig = charts.breakdown(frame, f"Registrations by {dimension}", dimension.title())
            widgets.chart(fig, f"chart_{dimension}", dimension)
with bottleneck_tab:  # reads every timeline event: paid only when the toggle is on
    times = None
    if st.toggle("Show bottlenecks (slower: reads every timeline event)", key="progress_bottlenecks"):
        times = run_action(lambda: progress_bottlenecks.time_in_state(ctx, actor=actor, filters=filters))
    if times and not times.per_stage.empty:
        st.plotly_chart(charts.stage_times(times.per_stage), key="chart_stage_times")
        states = list(times.per_stage["state"])
        state = st.selectbox(
            "Approvers for state", states, format_func=lambda s: charts.STAGE_LABELS.get(s, s)
        )
        st.plotly_chart(charts.approver_times(times.per_approver, state), key="chart_approvers")
    elif times:
        st.info("No finished steps yet for these filters.")
with queue_tab:
    ageing = run_action(lambda: progress_queue.queue_ageing(ctx, actor=actor, filters=filters))
    if ageing is not None:
        st.plotly_chart(charts.queue(ageing.by_state), key="chart_queue")
        if not ageing.overdue_by_approver.empty:
            st.plotly_chart(
                charts.overdue(ageing.overdue_by_approver, ageing.overdue_days), key="chart_overdue"
            )
        st.subheader("Oldest open registrations")
        st.dataframe(ageing.oldest.round({"days_in_state": 1}), hide_index=True, width="stretch")

widgets.drilldown(ctx, actor, filters)


def rows_now() -> Any:
    """The export rows, read only when a download is clicked (deferred data)."""
    return progress.export_frame(ctx, actor=actor, filters=filters)


left, right = st.columns(2)
left.download_button("Export CSV", lambda: export.to_csv_bytes(rows_now()), "progress.csv", "text/csv")
xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
right.download_button(
    "Export Excel", lambda: export.to_excel_bytes(rows_now(), sheet_name="progress"), "progress.xlsx", xlsx
)
