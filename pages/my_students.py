"""My students (advisors): placed students, the next visit, overdue evaluations; open one to work on it."""

import streamlit as st

from core import placements
from core.access import Permission
from pages import _placement_list
from pages._ui import _, context, guard, run_action, show_flash

actor = guard(Permission.VIEW_MY_STUDENTS)
ctx = context()
st.title(_("My students"))
show_flash()
labels = {
    "all": _("All"),
    "visits": _("Visits overdue"),
    "evaluations": _("Evaluations overdue"),
    "any": _("Anything overdue"),
}
left, right = st.columns([2, 1])
late = left.segmented_control(_("Show"), list(labels), format_func=labels.get, default="all", key="ms_late")
finished = right.toggle(_("Include completed and failed"), key="ms_finished")
frame = run_action(
    lambda: placements.my_students(
        ctx, actor=actor, finished=finished, overdue=None if late in (None, "all") else late
    )
)
if frame is None:
    st.stop()
if frame.empty:
    st.info(
        _(
            "None of your students is placed yet, or nothing matches. Placed students appear here once the "
            "office confirms their placement."
        )
    )
    st.stop()
_placement_list.table(frame, "ms_table")
_placement_list.opener(ctx, actor, frame, "ms_open")
