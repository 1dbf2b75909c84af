"""Progress: KPIs against last term, funnel, trends, breakdowns, bottlenecks; click a bar to drill down."""

from typing import Any

import streamlit as st

from core import export, progress
from core.access import Actor, Permission
from pages import _progress_tabs as tabs
from pages import _progress_widgets as widgets
from pages._ui import _, context, day, deferred, guard, lang, run_action, shown_year

actor = guard(Permission.VIEW_PROGRESS)
ctx = context()
st.title(_("Progress"))
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
        _(kpi.label),
        f"{kpi.value:,}",
        delta=kpi.delta,
        delta_color="inverse" if kpi.lower_is_better else "normal",
        help=_(kpi.definition),
    )
rate, prev = result.placement_rate, result.previous_rate
rate_delta = None if rate is None or prev is None else _("{points:+.1f} pp", points=(rate - prev) * 100)
tiles[-1].metric(_("Placement rate"), "—" if rate is None else f"{rate:.0%}", delta=rate_delta)
if rate is not None:
    (st.success if result.meets_target else st.warning)(
        _("Placement rate {rate:.0%} against a target of {target:.0%}.", rate=rate, target=result.target)
    )
if result.previous_cutoff is not None:
    st.caption(
        _(
            "Deltas compare with the previous year's same term as it stood on {day}.",
            day=day(result.previous_cutoff.date()),
        )
    )
elif filters.academic_year is not None:
    st.caption(
        _(
            "No registrations in {year} with these filters to compare with.",
            year=shown_year(filters.academic_year - 1),
        )
    )
else:
    st.caption(_("Choose an academic year to compare with the same point of the previous year."))

tabs.show(ctx, actor, filters)
widgets.drilldown(ctx, actor, filters)


def rows_now(reader: Actor) -> Any:
    """The export rows in the reader's language, read only when a download is clicked (deferred data)."""
    return progress.export_frame(ctx, actor=reader, filters=filters, lang=lang())


left, right = st.columns(2)
csv = deferred(Permission.VIEW_PROGRESS, lambda a: export.to_csv_bytes(rows_now(a)))
left.download_button(_("Export CSV"), csv, "progress.csv", "text/csv")
xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
right.download_button(
    _("Export Excel"),
    deferred(
        Permission.VIEW_PROGRESS, lambda a: export.to_excel_bytes(rows_now(a), sheet_name=_("Progress"))
    ),
    "progress.xlsx",
    xlsx,
)
