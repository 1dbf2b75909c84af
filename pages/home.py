"""Home: headline counts and the latest activity."""

import pandas as pd
import streamlit as st

from core import registrations
from core.access import ROLE_LABELS, Permission
from core.registrations import states
from pages._ui import _, context, guard, plain, run_action, when

actor = guard(Permission.VIEW_HOME)
ctx = context()
st.title(_("Internship Management System"))
st.caption(plain(_("Signed in as {name} ({role})", name=actor.full_name, role=_(ROLE_LABELS[actor.role]))))

counts = run_action(lambda: registrations.headline_counts(ctx, actor=actor))
if counts:
    cols = st.columns(4)
    cols[0].metric(_("Students"), f"{counts.students:,}")
    cols[1].metric(_("Companies"), f"{counts.companies:,}")
    cols[2].metric(_("Open postings"), f"{counts.open_postings:,}")
    if actor.can(Permission.VIEW_REGISTRATION):
        cols[3].metric(_("Registrations"), f"{counts.registrations:,}")
    if counts.by_status:
        st.subheader(_("Registrations by status"))
        rows = [
            (_(states.label(s)), counts.by_status[s.value])
            for s in states.ORDER
            if s.value in counts.by_status
        ]
        frame = pd.DataFrame(rows, columns=[_("Status"), _("Registrations")])
        st.dataframe(frame, hide_index=True, width="content")

if not actor.can(Permission.VIEW_REGISTRATION):
    st.stop()  # staff work with postings and companies only: no student names or status changes
st.subheader(_("Latest activity"))
events = run_action(lambda: registrations.latest_activity(ctx, actor=actor))
if events:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("When"): when(e.at),
                    _("Student"): f"{e.student_code} {e.student_name}",
                    _("From"): _(states.label(e.from_status)) if e.from_status else "—",
                    _("To"): _(states.label(e.to_status)),
                    _("By"): e.actor or "—",
                }
                for e in events
            ]
        ),
        hide_index=True,
        width="stretch",
    )
elif events is not None:
    st.info(_("No registration activity yet. It appears here as registrations are imported and reviewed."))
