"""Courses and sections: list with capacity counts; create, edit, archive (admin, coordinator)."""

import pandas as pd
import streamlit as st

from core import courses, lookups, sections
from core.access import Permission
from pages import _course_forms as forms
from pages._ui import context, guard, run_action

actor = guard(Permission.VIEW_COURSES)
ctx = context()
can_edit = actor.can(Permission.MANAGE_COURSES)
st.title("Courses")
forms.show_flash()
show_archived = st.toggle("Show archived", key="co_archived")

rows = run_action(lambda: courses.list_courses(ctx, actor=actor, include_archived=show_archived)) or []
st.dataframe(pd.DataFrame([vars(r) for r in rows]), hide_index=True, width="stretch")

if can_edit:
    with st.expander("New course"), st.form("co_new"):
        code = st.text_input("Code", key="co_code")
        name_th = st.text_input("Name (Thai)", key="co_name_th")
        name_en = st.text_input("Name (English)", key="co_name_en")
        credits = st.number_input("Credits", min_value=1, max_value=10, value=3, key="co_credits")
        kind = st.selectbox("Kind", ["internship", "coop"], key="co_kind")
        if st.form_submit_button("Create course"):
            args = {"code": code, "name_th": name_th, "name_en": name_en, "credits": credits, "kind": kind}
            created = run_action(lambda: courses.create_course(ctx, actor=actor, **args))
            if created:
                st.success(f"Course {created.code} created.")
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        "Course to edit, archive or unarchive",
        list(by_id),
        format_func=lambda i: by_id[i].code,
        index=None,
        key="co_pick",
    )
    if chosen is not None and st.button(
        "Unarchive" if by_id[chosen].archived else "Archive", key="co_toggle"
    ):
        flag = not by_id[chosen].archived
        run_action(
            lambda: courses.set_course_archived(ctx, actor=actor, course_id=chosen, archived=flag),
            success="Saved.",
        )
    if chosen is not None:
        forms.edit_course(ctx, actor, by_id[chosen])

st.subheader("Sections")
section_rows = (
    run_action(lambda: sections.list_sections(ctx, actor=actor, include_archived=show_archived)) or []
)
table = pd.DataFrame([vars(s) for s in section_rows])
if not table.empty:
    table["places"] = table["placed"].astype(str) + " / " + table["capacity"].astype(str)
st.dataframe(table, hide_index=True, width="stretch")

if can_edit and rows:
    choices = run_action(lambda: lookups.lookups(ctx, actor=actor))
    with st.expander("New section"), st.form("co_sec"):
        course_id = st.selectbox(
            "Course", [r.id for r in rows], format_func=lambda i: by_id[i].code, key="cs_c"
        )
        label = st.text_input("Section", key="cs_label")
        semester = st.selectbox("Semester", [1, 2, 3], key="cs_sem")
        year = st.number_input(
            "Academic year (CE)", min_value=2000, max_value=2600, value=2026, key="cs_year"
        )
        capacity = st.number_input("Capacity", min_value=0, max_value=10000, value=30, key="cs_cap")
        coord = dict(choices.coordinators) if choices else {}
        committee = dict(choices.committee) if choices else {}
        coordinator = st.selectbox("Coordinator", list(coord), format_func=coord.get, index=None, key="cs_co")
        members = st.multiselect("Committee", list(committee), format_func=committee.get, key="cs_cm")
        if st.form_submit_button("Create section"):
            run_action(
                lambda: sections.save_section(
                    ctx,
                    actor=actor,
                    course_id=course_id,
                    section=label,
                    semester=semester,
                    academic_year=year,
                    capacity=capacity,
                    coordinator_id=coordinator,
                    committee_ids=members,
                ),
                success="Section created.",
            )
    sec_ids = {s.id: f"{s.course_code} sec {s.section} {s.semester}/{s.academic_year}" for s in section_rows}
    pick = st.selectbox("Section", list(sec_ids), format_func=sec_ids.get, index=None, key="cs_pick")
    left, right = st.columns(2)
    if pick is not None and left.button("Archive / unarchive section", key="cs_toggle"):
        flag = not next(s.archived for s in section_rows if s.id == pick)
        run_action(
            lambda: sections.set_section_archived(ctx, actor=actor, section_id=pick, archived=flag),
            success="Saved.",
        )
    if pick is not None and right.button("Delete section", key="cs_delete"):
        run_action(
            lambda: sections.delete_section(ctx, actor=actor, section_id=pick), success="Section deleted."
        )
    if pick is not None:
        forms.edit_section(ctx, actor, next(s for s in section_rows if s.id == pick), choices)
