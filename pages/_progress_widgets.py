"""Widgets of the progress page: the filter row, clickable charts and the drill-down table."""

from typing import Any

import streamlit as st

from core import progress
from core.access import Actor
from core.context import AppContext
from core.i18n import N_, year_ce
from core.progress import ProgressFilters
from core.registrations import states
from pages import _url as url
from pages._ui import _, formatted, plain, run_action, shown_year

ALL = None
EVERY_YEAR = 0  # the year filter's "All" (None means: open on the current year)
DRILL = "progress_drill"
PARAMS = {
    "pg_year": url.Param("year", "int"),
    "pg_sem": url.Param("sem", "int"),
    "pg_faculty": url.Param("faculty", "int"),
    "pg_program": url.Param("program", "int"),
    "pg_course": url.Param("course", "int"),
    "pg_target": url.Param("target", "int", 80),
}


def _pick(label: str, key: str, choices: list[Any], names: dict[Any, str] | None = None) -> Any:
    names_ = names or {}
    if st.session_state.get(key) not in choices:
        st.session_state[key] = ALL  # a URL value that names nothing offered
    return st.selectbox(
        label,
        [ALL, *choices],
        format_func=formatted([ALL, *choices], lambda v: _("All") if v is None else names_.get(v, str(v))),
        placeholder=_("All"),  # ALL (None) shows as the placeholder
        key=key,
    )


def _year(options: Any) -> int | None:
    """The year filter: BE or CE in the URL, shown as the reader writes years, opening on the current one."""
    state, years = st.session_state, list(options.years)
    if state.get("pg_year") not in (EVERY_YEAR, None):
        state["pg_year"] = year_ce(int(state["pg_year"]))
    if state.get("pg_year") not in [EVERY_YEAR, *years]:
        state["pg_year"] = options.default_year if options.default_year in years else EVERY_YEAR
    year = st.selectbox(
        _("Academic year"),
        [EVERY_YEAR, *years],
        format_func=formatted(
            [EVERY_YEAR, *years], lambda y: _("All") if y == EVERY_YEAR else str(shown_year(y))
        ),
        key="pg_year",
    )
    return None if year == EVERY_YEAR else int(year)


def filter_row(options: Any) -> tuple[ProgressFilters, float]:
    """Year (opening on the current one), semester, faculty, its programs, course and the target (%).
    Every filter lives in the URL, so a view can be shared as a link."""
    url.restore(PARAMS)
    cols = st.columns(6)
    with cols[0]:
        year = _year(options)
    with cols[1]:
        semester = _pick(_("Semester"), "pg_sem", [1, 2, 3])
    with cols[2]:
        faculties = dict(options.faculties)
        faculty = _pick(_("Faculty"), "pg_faculty", list(faculties), faculties)
    with cols[3]:
        programs = options.programs_of(faculty)
        program = _pick(_("Program"), "pg_program", [i for i, _n in programs], dict(programs))
    with cols[4]:
        course = _pick(_("Course"), "pg_course", [i for i, _n in options.courses], dict(options.courses))
    with cols[5]:
        target = st.number_input(_("Placement target (%)"), step=5, key="pg_target")
    url.store(PARAMS)
    return ProgressFilters(year, semester, faculty, program, course), float(target)


def _remember(key: str, dimension: str) -> None:
    points = st.session_state[key]["selection"]["points"]
    if points:
        value = points[0].get("customdata")
        value = value[0] if isinstance(value, list) else value
        shown = points[0].get("y") if dimension in progress.DIMENSIONS else None  # a bar's own label
        st.session_state[DRILL] = None if value == progress.OTHERS else (dimension, str(value), shown)


def chart(fig: Any, key: str, dimension: str) -> None:
    """A plotly chart whose clicked bar or stage becomes the drill-down selection."""
    st.plotly_chart(fig, key=key, on_select=lambda: _remember(key, dimension), selection_mode="points")


DRILL_COLUMNS = {
    "id": N_("ID"),
    "student_code": N_("Student code"),
    "student_name": N_("Student"),
    "status": N_("Status"),
    "days_in_state": N_("Days in state"),
}
DIMENSION_LABELS = {
    "stage": N_("Stage"),
    "status": N_("Status"),
    "faculty": N_("Faculty"),
    "program": N_("Program"),
    "course": N_("Course"),
    "company": N_("Company"),
    "province": N_("Province"),
}


def value_label(dimension: str, value: str, shown: object = None) -> str:
    """A drilled value as the reader reads it: a status or stage by its name, a group by its bar's label."""
    if dimension in ("stage", "status") and value in states.VALUES:
        return _(states.label(value))
    return shown if isinstance(shown, str) else value


def drilldown(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """The registrations behind the clicked bar, each with a link to its page."""
    drill = st.session_state.get(DRILL)
    if not drill:
        st.caption(_("Click a bar or a funnel stage to list the registrations behind it."))
        return
    dimension, value, *shown = drill
    st.subheader(
        plain(
            _(
                "Registrations behind the selection ({dimension}: {value})",
                dimension=_(DIMENSION_LABELS.get(dimension, dimension)),
                value=value_label(dimension, value, *shown),
            )
        )
    )
    found = run_action(
        lambda: progress.drilldown(ctx, actor=actor, dimension=dimension, value=value, filters=filters)
    )
    if found is not None:
        if found.truncated:
            st.caption(
                _(
                    "The {shown:,} longest in their state of {total:,}; "
                    "the export below has every registration.",
                    shown=len(found.rows),
                    total=found.total,
                )
            )
        rows = found.rows
        links = rows.assign(
            open="registration?id=" + rows["id"].astype(str),
            status=[_(states.label(s)) for s in rows["status"]],
        )
        st.dataframe(
            links,
            hide_index=True,
            width="stretch",
            column_config={c: _(label) for c, label in DRILL_COLUMNS.items()}
            | {"open": st.column_config.LinkColumn(_("View"), display_text=_("View"))},
        )
    if st.button(_("Clear selection")):
        st.session_state.pop(DRILL, None)
        st.rerun()


def overdue_definition(days: int) -> str:
    """What "overdue" means, the same on every page that counts it."""
    return _(
        "Overdue: waiting for the office (submitted, advisor approved or committee approved) for {days} days "
        "or more. A registration that needs changes waits for the student and is never overdue.",
        days=days,
    )
