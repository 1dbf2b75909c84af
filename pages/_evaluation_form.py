"""A placement's evaluations: their states and totals, and typing one in (a draft, or submitted once)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core import evaluation_links, placements
from core.access import Actor, Permission
from core.context import AppContext
from core.i18n import N_
from core.placements import EvaluationView, PlacementView, rules
from pages._ui import _, act, day, formatted, lang, plain, when

COLUMNS = {
    "kind": N_("Evaluation"),
    "state": N_("Status"),
    "due": N_("Due"),
    "total": N_("Total (%)"),
    "required": N_("Required"),
}


def _kind(value: str) -> str:
    return _(rules.KIND_LABELS[value])


def _table(view: PlacementView) -> None:
    rows = [
        {
            "kind": _kind(e.kind),
            "state": _(rules.EVALUATION_LABELS[e.state]),
            "due": day(e.due_on),
            "total": "—" if e.total is None else f"{e.total:.2f}",
            "required": _("Yes") if e.kind in view.required else _("No"),
        }
        for e in view.evaluations
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=list(COLUMNS)),
        hide_index=True,
        width="stretch",
        column_config={c: _(label) for c, label in COLUMNS.items()},
    )


def score_inputs(form: Any, key: str, values: dict[int, Any], weights: bool) -> dict[int, object]:
    """Inside an st.form: the form's name, its scale, and one score input per criterion under its
    section heading (with the criterion's weight for the office). Returns the scores by criterion id."""
    thai = lang() == "th"
    st.markdown("**" + plain(form.name_th if thai else form.name_en) + "**")
    st.caption(_("Score each criterion from {low} to {high}.", low=form.scale_min, high=form.scale_max))
    scores: dict[int, object] = {}
    section = None
    for c in form.criteria:
        heading = c.section_th if thai else c.section_en
        if heading != section:
            st.markdown(plain(heading))
            section = heading
        text = c.text_th if thai else c.text_en
        label = (
            _("{n}. {criterion} (weight {weight})", n=c.position, criterion=text, weight=c.weight)
            if weights
            else _("{n}. {criterion}", n=c.position, criterion=text)
        )
        scores[c.id] = st.number_input(
            label,
            min_value=form.scale_min,
            max_value=form.scale_max,
            step=1,
            value=values.get(c.id),
            key=f"{key}_{c.id}",
        )
    return scores


def _form(ctx: AppContext, actor: Actor, e: EvaluationView) -> None:
    form = e.form
    with st.form(f"pl_eval_{e.id}", enter_to_submit=False):
        scores = score_inputs(form, f"pl_score_{e.id}", e.scores, weights=True)
        name = st.text_input(_("Evaluator's name (as on the paper form)"), e.evaluator_name or "")
        comments = st.text_area(_("Comments"), e.comments or "") if form.comments else None
        left, right = st.columns(2)
        if left.form_submit_button(_("Save draft")):
            act(
                lambda: placements.save_evaluation(
                    ctx,
                    actor=actor,
                    evaluation_id=e.id,
                    scores=scores,
                    comments=comments,
                    evaluator_name=name,
                ),
                _("Evaluation saved as a draft."),
            )
        if right.form_submit_button(_("Submit evaluation"), type="primary"):
            act(
                lambda: placements.save_evaluation(
                    ctx,
                    actor=actor,
                    evaluation_id=e.id,
                    scores=scores,
                    comments=comments,
                    evaluator_name=name,
                    submit=True,
                ),
                lambda r: _("Evaluation submitted: total {total}%.", total=format(r.total, ".2f")),
            )


def _supervisor_link(ctx: AppContext, actor: Actor, view: PlacementView) -> None:
    waiting = [e for e in view.evaluations if e.kind == "supervisor" and e.state != rules.SUBMITTED]
    if not waiting or not actor.can(Permission.SEND_EVALUATION_LINKS):
        return
    if st.button(
        _("Send the supervisor a new evaluation link"),
        key=f"pl_link_{waiting[0].id}",
        help=_("The supervisor gets a one-time link by e-mail; any earlier link stops working."),
    ):
        act(
            lambda: evaluation_links.send_link(ctx, actor=actor, evaluation_id=waiting[0].id),
            lambda sent: _(
                "The link was sent to {to}; it works until {date}.",
                to=sent.recipient,
                date=when(sent.expires_at),
            ),
        )


def show(ctx: AppContext, actor: Actor, view: PlacementView) -> None:
    """The evaluations of one placement; while it is editable, one of them to fill in."""
    st.markdown("**" + plain(_("Evaluations")) + "**")
    _table(view)
    open_ones = {e.id: _kind(e.kind) for e in view.evaluations if e.state != rules.SUBMITTED}
    if not view.editable or not open_ones:
        return
    _supervisor_link(ctx, actor, view)
    chosen = st.selectbox(
        _("Fill in an evaluation"),
        list(open_ones),
        index=None,
        format_func=formatted(open_ones, open_ones.get),
        placeholder=_("Choose an evaluation"),
        key="pl_eval_pick",
    )
    found = next((e for e in view.evaluations if e.id == chosen), None)
    if found is not None:
        _form(ctx, actor, found)
