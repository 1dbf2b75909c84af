"""After placement, for managers (read only): visit coverage per faculty, evaluation completeness over
time, and the score distribution per company or program with the students behind it."""

import plotly.graph_objects as go
import streamlit as st

from core import placements
from core.access import Permission
from core.i18n import N_
from core.placements import rules
from pages._charts import figure
from pages._ui import _, context, formatted, guard, lang, run_action, shown_year

COVERAGE = {
    "faculty": N_("Faculty"),
    "students": N_("Placed students"),
    "visited": N_("Visited at least once"),
    "coverage": N_("Coverage (%)"),
    "visits_per_student": N_("Visits per student"),
}
ROWS = {
    "student_code": N_("Student code"),
    "student": N_("Student"),
    "score": N_("Score"),
    "result": N_("Result"),
}

actor = guard(Permission.VIEW_PLACEMENT_STATS)
ctx = context()
st.title(_("Visits and evaluations overview"))
years = run_action(lambda: placements.stats_years(ctx, actor=actor))
if not years:
    st.info(_("No placement has details yet. Figures appear once advisors or the office enter placements."))
    st.stop()
year = st.selectbox(
    _("Academic year"), list(years), format_func=formatted(years, lambda y: str(shown_year(y))), key="ps_year"
)
filters = placements.StatsFilters(int(year))
thai = lang() == "th"

coverage = run_action(lambda: placements.visit_coverage(ctx, actor=actor, filters=filters))
if coverage is not None and not coverage.empty:
    st.subheader(_("Visit coverage per faculty"))
    table = coverage.assign(faculty=coverage["faculty_th"] if thai else coverage["faculty_en"])
    st.dataframe(
        table[list(COVERAGE)],
        hide_index=True,
        width="stretch",
        column_config={c: _(label) for c, label in COVERAGE.items()},
    )
    bars = go.Bar(x=[str(f) for f in table["faculty"]], y=list(table["coverage"]), name=_("Coverage (%)"))
    st.plotly_chart(
        figure([bars], _("Placed students visited at least once"), _("Faculty"), _("Coverage (%)"))
    )

completeness = run_action(lambda: placements.evaluation_completeness(ctx, actor=actor, filters=filters))
st.subheader(_("Evaluation completeness over time"))
if completeness is None or completeness.empty:
    st.info(_("No evaluation has fallen due in this year yet."))
else:
    lines = [
        go.Scatter(
            x=list(part["month"]),
            y=list(part["completeness"]),
            mode="lines+markers",
            name=_(rules.KIND_LABELS[kind]),
        )
        for kind, part in completeness.groupby("kind")
    ]
    st.plotly_chart(
        figure(
            lines,
            _("Submitted share of the evaluations due, by month due"),
            _("Month due"),
            _("Submitted (%)"),
        )
    )

st.subheader(_("Scores"))
by = (
    st.segmented_control(
        _("Group by"),
        list(placements.GROUPS),
        default="company",
        key="ps_by",
        format_func=formatted(placements.GROUPS, lambda g: _(placements.GROUPS[g])),
    )
    or "company"
)
scores = run_action(lambda: placements.score_distribution(ctx, actor=actor, filters=filters, by=by))
if scores is None or scores.empty:
    st.info(_("No completed placement has a score in this year yet."))
    st.stop()
names = {
    int(g): str(th if thai else en)
    for g, th, en in zip(scores["group_id"], scores["name_th"], scores["name_en"], strict=True)
}
boxes = [
    go.Box(
        name=names[int(r.group_id)],
        q1=[r.q1],
        median=[r.median],
        q3=[r.q3],
        lowerfence=[r.min],
        upperfence=[r.max],
        mean=[r.mean],
        customdata=[int(r.group_id)],
    )
    for r in scores.itertuples()
]
st.plotly_chart(figure(boxes, _("Final scores (%)"), _(placements.GROUPS[by]), _("Score"), showlegend=False))
group = st.selectbox(
    _("Students of"),
    list(names),
    format_func=formatted(names, names.get),
    index=None,
    placeholder=_("Choose a group to see its students"),
    key="ps_group",
)
if group is not None:
    rows = run_action(
        lambda: placements.score_drilldown(ctx, actor=actor, filters=filters, by=by, group_id=group)
    )
    if rows is not None:
        st.dataframe(
            rows[list(ROWS)],
            hide_index=True,
            width="stretch",
            column_config={c: _(label) for c, label in ROWS.items()},
        )
