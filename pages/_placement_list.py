"""The placement table shared by "My students" and "Visits & evaluations", and opening one row."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import placements
from core.access import Actor
from core.context import AppContext
from core.registrations import states
from pages import _placement
from pages._ui import _, day, formatted, ngettext, when

SHOWN = [
    "student_code",
    "student",
    "company",
    "province",
    "status_label",
    "end_label",
    "visits",
    "next_label",
    "evaluations_overdue",
    "result",
]
HEADERS = {
    **placements.HEADERS,
    "status_label": placements.HEADERS["status"],
    "end_label": placements.HEADERS["end_date"],
    "visits": placements.HEADERS["visits_done"],
    "next_label": placements.HEADERS["next_visit"],
    "result": placements.HEADERS["final_result"],
}


def _result(row: pd.Series) -> str:
    if pd.notna(row["final_result"]) and row["final_result"]:
        return str(row["final_result"])
    return "" if pd.isna(row["final_score"]) else f"{float(row['final_score']):.2f}"


def table(frame: pd.DataFrame, key: str) -> None:
    """The placements (at most MAX_ROWS), the late ones flagged."""
    total = len(frame)
    shown = frame.head(placements.MAX_ROWS)
    st.caption(
        ngettext("{n} placement", "{n} placements", total)
        + (_(" · the first {m} are shown; the export has all", m=len(shown)) if total > len(shown) else "")
    )
    view = shown.assign(
        status_label=[_(states.label(s)) for s in shown["status"]],
        end_label=[day(d) if pd.notna(d) else "—" for d in shown["end_date"]],
        visits=[
            f"{d}/{n}" + (" ⚠" if late else "")
            for d, n, late in zip(
                shown["visits_done"], shown["visit_count"], shown["overdue_visits"], strict=True
            )
        ],
        next_label=[when(t.to_pydatetime()) if pd.notna(t) else "—" for t in shown["next_visit"]],
        result=[_result(r) for _i, r in shown.iterrows()] if len(shown) else [],
    )
    st.dataframe(
        view[SHOWN],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={c: _(HEADERS[c]) for c in SHOWN},
    )


def opener(ctx: AppContext, actor: Actor, frame: pd.DataFrame, key: str) -> None:
    """Pick one listed registration and show its workspace."""
    shown = frame.head(placements.MAX_ROWS)
    labels = {
        int(r): f"{c} {n}"
        for r, c, n in zip(shown["registration_id"], shown["student_code"], shown["student"], strict=True)
    }
    if st.session_state.get(key) not in labels:
        st.session_state[key] = None
    chosen = st.selectbox(
        _("Open a placement"),
        list(labels),
        format_func=formatted(labels, labels.get),
        index=None,
        placeholder=_("Choose a student"),
        key=key,
    )
    if chosen is not None:
        st.divider()
        _placement.show(ctx, actor, int(chosen))
