"""Review-queue filter widgets built from core.lookups' cached choice lists."""

from __future__ import annotations

import streamlit as st

from core.courses import Lookups

FIELDS = {
    "course_id": ("Course", "courses"),
    "section_id": ("Section", "sections"),
    "faculty_id": ("Faculty", "faculties"),
    "program_id": ("Program", "programs"),
    "advisor_id": ("Advisor", "advisors"),
    "company_id": ("Company", "companies"),
}


def reference_filters(choices: Lookups | None, *, advisor_scoped: bool) -> dict[str, int | None]:
    """One optional selectbox per reference list; returns QueueFilters keyword values."""
    values: dict[str, int | None] = {}
    for field, (label, attr) in FIELDS.items():
        if choices is None or (advisor_scoped and field == "advisor_id"):
            continue
        options = dict(getattr(choices, attr))
        values[field] = st.selectbox(
            label, list(options), format_func=options.get, index=None, key=f"rq_{field}"
        )
    return values
