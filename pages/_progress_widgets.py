"""Widgets of the progress page: the filter row, clickable charts and the drill-down table."""

from typing import Any

import streamlit as st

from core import progress
from core.access import Actor
from core.context import AppContext
from core.progress import ProgressFilters
from pages._ui import plain, run_action

ALL = None
DRILL = "progress_drill"


def _pick(label: str, choices: list[Any], names: dict[Any, str] | None = None, index: int = 0) -> Any:
    shown = names or {}
    return st.selectbox(
        label,
        [ALL, *choices],
        index=index,
        format_func=lambda v: "All" if v is None else shown.get(v, str(v)),
    )


def filter_row(options: Any) -> tuple[ProgressFilters, float]:
    """Year (opening on the current one), semester, faculty, its programs, course and the target (%)."""
    cols = st.columns(6)
    years = list(options.years)
    with cols[0]:
        opening = years.index(options.default_year) + 1 if options.default_year in years else 0
        year = _pick("Academic year", years, index=opening)
    with cols[1]:
        semester = _pick("Semester", [1, 2, 3])
    with cols[2]:
        faculty = _pick("Faculty", [i for i, _ in options.faculties], dict(options.faculties))
    with cols[3]:
        programs = options.programs_of(faculty)
        program = _pick("Program", [i for i, _ in programs], dict(programs))
    with cols[4]:
        course = _pick("Course", [i for i, _ in options.courses], dict(options.courses))
    with cols[5]:
        target = st.number_input("Placement target (%)", value=80.0, step=5.0, format="%.0f")
    return ProgressFilters(year, semester, faculty, program, course), float(target)


def _remember(key: str, dimension: str) -> None:
    points = st.session_state[key]["selection"]["points"]
    if points:
        value = points[0].get("customdata")
        value = value[0] if isinstance(value, list) else value
        st.session_state[DRILL] = None if value == progress.OTHERS else (dimension, str(value))


def chart(fig: Any, key: str, dimension: str) -> None:
    """A plotly chart whose clicked bar or stage becomes the drill-down selection."""
    st.plotly_chart(fig, key=key, on_select=lambda: _remember(key, dimension), selection_mode="points")


def drilldown(ctx: AppContext, actor: Actor, filters: ProgressFilters) -> None:
    """The registrations behind the clicked bar, each with a link to its page."""
    drill = st.session_state.get(DRILL)
    if not drill:
        st.caption("Click a bar or a funnel stage to list the registrations behind it.")
        return
    dimension, value = drill
    st.subheader(plain(f"Registrations behind the selection ({dimension}: {value})"))
    found = run_action(
        lambda: progress.drilldown(ctx, actor=actor, dimension=dimension, value=value, filters=filters)
    )
    if found is not None:
        if found.truncated:
            st.caption(
                f"The {len(found.rows):,} longest in their state of {found.total:,}; "
                "the export below has every registration."
            )
        rows = found.rows
        links = rows.assign(open="registration?id=" + rows["id"].astype(str))
        st.dataframe(
            links,
            hide_index=True,
            width="stretch",
            column_config={"open": st.column_config.LinkColumn("Open", display_text="Open")},
        )
    if st.button("Clear selection"):
        st.session_state.pop(DRILL, None)
        st.rerun()


def overdue_definition(days: int) -> str:
    """What "overdue" means, the same on every page that counts it."""
    return (
        f"Overdue: waiting for the office (submitted, advisor approved or committee approved) for "
        f"{days} days or more. A registration that needs changes waits for the student and is never overdue."
    )
