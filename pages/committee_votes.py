"""Committee votes: the registrations waiting for my vote on any committee I sit on, whoever advises them."""

import streamlit as st

from core import registrations
from core.access import Permission
from pages import _registration_detail as detail
from pages import _selection as selection
from pages._ui import context, guard, run_action, show_flash

TABLE = "cv_table"
COLUMNS = ["id", "student_code", "student", "course", "section", "term", "advisor", "days_waiting",
           "approvals", "rejections", "quorum", "my_vote"]  # fmt: skip

actor = guard(Permission.VOTE_COMMITTEE)
ctx = context()
st.title("Committee votes")
show_flash()
if (last := st.session_state.pop(detail.LAST, None)) is not None:
    detail.outcome(ctx, actor, int(last))
st.caption(
    "Registrations the advisor approved, in sections whose committee you sit on. The committee decides "
    "once the quorum (more than half of its members) has voted."
)
voted_too = st.toggle("Also show the ones I voted on (voting still open)", key="cv_all")
selection.clear_on_change(TABLE, voted_too)
frame = run_action(lambda: registrations.awaiting_votes(ctx, actor=actor, include_voted=voted_too))
if frame is None:
    st.stop()
if frame.empty:
    st.info("Nothing waits for your vote. New ones appear here when an advisor approves a registration.")
    st.stop()
ticked = selection.selected(TABLE, frame, version_column="version")
st.dataframe(
    frame[COLUMNS],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=TABLE,
    column_config={"days_waiting": "Days waiting", "my_vote": "My vote"},
)
if not ticked:
    st.caption("Select a row to read the registration and cast your vote.")
else:
    detail.show(ctx, actor, next(iter(ticked)))
