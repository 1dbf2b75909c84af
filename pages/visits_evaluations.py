"""Visits & evaluations (coordinators): placements of a term with what is late, the export, planning a
section's visits in one go, and the evaluation forms."""

import streamlit as st

from core import courses, placements
from core.access import Permission
from core.i18n import year_ce
from pages import _form_editor, _placement_list, _visit_planning
from pages._ui import _, context, deferred, formatted, guard, lang, run_action, show_flash, shown_year, term

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = {"list": _("Placements"), "plan": _("Plan visits"), "forms": _("Evaluation forms")}

actor = guard(Permission.VIEW_VISITS_EVALUATIONS)
ctx = context()
st.title(_("Visits & evaluations"))
show_flash()
choices = run_action(lambda: courses.lookups(ctx, actor=actor))
if choices is None:
    st.stop()
sections = {s[0]: s for s in choices.sections}
years = sorted({s[4] for s in choices.sections}, reverse=True)
tab = (
    st.segmented_control(_("View"), list(TABS), format_func=TABS.get, default="list", key="ve_tab") or "list"
)

if tab == "plan":
    _visit_planning.show(ctx, actor, sections)
elif tab == "forms":
    _form_editor.show(ctx, actor)
else:
    cols = st.columns(4)
    year = cols[0].selectbox(
        _("Academic year"),
        years,
        format_func=formatted(years, lambda y: str(shown_year(y))),
        index=0 if years else None,
        placeholder=_("Any year"),
        key="ve_year",
    )
    semester = cols[1].selectbox(
        _("Semester"), [1, 2, 3], index=None, placeholder=_("Any semester"), key="ve_sem"
    )
    in_term = {
        i: s for i, s in sections.items() if (year is None or s[4] == year) and (semester in (None, s[3]))
    }
    section = cols[2].selectbox(
        _("Section"),
        list(in_term),
        index=None,
        placeholder=_("Any section"),
        format_func=formatted(
            in_term, lambda i: f"{in_term[i][1]} {in_term[i][2]} · {term(in_term[i][3], in_term[i][4])}"
        ),
        key="ve_section",
    )
    late_labels = {
        "all": _("All"),
        "visits": _("Visits overdue"),
        "evaluations": _("Evaluations overdue"),
        "any": _("Anything overdue"),
    }
    late = cols[3].selectbox(_("Overdue"), list(late_labels), format_func=late_labels.get, key="ve_late")
    finished = st.toggle(_("Include completed and failed"), key="ve_finished")
    filters = placements.PlacementFilters(
        academic_year=year_ce(year) if year else None,
        semester=semester,
        section_id=section,
        finished=finished,
        overdue=None if late == "all" else late,
    )
    frame = run_action(lambda: placements.list_placements(ctx, actor=actor, filters=filters))
    if frame is None:
        st.stop()
    if frame.empty:
        st.info(_("No placement matches. Choose another term, or clear the overdue filter."))
        st.stop()
    _placement_list.table(frame, "ve_table")
    csv_col, xlsx_col, _rest = st.columns([1, 1, 4])
    for col, fmt, mime in ((csv_col, "csv", "text/csv"), (xlsx_col, "xlsx", EXCEL)):
        col.download_button(
            _("Download CSV") if fmt == "csv" else _("Download Excel"),
            deferred(
                Permission.VIEW_VISITS_EVALUATIONS,
                lambda a, f=fmt: placements.export_placements(
                    ctx, actor=a, filters=filters, lang=lang(), fmt=f
                ),
            ),
            file_name=f"placements.{fmt}",
            mime=mime,
            key=f"ve_{fmt}",
        )
    _placement_list.opener(ctx, actor, frame, "ve_open")
