"""Forms on the Courses page: one section form for new and existing sections, the course edit form.

Widgets carry no min/max of their own: core validates every value and names each one that is
wrong, so both forms refuse the same input with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core import clock, courses
from core.access import Actor
from core.context import AppContext
from core.courses import CourseRow, Lookups, SectionRow
from core.placements import rules
from core.terms import academic_year_of
from pages._ui import _, flash, formatted, plain, run_action, shown_year, tr

NEW_FORM = "se_new_form"  # bumped after a create, so the new-section form starts empty again


def _save(action: Callable[[], Any], message: Callable[[Any], list[str]], *, reset: bool = False) -> None:
    saved = run_action(action)
    if saved is not None:
        lines = message(saved)
        flash(lines, "warning" if len(lines) > 1 else "success")
        if reset:
            st.session_state[NEW_FORM] = st.session_state.get(NEW_FORM, 0) + 1
        st.rerun()


def course_form(ctx: AppContext, actor: Actor, course: CourseRow | None = None) -> None:
    """Create a course (course None) or edit one: code, names, credits and kind."""
    k = f"ce_{course.id}" if course else f"co_new{st.session_state.get(NEW_FORM, 0)}"
    kinds = list(courses.KIND_LABELS)
    with st.form(k):
        if course:
            st.markdown("**" + plain(_("Edit course {code}", code=course.code)) + "**")
        code = st.text_input(_("Code"), value=course.code if course else "", key=f"{k}_code")
        name_th = st.text_input(_("Name (Thai)"), value=course.name_th if course else "", key=f"{k}_th")
        name_en = st.text_input(_("Name (English)"), value=course.name_en if course else "", key=f"{k}_en")
        credits = st.number_input(
            _("Credits"), value=course.credits if course else 3, step=1, key=f"{k}_credits"
        )
        kind = st.selectbox(
            _("Kind"),
            kinds,
            index=kinds.index(course.kind) if course else 0,
            format_func=formatted(kinds, lambda v: _(courses.KIND_LABELS[v])),
            key=f"{k}_kind",
        )
        visits, required, grading, pass_score = _after_placement(k, course)
        if st.form_submit_button(_("Save course") if course else _("Create course")):
            args = {
                "code": code,
                "name_th": name_th,
                "name_en": name_en,
                "credits": credits,
                "kind": kind,
                "visit_count": visits,
                "required_evaluations": required,
                "grading": grading,
                "pass_score": pass_score,
            }
            if course:
                _save(
                    lambda: courses.update_course(ctx, actor=actor, course_id=course.id, **args),
                    lambda row: [_("Course {code} saved.", code=row.code)],
                )
            else:
                _save(
                    lambda: courses.create_course(ctx, actor=actor, **args),
                    lambda row: [_("Course {code} created.", code=row.code)],
                    reset=True,
                )


def _after_placement(k: str, course: CourseRow | None) -> tuple[Any, list[str], str, Any]:
    """Supervision visits (1–4), the evaluations required to complete, and how the result is given."""
    left, right = st.columns(2)
    visits = left.number_input(
        _("Supervision visits"), value=course.visit_count if course else 2, step=1, key=f"{k}_visits"
    )
    kinds = list(rules.KIND_LABELS)
    required = right.multiselect(
        _("Evaluations required to complete"),
        kinds,
        default=list(course.required_evaluations) if course else ["supervisor", "advisor"],
        format_func=formatted(kinds, lambda v: _(rules.KIND_LABELS[v])),
        placeholder=_("None required"),
        key=f"{k}_required",
    )
    gradings = list(courses.GRADING_LABELS)
    grading = left.selectbox(
        _("Result"),
        gradings,
        index=gradings.index(course.grading) if course else 0,
        format_func=formatted(gradings, lambda v: _(courses.GRADING_LABELS[v])),
        key=f"{k}_grading",
    )
    pass_score = right.number_input(
        _("Pass score (%)"), value=course.pass_score if course else 50, step=1, key=f"{k}_pass"
    )
    return visits, required, grading, pass_score


def this_year(ctx: AppContext) -> int:
    """The academic year (CE) running today, by the office's term calendar."""
    return academic_year_of(clock.now().date(), ctx.settings.term_calendar)


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
        if current:
            title = _(
                "Edit section {course} sec {section}", course=current.course_code, section=current.section
            )
            st.markdown("**" + plain(title) + "**")
        course_id = st.selectbox(
            _("Course"), list(course_names), format_func=course_names.get, key=f"{k}_course",
            index=list(course_names).index(current.course_id) if current and current.course_id in course_names
            else 0, disabled=current is not None,
        )  # fmt: skip
        label = st.text_input(_("Section"), value=current.section if current else "", key=f"{k}_label")
        semester = st.selectbox(_("Semester"), [1, 2, 3], index=(current.semester - 1) if current else 0,
                                key=f"{k}_sem")  # fmt: skip
        year = st.number_input(
            _("Academic year"),
            value=shown_year(current.academic_year if current else this_year(ctx)),
            step=1,
            help=_("Type it in the Buddhist era (2569) or in CE (2026): both mean the same year."),
            key=f"{k}_year",
        )
        capacity = st.number_input(
            _("Capacity"), value=current.capacity if current else 30, step=1, key=f"{k}_cap"
        )
        coordinator = st.selectbox(
            _("Coordinator"), list(coord), format_func=coord.get, key=f"{k}_co",
            index=list(coord).index(current.coordinator_id) if current and current.coordinator_id else None,
            placeholder=_("Choose a coordinator"),
        )  # fmt: skip
        members = st.multiselect(
            _("Committee"), list(committee), default=list(current.committee_ids) if current else [],
            format_func=committee.get, key=f"{k}_cm", placeholder=_("Choose the members"),
        )  # fmt: skip
        if st.form_submit_button(_("Save section") if current else _("Create section")):
            _save(
                lambda: courses.save_section(
                    ctx, actor=actor, section_id=current.id if current else None,
                    course_id=current.course_id if current else course_id, section=label, semester=semester,
                    academic_year=year, capacity=capacity, coordinator_id=coordinator, committee_ids=members,
                ),
                lambda row: [_("Section {course} sec {section} saved.", course=row.course_code,
                                section=row.section), *(tr(w) for w in courses.section_warnings(row))],
                reset=current is None,
            )  # fmt: skip
