"""A placement's supervision visits: the list with photo thumbnails, planning the next one, recording one
as done (report and photos) and cancelling one (with a reason)."""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import streamlit as st

from core import placements
from core.access import Actor
from core.context import AppContext
from core.i18n import N_
from core.placements import PlacementView, VisitView, rules
from pages._ui import _, act, confirm, formatted, plain, run_action, when

COLUMNS = {
    "number": N_("Visit"),
    "planned": N_("Planned for"),
    "mode": N_("Mode"),
    "visitor": N_("Visitor"),
    "status": N_("Status"),
    "note": N_("Report or reason"),
}
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]


def _table(visits: tuple[VisitView, ...]) -> None:
    rows = [
        {
            "number": v.number,
            "planned": when(v.planned_at),
            "mode": _(rules.MODE_LABELS[v.mode]),
            "visitor": v.visitor or "—",
            "status": _(rules.VISIT_LABELS[v.status]),
            "note": (v.report or v.cancel_reason or "")[:120],
        }
        for v in visits
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=list(COLUMNS)),
        hide_index=True,
        width="stretch",
        column_config={c: _(label) for c, label in COLUMNS.items()},
    )


def _photos(ctx: AppContext, actor: Actor, visits: tuple[VisitView, ...]) -> None:
    for visit in (v for v in visits if v.photos):
        st.caption(_("Photos of visit {n}", n=visit.number))
        for col, photo in zip(st.columns(len(visit.photos)), visit.photos, strict=True):
            thumb = run_action(lambda p=photo: placements.visit_photo(ctx, actor=actor, photo_id=p.id))
            if thumb is not None:
                col.image(thumb.data, caption=plain(photo.filename), width="stretch")


def _plan(ctx: AppContext, actor: Actor, view: PlacementView, active: int) -> None:
    if active >= view.visit_count:
        st.caption(_("All {n} visits of this course are planned or done.", n=view.visit_count))
        return
    choices = dict(view.visitor_choices)
    with st.form("pl_plan", enter_to_submit=False):
        st.markdown("**" + plain(_("Plan a visit")) + "**")
        left, mid, right = st.columns(3)
        on = left.date_input(_("Date"), view.window.first, format="DD/MM/YYYY")
        at = mid.time_input(_("Time"), time(10, 0))
        mode = right.radio(
            _("Mode"),
            list(rules.MODE_LABELS),
            horizontal=True,
            format_func=formatted(rules.MODE_LABELS, lambda m: _(rules.MODE_LABELS[m])),
        )
        visitor = st.selectbox(
            _("Visitor"),
            list(choices),
            format_func=formatted(choices, choices.get),
            index=0 if choices else None,
            placeholder=_("Choose the visitor"),
        )
        if st.form_submit_button(_("Plan visit")):
            act(
                lambda: placements.plan_visit(
                    ctx,
                    actor=actor,
                    registration_id=view.registration_id,
                    planned_at=datetime.combine(on, at),
                    mode=str(mode),
                    visitor_id=visitor,
                ),
                _("Visit planned."),
            )


def _record(ctx: AppContext, actor: Actor, planned: dict[int, str]) -> None:
    with st.form("pl_record", enter_to_submit=False):
        st.markdown("**" + plain(_("Record a visit as done")) + "**")
        chosen = st.selectbox(
            _("Visit"),
            list(planned),
            format_func=formatted(planned, planned.get),
            index=None,
            placeholder=_("Choose a planned visit"),
            key="pl_record_visit",
        )
        report = st.text_area(_("Visit report (in Thai)"), key="pl_report")
        files = st.file_uploader(
            _("Photos (JPEG, PNG or WEBP, up to 5, at most 5 MB each)"),
            type=PHOTO_TYPES,
            accept_multiple_files=True,
            key="pl_photos",
        )
        if st.form_submit_button(_("Record as done")):
            photos = [(f.name, f.getvalue()) for f in files or []]
            act(
                lambda: placements.record_visit(
                    ctx, actor=actor, visit_id=int(chosen or 0), report=report, photos=photos
                ),
                lambda ids: _("Visit recorded with {n} photos.", n=len(ids)),
            )


def _cancel(ctx: AppContext, actor: Actor, planned: dict[int, str]) -> None:
    with st.expander(_("Cancel a planned visit")):
        chosen = st.selectbox(
            _("Visit to cancel"),
            list(planned),
            format_func=formatted(planned, planned.get),
            index=None,
            placeholder=_("Choose a planned visit"),
            key="pl_cancel_visit",
        )
        reason = st.text_input(_("Reason for cancelling"), key="pl_cancel_reason")
        if st.button(_("Cancel visit"), key="pl_cancel", disabled=chosen is None):
            confirm(
                "pl_cancel_confirm",
                _("Cancel visit?"),
                [planned[int(chosen)], reason],
                lambda: placements.cancel_visit(ctx, actor=actor, visit_id=int(chosen), reason=reason),
                _("Visit cancelled."),
                label=_("Cancel visit"),
            )


def show(ctx: AppContext, actor: Actor, view: PlacementView) -> None:
    """The visits of one placement and, while it is editable, planning, recording and cancelling."""
    st.markdown("**" + plain(_("Supervision visits ({n} required)", n=view.visit_count)) + "**")
    if view.visits:
        _table(view.visits)
        _photos(ctx, actor, view.visits)
    else:
        st.info(_("No visit is planned yet."))
    if not view.editable:
        return
    active = [v for v in view.visits if v.status != "cancelled"]
    _plan(ctx, actor, view, len(active))
    planned = {
        v.id: _("Visit {n} · {at}", n=v.number, at=when(v.planned_at))
        for v in active
        if v.status == "planned"
    }
    if planned:
        _record(ctx, actor, planned)
        _cancel(ctx, actor, planned)
