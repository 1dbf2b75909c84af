"""Planning a section's visits in one action: the proposal (by province, spread over the term) in an
editable table, saved all or nothing after a confirmation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core import placements
from core.access import Actor
from core.context import AppContext
from core.i18n import N_
from core.placements import rules
from pages._ui import _, confirm, formatted, ngettext, run_action, term

EDITABLE = ("planned_at", "mode")
HEADERS = {
    "student_code": N_("Student code"),
    "student": N_("Student"),
    "company": N_("Company"),
    "province": N_("Province"),
    "number": N_("Visit"),
    "planned_at": N_("Planned for"),
    "mode": N_("Mode"),
}


def show(ctx: AppContext, actor: Actor, sections: dict[int, Any]) -> None:
    """Pick a section, review and edit the proposed visits, save them."""
    section = st.selectbox(
        _("Section to plan"),
        list(sections),
        index=None,
        placeholder=_("Choose a section"),
        format_func=formatted(
            sections, lambda i: f"{sections[i][1]} {sections[i][2]} · {term(sections[i][3], sections[i][4])}"
        ),
        key="vp_section",
    )
    if section is None:
        st.info(
            _(
                "Choose a section: its placed students' missing visits are proposed, grouped by province "
                "and spread over the term. Edit them before saving."
            )
        )
        return
    proposal = run_action(lambda: placements.propose_visits(ctx, actor=actor, section_id=int(section)))
    if proposal is None:
        return
    if proposal.empty:
        st.info(
            _("Every placed student of this section has all visits planned (or no placement details yet).")
        )
        return
    modes = list(rules.MODE_LABELS)
    edited = st.data_editor(
        proposal,
        hide_index=True,
        width="stretch",
        key=f"vp_editor_{section}",
        disabled=[c for c in proposal.columns if c not in EDITABLE],
        column_order=list(HEADERS),
        column_config={
            **{c: _(label) for c, label in HEADERS.items() if c not in EDITABLE},
            "planned_at": st.column_config.DatetimeColumn(
                _(HEADERS["planned_at"]), format="DD/MM/YYYY HH:mm"
            ),
            "mode": st.column_config.SelectboxColumn(_(HEADERS["mode"]), options=modes, required=True),
        },
    )
    rows = pd.DataFrame(edited).to_dict("records")
    if st.button(ngettext("Save {n} visit", "Save {n} visits", len(rows)), key="vp_save", type="primary"):
        confirm(
            "vp_confirm",
            _("Plan {n} visits?", n=len(rows)),
            [
                ngettext(
                    "This plans {n} visit of section {section}.",
                    "This plans {n} visits of section {section}.",
                    len(rows),
                    section=sections[section][2],
                )
            ],
            lambda: placements.save_visit_plan(ctx, actor=actor, rows=rows),
            lambda n: _("{n} visits planned.", n=n),
            label=_("Plan visits"),
        )
