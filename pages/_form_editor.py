"""The evaluation forms: each kind's newest version as an editable table of weighted criteria. A form in
use is never changed: saving it makes a new version (and the page says so)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import placements
from core.access import Actor, Permission
from core.context import AppContext
from core.i18n import N_
from core.placements import rules
from pages._ui import _, act, formatted, run_action

COLUMNS = {
    "section_th": N_("Section (Thai)"),
    "section_en": N_("Section (English)"),
    "text_th": N_("Criterion (Thai)"),
    "text_en": N_("Criterion (English)"),
    "weight": N_("Weight"),
}


def show(ctx: AppContext, actor: Actor) -> None:
    """Pick a kind, edit its newest form version, save (in place, or as a new version when in use)."""
    if not actor.can(Permission.MANAGE_EVALUATION_FORMS):
        st.info(_("Only the office changes the evaluation forms."))
        return
    forms = run_action(lambda: placements.current_forms(ctx, actor=actor))
    if not forms:
        return
    by_kind = {f.kind: f for f in forms}
    kind = st.selectbox(
        _("Form"),
        list(by_kind),
        format_func=formatted(by_kind, lambda k: _(rules.KIND_LABELS[k])),
        key="fe_kind",
    )
    form = by_kind[kind]
    st.caption(
        _(
            "Version {version} · weights add up to {total}",
            version=form.version,
            total=sum(c.weight for c in form.criteria),
        )
    )
    if form.in_use:
        st.warning(
            _(
                "Evaluations have started on this version: saving makes version {n}; those evaluations keep "
                "their version.",
                n=form.version + 1,
            )
        )
    with st.form(f"fe_{kind}_{form.version}", enter_to_submit=False):
        left, right = st.columns(2)
        name_th = left.text_input(_("Name (Thai)"), form.name_th)
        name_en = right.text_input(_("Name (English)"), form.name_en)
        low, high, notes = st.columns(3)
        scale_min = low.number_input(_("Lowest score"), 0, 9, form.scale_min)
        scale_max = high.number_input(_("Highest score"), 1, 10, form.scale_max)
        comments = notes.checkbox(_("Comments"), form.comments)
        rows = pd.DataFrame(
            [{c: getattr(x, c) for c in COLUMNS} for x in form.criteria], columns=list(COLUMNS)
        )
        edited = st.data_editor(
            rows,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={c: _(label) for c, label in COLUMNS.items()},
        )
        if st.form_submit_button(_("Save form")):
            act(
                lambda: placements.save_form(
                    ctx,
                    actor=actor,
                    kind=kind,
                    name_th=name_th,
                    name_en=name_en,
                    scale_min=scale_min,
                    scale_max=scale_max,
                    comments=comments,
                    criteria=pd.DataFrame(edited).to_dict("records"),
                ),
                lambda saved: (
                    _("Saved as version {n}.", n=saved.form.version)
                    if saved.new_version
                    else _("Form saved.")
                ),
            )
