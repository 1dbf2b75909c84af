"""The review queue's filters: widgets whose values live in the URL, and the QueueFilters they make."""

from __future__ import annotations

import streamlit as st

from core.courses import Lookups
from core.i18n import N_, year_ce
from core.registrations import SORTS, QueueFilters, states
from pages import _url as url
from pages._ui import _, formatted, term

REFERENCES = {
    "course_id": (N_("Course"), "courses"),
    "section_id": (N_("Section"), "sections"),
    "faculty_id": (N_("Faculty"), "faculties"),
    "program_id": (N_("Program"), "programs"),
    "advisor_id": (N_("Advisor"), "advisors"),
    "company_id": (N_("Company"), "companies"),
}
WAITING = [s.value for s in states.ORDER if s in states.AWAITING_REVIEW]
PARAMS = {
    "rq_status": url.Param("status", "list", WAITING),
    "rq_text": url.Param("q", "text", ""),
    "rq_year": url.Param("year", "int"),
    "rq_sem": url.Param("sem", "int"),
    "rq_days": url.Param("days", "int", 0),
    "rq_sort": url.Param("sort", "text", "status_changed_at"),
    "rq_ascending": url.Param("asc", "bool", False),
    **{f"rq_{field}": url.Param(field.removesuffix("_id"), "int") for field in REFERENCES},
}


def _valid_state() -> None:
    """URL values that name nothing the widgets offer fall back to their defaults."""
    state = st.session_state
    state["rq_status"] = [s for s in state["rq_status"] if s in {x.value for x in states.Status}]
    if state["rq_sort"] not in SORTS:
        state["rq_sort"] = "status_changed_at"
    if state["rq_sem"] not in (None, 1, 2, 3):
        state["rq_sem"] = None


def filter_widgets(choices: Lookups | None, *, advisor_scoped: bool) -> tuple[QueueFilters, str, bool]:
    """The sidebar's filters; returns the QueueFilters, the sort key and whether it reads ascending."""
    url.restore(PARAMS)
    _valid_state()
    with st.sidebar.expander(_("Queue filters"), expanded=True):
        statuses = st.multiselect(
            _("Status"),
            [s.value for s in states.ORDER],
            format_func=formatted(states.VALUES, lambda s: _(states.label(s))),
            placeholder=_("Any status"),
            key="rq_status",
        )
        text = st.text_input(_("Student code or name starts with"), key="rq_text")
        year = st.number_input(
            _("Academic year (BE or CE)"), min_value=2000, max_value=2800, step=1, key="rq_year"
        )
        semester = st.selectbox(
            _("Semester"),
            [None, 1, 2, 3],
            format_func=formatted([None, 1, 2, 3], lambda s: _("Any") if s is None else str(s)),
            placeholder=_("Any"),  # None (any semester) shows as the placeholder
            key="rq_sem",
        )
        days = st.number_input(_("Waiting at least (days)"), min_value=0, step=1, key="rq_days")
        sort = st.selectbox(
            _("Sort by"),
            list(SORTS),
            format_func=formatted(SORTS, lambda k: _(SORTS[k].label)),
            key="rq_sort",
        )
        shown_ascending = st.toggle(_("Ascending"), key="rq_ascending")
        references = _references(choices, advisor_scoped)
    url.store(PARAMS)
    filters = QueueFilters(
        statuses=tuple(statuses),
        text=text,
        academic_year=year_ce(int(year)) if year else None,
        semester=semester,
        min_days_waiting=int(days) or None,
        **references,
    )
    return filters, sort, shown_ascending


def _references(choices: Lookups | None, advisor_scoped: bool) -> dict[str, int | None]:
    """One optional selectbox per reference list; returns QueueFilters keyword values."""
    values: dict[str, int | None] = {}
    for field, (label, attr) in REFERENCES.items():
        if choices is None or (advisor_scoped and field == "advisor_id"):
            continue
        options = (
            {i: _("{course} sec {section} {term}", course=c, section=sec, term=term(sm, y))
             for i, c, sec, sm, y in choices.sections}
            if attr == "sections"
            else dict(getattr(choices, attr))
        )  # fmt: skip
        if st.session_state.get(f"rq_{field}") not in options:
            st.session_state[f"rq_{field}"] = None
        values[field] = st.selectbox(
            _(label),
            list(options),
            format_func=options.get,
            index=None,
            key=f"rq_{field}",
            placeholder=_("Any"),
        )
    return values
