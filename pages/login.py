"""Sign in."""

import streamlit as st

from core import auth
from pages._ui import _, client_agent, client_ip, context, run_action

st.title(_("Sign in"))
st.caption(_("Internship Management System"))
with st.form("login", clear_on_submit=False):
    username = st.text_input(_("Username"), max_chars=150)
    password = st.text_input(_("Password"), type="password", max_chars=256)
    submitted = st.form_submit_button(_("Log in"), type="primary")

if submitted:
    ip, agent = client_ip(), client_agent()
    result = run_action(lambda: auth.login(context(), username, password, ip=ip, agent=agent))
    if result is not None:
        st.session_state["actor"] = result.actor
        st.session_state["pending_ticket"] = result.ticket
        st.rerun()
