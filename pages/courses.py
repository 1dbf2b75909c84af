"""Courses and sections: list with capacity counts; create, edit, archive (admin, coordinator)."""

import pandas as pd
import streamlit as st

from core import courses
from core.access import Permission
from pages import _course_forms as forms
from pages._ui import context, flash, guard, run_action, show_flash

SECTION_COLUMNS = ["id", "course_code", "section", "term", "places", "registrations", "coordinator",
                   "committee", "archived", "check"]  # fmt: skip


def _done(action, message: str) -> None:  # type: ignore[no-untyped-def]
    """Run a change; on success say so and rerun, so every table shows the new state."""
    if run_action(lambda: [action()]) is not None:  # some changes return nothing
        flash(message)
        st.rerun()


actor = guard(Permission.VIEW_COURSES)
ctx = context()
can_edit = actor.can(Permission.MANAGE_COURSES)
st.title("Courses")
show_flash()
show_archived = st.toggle("Show archived", key="co_archived")

rows = run_action(lambda: courses.list_courses(ctx, actor=actor, include_archived=show_archived)) or []
st.dataframe(pd.DataFrame([vars(r) for r in rows]), hide_index=True, width="stretch")

if can_edit:
    with st.expander("New course"), st.form("co_new"):
        code = st.text_input("Code", key="co_code")
        name_th = st.text_input("Name (Thai)", key="co_name_th")
        name_en = st.text_input("Name (English)", key="co_name_en")
        credits = st.number_input("Credits", value=3, step=1, key="co_credits")
        kind = st.selectbox("Kind", ["internship", "coop"], key="co_kind")
        if st.form_submit_button("Create course"):
            args = {"code": code, "name_th": name_th, "name_en": name_en, "credits": credits, "kind": kind}
            created = run_action(lambda: courses.create_course(ctx, actor=actor, **args))
            if created:
                flash(f"Course {created.code} created.")
                st.rerun()
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        "Course to edit, archive or unarchive",
        list(by_id),
        format_func=lambda i: f"{by_id[i].code} {by_id[i].name_th}",
        index=None,
        key="co_pick",
    )
    if chosen is not None and st.button(
        "Unarchive" if by_id[chosen].archived else "Archive", key="co_toggle"
    ):
        flag = not by_id[chosen].archived
        _done(
            lambda: courses.set_course_archived(ctx, actor=actor, course_id=chosen, archived=flag), "Saved."
        )
    if chosen is not None:
        forms.edit_course(ctx, actor, by_id[chosen])

st.subheader("Sections")
section_rows = (
    run_action(lambda: courses.list_sections(ctx, actor=actor, include_archived=show_archived)) or []
)
table = pd.DataFrame(
    [
        vars(s)
        | {
            "term": f"{s.semester}/{s.academic_year}",
            "places": f"{s.placed} / {s.capacity}",
            "committee": ", ".join(s.committee),
            "check": " ".join(courses.section_warnings(s)),
        }
        for s in section_rows
    ],
    columns=[*SECTION_COLUMNS, "semester", "academic_year"],
)
st.dataframe(table[SECTION_COLUMNS], hide_index=True, width="stretch", column_config={"check": "⚠"})

if can_edit and rows:
    choices = run_action(lambda: courses.lookups(ctx, actor=actor))
    with st.expander("New section"):
        forms.section_form(ctx, actor, choices, [r for r in rows if not r.archived])
    labels = {s.id: f"{s.course_code} sec {s.section} {s.semester}/{s.academic_year}" for s in section_rows}
    pick = st.selectbox("Section", list(labels), format_func=labels.get, index=None, key="cs_pick")
    if pick is not None:
        picked = next(s for s in section_rows if s.id == pick)
        left, right = st.columns(2)
        if left.button("Unarchive section" if picked.archived else "Archive section", key="cs_toggle"):
            flag = not picked.archived
            _done(
                lambda: courses.set_section_archived(ctx, actor=actor, section_id=pick, archived=flag),
                "Saved.",
            )
        if right.button("Delete section", key="cs_delete"):
            _done(lambda: courses.delete_section(ctx, actor=actor, section_id=pick), "Section deleted.")
        forms.section_form(ctx, actor, choices, rows, picked)
