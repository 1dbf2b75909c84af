"""Sign in."""

import streamlit as st

from core import auth
from pages._ui import client_agent, client_ip, context, run_action

st.title("Sign in")
st.caption("Internship Management System")
with st.form("login", clear_on_submit=False):
    username = st.text_input("Username", max_chars=150)
    password = st.text_input("Password", type="password", max_chars=256)
    submitted = st.form_submit_button("Log in", type="primary")

if submitted:
    ip, agent = client_ip(), client_agent()
    result = run_action(lambda: auth.login(context(), username, password, ip=ip, agent=agent))
    if result is not None:
        st.session_state["actor"] = result.actor
        st.session_state["pending_ticket"] = result.ticket
        st.rerun()
