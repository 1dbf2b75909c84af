"""Committee votes: the registrations waiting for my vote on any committee I sit on, whoever advises them."""

import streamlit as st

from core import registrations
from core.access import Permission
from core.i18n import N_
from pages import _registration_detail as detail
from pages import _selection as selection
from pages._ui import _, context, guard, run_action, show_flash, term

TABLE = "cv_table"
COLUMNS = {
    "id": N_("ID"),
    "student_code": N_("Student code"),
    "student": N_("Student"),
    "course": N_("Course"),
    "section": N_("Section"),
    "term": N_("Term"),
    "advisor": N_("Advisor"),
    "days_waiting": N_("Days waiting"),
    "approvals": N_("Approvals"),
    "rejections": N_("Rejections"),
    "quorum": N_("Quorum"),
    "my_vote": N_("My vote"),
}

actor = guard(Permission.VOTE_COMMITTEE)
ctx = context()
st.title(_("Committee votes"))
show_flash()
if (last := st.session_state.pop(detail.LAST, None)) is not None:
    detail.outcome(ctx, actor, int(last))
st.caption(
    _(
        "Registrations the advisor approved, in sections whose committee you sit on. The committee decides "
        "once the quorum (more than half of its members) has voted."
    )
)
voted_too = st.toggle(_("Also show the ones I voted on (voting still open)"), key="cv_all")
selection.clear_on_change(TABLE, voted_too)
frame = run_action(lambda: registrations.awaiting_votes(ctx, actor=actor, include_voted=voted_too))
if frame is None:
    st.stop()
if frame.empty:
    st.info(_("Nothing waits for your vote. New ones appear here when an advisor approves a registration."))
    st.stop()
ticked = selection.selected(TABLE, frame, version_column="version")
shown = frame.assign(
    term=[term(s, y) for s, y in zip(frame["semester"], frame["academic_year"], strict=True)],
    my_vote=[_(detail.VOTES[v]) if v in detail.VOTES else "" for v in frame["my_vote"]],
)
st.dataframe(
    shown[list(COLUMNS)],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=TABLE,
    column_config={c: _(label) for c, label in COLUMNS.items()},
)
if not ticked:
    st.caption(_("Select a row to read the registration and cast your vote."))
else:
    detail.show(ctx, actor, next(iter(ticked)))
