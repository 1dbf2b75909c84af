"""Forms that edit an existing course or section on the Courses page; core.courses validates every value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core import courses, sections
from core.access import Actor
from core.context import AppContext
from core.courses import CourseRow
from core.lookups import Lookups
from core.sections import SectionRow
from pages._ui import plain, run_action

FLASH = "co_flash"


def show_flash() -> None:
    """The message a save left before the page reran to show the new values."""
    if message := st.session_state.pop(FLASH, None):
        st.success(message)


def _save(action: Callable[[], Any], message: Callable[[Any], str]) -> None:
    saved = run_action(action)
    if saved is not None:
        st.session_state[FLASH] = plain(message(saved))
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
                lambda row: f"Course {row.code} saved.",
            )


def _people(choices: dict[int, str], current: list[int]) -> dict[int, str]:
    # Someone since deactivated still shows, so saving the form does not silently drop them.
    return choices | {i: f"user {i}" for i in current if i not in choices}


def edit_section(ctx: AppContext, actor: Actor, section: SectionRow, choices: Lookups | None) -> None:
    """Label, term, capacity, coordinator and committee of one section, saved with save_section."""
    k = f"se_{section.id}"
    current = [section.coordinator_id] if section.coordinator_id else []
    coord = _people(dict(choices.coordinators) if choices else {}, current)
    committee = _people(dict(choices.committee) if choices else {}, list(section.committee_ids))
    with st.form(k):
        st.markdown(f"**Edit section {plain(section.course_code)} sec {plain(section.section)}**")
        label = st.text_input("Section", value=section.section, key=f"{k}_label")
        semester = st.selectbox("Semester", [1, 2, 3], index=section.semester - 1, key=f"{k}_sem")
        year = st.number_input("Academic year (CE)", value=section.academic_year, step=1, key=f"{k}_year")
        capacity = st.number_input("Capacity", value=section.capacity, step=1, key=f"{k}_cap")
        coordinator = st.selectbox(
            "Coordinator", list(coord), format_func=coord.get, key=f"{k}_co",
            index=list(coord).index(section.coordinator_id) if section.coordinator_id else None,
        )  # fmt: skip
        members = st.multiselect(
            "Committee", list(committee), default=list(section.committee_ids), format_func=committee.get,
            key=f"{k}_cm",
        )  # fmt: skip
        if st.form_submit_button("Save section"):
            _save(
                lambda: sections.save_section(
                    ctx, actor=actor, section_id=section.id, course_id=section.course_id, section=label,
                    semester=semester, academic_year=year, capacity=capacity, coordinator_id=coordinator,
                    committee_ids=members,
                ),
                lambda row: f"Section {row.course_code} sec {row.section} saved.",
            )  # fmt: skip
