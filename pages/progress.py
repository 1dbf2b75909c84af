"""Progress: KPIs against last term, funnel, trends, breakdowns, bottlenecks; click a bar to drill down."""

from typing import Any

import streamlit as st

from core import export, progress
from core.access import Permission
from pages import _progress_tabs as tabs
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
        kpi.label,
        f"{kpi.value:,}",
        delta=kpi.delta,
        delta_color="inverse" if kpi.lower_is_better else "normal",
        help=kpi.definition,
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
elif filters.academic_year is not None:
    st.caption(f"No registrations in {filters.academic_year - 1} with these filters to compare with.")
else:
    st.caption("Choose an academic year to compare with the same point of the previous year.")

tabs.show(ctx, actor, filters)
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
