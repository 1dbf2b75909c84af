"""My profile: name, email, password, and my active sessions."""

import pandas as pd
import streamlit as st

from core.auth import users
from pages._ui import context, current_actor, run_action

actor = current_actor()
if actor is None:
    st.error("You do not have access to this page.")
    st.stop()
ctx = context()
st.title("My profile")
if actor.must_change_password:
    st.warning("You signed in with a temporary password. Please choose a new one below.")

me = run_action(lambda: users.profile(ctx, actor=actor))
if me:
    with st.form("profile"):
        full_name = st.text_input("Full name", value=me.full_name, max_chars=200)
        email = st.text_input("Email", value=me.email or "", max_chars=254)
        if st.form_submit_button("Save profile"):
            run_action(
                lambda: users.update_profile(ctx, actor=actor, full_name=full_name, email=email),
                success="Profile saved.",
            )

st.subheader("Change password")
with st.form("password", clear_on_submit=True):
    current = st.text_input("Current password", type="password")
    new = st.text_input("New password", type="password", help="12–128 characters; not a common password.")
    again = st.text_input("Repeat new password", type="password")
    if st.form_submit_button("Change password"):
        if new != again:
            st.error("The two new passwords differ.")
        elif (
            run_action(lambda: users.change_password(ctx, actor=actor, current=current, new=new)) is not None
        ):
            st.success("Password changed. Your other sessions were signed out.")
            st.rerun()

st.subheader("My active sessions")
mine = run_action(lambda: users.sessions_of(ctx, actor=actor, user_id=actor.user_id)) or []
st.dataframe(
    pd.DataFrame(
        [
            {
                "Signed in (UTC)": s.created_at.strftime("%Y-%m-%d %H:%M"),
                "Last seen (UTC)": s.last_seen_at.strftime("%Y-%m-%d %H:%M"),
                "From": s.ip or "—",
                "Browser": (s.user_agent or "—")[:80],
                "This one": "yes" if s.id == actor.session_id else "",
            }
            for s in mine
        ]
    ),
    hide_index=True,
    width="stretch",
)
if st.button("Sign out everywhere else"):
    ended = run_action(lambda: users.sign_out_elsewhere(ctx, actor=actor))
    if ended is not None:
        st.success(f"Signed out {ended} other session(s).")
