"""Courses and sections: list with capacity counts; create, edit, archive (admin, coordinator)."""

import pandas as pd
import streamlit as st

from core import courses
from core.access import Permission
from core.i18n import N_
from pages import _course_forms as forms
from pages._ui import _, act, confirm, context, guard, run_action, show_flash, term, tr

COURSE_COLUMNS = {
    "code": N_("Code"),
    "name_th": N_("Name (Thai)"),
    "name_en": N_("Name (English)"),
    "credits": N_("Credits"),
    "kind": N_("Kind"),
    "archived": N_("Archived"),
}
SECTION_COLUMNS = {
    "id": N_("ID"),
    "course_code": N_("Course"),
    "section": N_("Section"),
    "term": N_("Term"),
    "places": N_("Placed / capacity"),
    "registrations": N_("Registrations"),
    "coordinator": N_("Coordinator"),
    "committee": N_("Committee"),
    "archived": N_("Archived"),
    "check": N_("Check"),
}


def _headers(columns: dict[str, str]) -> dict[str, str]:
    return {c: _(label) for c, label in columns.items()}


actor = guard(Permission.VIEW_COURSES)
ctx = context()
can_edit = actor.can(Permission.MANAGE_COURSES)
st.title(_("Courses"))
show_flash()
show_archived = st.toggle(_("Show archived"), key="co_archived")

rows = run_action(lambda: courses.list_courses(ctx, actor=actor, include_archived=show_archived)) or []
if rows:
    course_table = pd.DataFrame([vars(r) | {"kind": _(courses.KIND_LABELS[r.kind])} for r in rows])
    st.dataframe(
        course_table[list(COURSE_COLUMNS)],
        hide_index=True,
        width="stretch",
        column_config=_headers(COURSE_COLUMNS),
    )
else:
    st.info(_("No courses yet. An admin or coordinator creates the first one under New course."))

if can_edit:
    with st.expander(_("New course")):
        forms.course_form(ctx, actor)
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        _("Course to edit, archive or unarchive"),
        list(by_id),
        format_func=lambda i: f"{by_id[i].code} {by_id[i].name_th}",
        index=None,
        placeholder=_("Choose a course"),
        key="co_pick",
    )
    if chosen is not None:
        flag = not by_id[chosen].archived
        if st.button(_("Archive") if flag else _("Unarchive"), key="co_toggle"):
            act(
                lambda: courses.set_course_archived(ctx, actor=actor, course_id=chosen, archived=flag),
                _("Course {code} archived.", code=by_id[chosen].code)
                if flag
                else _("Course {code} is in use again.", code=by_id[chosen].code),
            )
        forms.course_form(ctx, actor, by_id[chosen])

st.subheader(_("Sections"))
section_rows = (
    run_action(lambda: courses.list_sections(ctx, actor=actor, include_archived=show_archived)) or []
)
if section_rows:
    table = pd.DataFrame(
        [
            vars(s)
            | {
                "term": term(s.semester, s.academic_year),
                "places": f"{s.placed} / {s.capacity}",
                "committee": ", ".join(s.committee),
                "check": " ".join(tr(w) for w in courses.section_warnings(s)),
            }
            for s in section_rows
        ]
    )
    st.dataframe(
        table[list(SECTION_COLUMNS)],
        hide_index=True,
        width="stretch",
        column_config=_headers(SECTION_COLUMNS),
    )
else:
    st.info(_("No sections yet. Create one for each course and term under New section."))

if can_edit and rows:
    choices = run_action(lambda: courses.lookups(ctx, actor=actor))
    with st.expander(_("New section")):
        forms.section_form(ctx, actor, choices, [r for r in rows if not r.archived])
    labels = {
        s.id: _(
            "{course} sec {section} {term}",
            course=s.course_code,
            section=s.section,
            term=term(s.semester, s.academic_year),
        )
        for s in section_rows
    }
    pick = st.selectbox(
        _("Section to edit, archive or delete"),
        list(labels),
        format_func=labels.get,
        index=None,
        placeholder=_("Choose a section"),
        key="cs_pick",
    )
    if pick is not None:
        picked = next(s for s in section_rows if s.id == pick)
        left, right = st.columns(2)
        archive = not picked.archived
        if left.button(_("Archive section") if archive else _("Unarchive section"), key="cs_toggle"):
            act(
                lambda: courses.set_section_archived(ctx, actor=actor, section_id=pick, archived=archive),
                _("Section {name} archived.", name=labels[pick])
                if archive
                else _("Section {name} is in use again.", name=labels[pick]),
            )
        if right.button(_("Delete section"), key="cs_delete"):
            confirm(
                "cs_confirm_delete",
                _("Delete section {name}?", name=labels[pick]),
                [
                    _("Section {name} and its committee list are deleted for good.", name=labels[pick]),
                    _("A section that has registrations cannot be deleted; archive it instead."),
                ],
                lambda: courses.delete_section(ctx, actor=actor, section_id=pick),
                _("Section {name} deleted.", name=labels[pick]),
                label=_("Delete section"),
            )
        forms.section_form(ctx, actor, choices, rows, picked)
