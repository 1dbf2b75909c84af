"""Forms on the Courses page: one section form for new and existing sections, the course edit form.

Widgets carry no min/max of their own: core validates every value and names each one that is
wrong, so both forms refuse the same input with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core import courses
from core.access import Actor
from core.context import AppContext
from core.courses import CourseRow, Lookups, SectionRow
from pages._ui import flash, plain, run_action

NEW_FORM = "se_new_form"  # bumped after a create, so the new-section form starts empty again


def _save(action: Callable[[], Any], message: Callable[[Any], list[str]], *, reset: bool = False) -> None:
    saved = run_action(action)
    if saved is not None:
        lines = message(saved)
        flash(lines, "warning" if len(lines) > 1 else "success")
        if reset:
            st.session_state[NEW_FORM] = st.session_state.get(NEW_FORM, 0) + 1
        st.rerun()


def edit_course(ctx: AppContext, actor: Actor, course: CourseRow) -> None:
    """Names, credits and kind of one course (its code too), saved with update_course."""
    k = f"ce_{course.id}"
    with st.form(k):
        st.markdown(f"**Edit course {plain(course.code)}**")
        code = st.text_input("Code", value=course.code, key=f"{k}_code")
        name_th = st.text_input("Name (Thai)", value=course.name_th, key=f"{k}_th")
        name_en = st.text_input("Name (English)", value=course.name_en, key=f"{k}_en")
        credits = st.number_input("Credits", value=course.credits, step=1, key=f"{k}_credits")
        kinds = ["internship", "coop"]
        kind = st.selectbox("Kind", kinds, index=kinds.index(course.kind), key=f"{k}_kind")
        if st.form_submit_button("Save course"):
            args = {"code": code, "name_th": name_th, "name_en": name_en, "credits": credits, "kind": kind}
            _save(
                lambda: courses.update_course(ctx, actor=actor, course_id=course.id, **args),
                lambda row: [f"Course {row.code} saved."],
            )


def _people(choices: dict[int, str], current: dict[int, str]) -> dict[int, str]:
    # Someone since deactivated still shows by name, so saving the form does not silently drop them.
    return choices | {i: name for i, name in current.items() if i not in choices}


def section_form(
    ctx: AppContext,
    actor: Actor,
    choices: Lookups | None,
    course_rows: list[CourseRow],
    section: SectionRow | None = None,
) -> None:
    """Create a section (section None) or edit one: label, term, capacity, coordinator and committee."""
    k = f"se_{section.id}" if section else f"se_new{st.session_state.get(NEW_FORM, 0)}"
    current = section
    coord = _people(
        dict(choices.coordinators) if choices else {},
        {current.coordinator_id: current.coordinator or ""} if current and current.coordinator_id else {},
    )
    committee = _people(
        dict(choices.committee) if choices else {},
        dict(zip(current.committee_ids, current.committee, strict=True)) if current else {},
    )
    course_names = {c.id: c.code for c in course_rows}
    with st.form(k):
        title = f"Edit section {current.course_code} sec {current.section}" if current else "New section"
        st.markdown(f"**{plain(title)}**")
        course_id = st.selectbox(
            "Course", list(course_names), format_func=course_names.get, key=f"{k}_course",
            index=list(course_names).index(current.course_id) if current and current.course_id in course_names
            else 0, disabled=current is not None,
        )  # fmt: skip
        label = st.text_input("Section", value=current.section if current else "", key=f"{k}_label")
        semester = st.selectbox("Semester", [1, 2, 3], index=(current.semester - 1) if current else 0,
                                key=f"{k}_sem")  # fmt: skip
        year = st.number_input("Academic year (CE)", value=current.academic_year if current else 2026, step=1,
                               key=f"{k}_year")  # fmt: skip
        capacity = st.number_input(
            "Capacity", value=current.capacity if current else 30, step=1, key=f"{k}_cap"
        )
        coordinator = st.selectbox(
            "Coordinator", list(coord), format_func=coord.get, key=f"{k}_co",
            index=list(coord).index(current.coordinator_id) if current and current.coordinator_id else None,
        )  # fmt: skip
        members = st.multiselect(
            "Committee", list(committee), default=list(current.committee_ids) if current else [],
            format_func=committee.get, key=f"{k}_cm",
        )  # fmt: skip
        if st.form_submit_button("Save section" if current else "Create section"):
            _save(
                lambda: courses.save_section(
                    ctx, actor=actor, section_id=current.id if current else None,
                    course_id=current.course_id if current else course_id, section=label, semester=semester,
                    academic_year=year, capacity=capacity, coordinator_id=coordinator, committee_ids=members,
                ),
                lambda row: [f"Section {row.course_code} sec {row.section} saved.",
                             *courses.section_warnings(row)],
                reset=current is None,
            )  # fmt: skip
