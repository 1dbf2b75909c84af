"""Users (admin): list, create, role, activation, password reset, unlock, sessions."""

import pandas as pd
import streamlit as st

from core import users
from core.access import ROLE_NAMES as ROLES
from core.access import Permission
from pages._ui import context, guard, plain, run_action

actor = guard(Permission.MANAGE_USERS)
ctx = context()
st.title("Users")

col1, col2 = st.columns([3, 1])
text = col1.text_input("Filter by name, username or email")
role_filter = col2.selectbox("Role", ["(all)", *ROLES])
rows = (
    run_action(
        lambda: users.list_users(
            ctx, actor=actor, text=text, role=None if role_filter == "(all)" else role_filter
        )
    )
    or []
)
frame = pd.DataFrame([r.__dict__ for r in rows])
st.dataframe(frame, hide_index=True, width="stretch")

with st.expander("Create a user"), st.form("create_user", clear_on_submit=True):
    username = st.text_input("New username")
    full_name = st.text_input("Full name (Thai or English)")
    email = st.text_input("Email address")
    role = st.selectbox("Role of the new user", ROLES)
    if st.form_submit_button("Create user"):
        created = run_action(
            lambda: users.create_user(
                ctx, actor=actor, username=username, full_name=full_name, role=role, email=email
            )
        )
        if created:
            st.success(plain(f"Created {created[0].username}. Temporary password (shown once): {created[1]}"))

st.subheader("Manage a user")
by_name = {f"{r.username} — {r.full_name}": r for r in rows}
chosen = st.selectbox("User", list(by_name), index=None, placeholder="Choose a user")
if chosen:
    target = by_name[chosen]
    c1, c2, c3, c4 = st.columns(4)
    new_role = c1.selectbox("Change role to", ROLES, index=ROLES.index(target.role))
    if c1.button("Save role"):
        run_action(
            lambda: users.change_role(ctx, actor=actor, user_id=target.id, role=new_role),
            success="Role changed.",
        )
    if c2.button("Reactivate" if not target.active else "Deactivate"):
        run_action(
            lambda: users.set_active(ctx, actor=actor, user_id=target.id, active=not target.active),
            success="Saved.",
        )
    if c3.button("Reset password"):
        secret = run_action(lambda: users.reset_password(ctx, actor=actor, user_id=target.id))
        if secret:
            st.success(plain(f"Temporary password (shown once): {secret}"))
    if c4.button("Unlock", disabled=not target.locked):
        run_action(lambda: users.unlock(ctx, actor=actor, user_id=target.id), success="Unlocked.")
    live = run_action(lambda: users.sessions_of(ctx, actor=actor, user_id=target.id)) or []
    st.write(f"{len(live)} active session(s)")
    for s in live:
        cols = st.columns([4, 1])
        cols[0].text(f"#{s.id} since {s.created_at:%Y-%m-%d %H:%M} from {s.ip or '—'}")
        if cols[1].button("Revoke", key=f"revoke-{s.id}"):
            run_action(
                lambda sid=s.id: users.revoke_session(ctx, actor=actor, session_id=sid),
                success="Session revoked.",
            )
