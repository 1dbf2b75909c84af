"""The workplace supervisor's evaluation form, opened from the one-time link in their mail (no sign-in).

The token leaves the address bar at once (kept in this browser session only), so it is not left in
the history or sent on as a referrer. The page shows the student's name, the company, the period and
the form; nothing else.
"""

import streamlit as st

from core import evaluation_links
from pages._evaluation_form import score_inputs
from pages._ui import _, client_ip, context, day, lang, plain, run_action

KEPT_AS = "evaluation_token"  # the session_state key of the link's token
token = st.query_params.get("t")
if token:
    st.session_state[KEPT_AS] = token
    st.query_params.clear()
token = st.session_state.get(KEPT_AS, "")
ctx = context()
st.title(_("Internship evaluation"))
if st.session_state.get("evaluation_done"):
    st.success(_("Thank you. Your evaluation was sent to the internship office."))
    st.stop()
shown = run_action(lambda: evaluation_links.open_link(ctx, token=token, address=client_ip()))
if shown is None:
    st.stop()
thai, form = lang() == "th", shown.form
st.markdown(plain(_("Student: {name}", name=shown.student_th if thai else shown.student_en)))
st.markdown(plain(_("Company: {company}", company=shown.company)))
st.markdown(plain(_("Period: {start} – {end}", start=day(shown.start_date), end=day(shown.end_date))))
with st.form("supervisor_evaluation", enter_to_submit=False):
    scores = score_inputs(form, "sv", {}, weights=False)
    name = st.text_input(_("Your name"), max_chars=200)
    comments = st.text_area(_("Comments"), max_chars=5000) if form.comments else None
    st.caption(_("You can send this form once; it cannot be changed afterwards."))
    if st.form_submit_button(_("Send the evaluation"), type="primary"):
        done = run_action(
            lambda: (
                evaluation_links.submit_by_link(
                    ctx,
                    token=token,
                    scores=scores,
                    evaluator_name=name,
                    comments=comments,
                    address=client_ip(),
                )
                or True
            )
        )
        if done:
            st.session_state.pop(KEPT_AS, None)
            st.session_state["evaluation_done"] = True
            st.rerun()
