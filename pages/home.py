"""Home: headline counts and the latest activity."""

import pandas as pd
import streamlit as st

from core import registrations
from core.access import Permission
from pages._ui import context, guard, plain, run_action

actor = guard(Permission.VIEW_HOME)
ctx = context()
st.title("Internship Management System")
st.caption(plain(f"Signed in as {actor.full_name} ({actor.role.value})"))

counts = run_action(lambda: registrations.headline_counts(ctx, actor=actor))
if counts:
    cols = st.columns(4)
    cols[0].metric("Students", f"{counts.students:,}")
    cols[1].metric("Companies", f"{counts.companies:,}")
    cols[2].metric("Open postings", f"{counts.open_postings:,}")
    cols[3].metric("Registrations", f"{counts.registrations:,}")
    if counts.by_status:
        st.subheader("Registrations by status")
        frame = pd.DataFrame(sorted(counts.by_status.items()), columns=["Status", "Registrations"])
        st.dataframe(frame, hide_index=True, width="content")

st.subheader("Latest activity")
events = run_action(lambda: registrations.latest_activity(ctx, actor=actor))
if events:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When (UTC)": e.at.strftime("%Y-%m-%d %H:%M"),
                    "Student": f"{e.student_code} {e.student_name}",
                    "From": e.from_status or "—",
                    "To": e.to_status,
                    "By": e.actor or "—",
                }
                for e in events
            ]
        ),
        hide_index=True,
        width="stretch",
    )
elif events is not None:
    st.info("No registration activity yet.")
