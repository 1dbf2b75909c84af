"""Users (admin): list, create, role, activation, password reset, unlock, sessions."""

import pandas as pd
import streamlit as st

from core.access import DEFAULT_NEW_ROLE, Permission
from core.access import ROLE_NAMES as ROLES
from core.auth import users
from pages._ui import context, flash, guard, plain, run_action, show_flash

SHOWN_ONCE = "um_shown_once"  # a temporary password, shown once after the rerun that follows its creation


def _done(action, message: str, secret_for: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Run a change; on success say so and rerun, so the list and the buttons show the new state."""
    result = run_action(lambda: [action()])  # some changes return nothing
    if result is not None:
        flash(message)
        if secret_for is not None:  # create_user returns (row, password), reset_password the password
            secret = result[0] if isinstance(result[0], str) else result[0][1]
            st.session_state[SHOWN_ONCE] = (secret_for, secret)
        st.rerun()


actor = guard(Permission.MANAGE_USERS)
ctx = context()
st.title("Users")
show_flash()
if shown := st.session_state.pop(SHOWN_ONCE, None):
    st.info(plain(f"Temporary password for {shown[0]}, shown once: copy it now and hand it over in person."))
    st.code(shown[1], language=None)

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
    role = st.selectbox(
        "Role of the new user", ROLES, index=ROLES.index(DEFAULT_NEW_ROLE.value), key="um_new_role"
    )
    if st.form_submit_button("Create user"):
        _done(
            lambda: users.create_user(
                ctx, actor=actor, username=username, full_name=full_name, role=role, email=email
            ),
            f"Created {username.strip().lower()} ({role}).",
            secret_for=username.strip().lower(),
        )

st.subheader("Manage a user")
by_id = {r.id: r for r in rows}
chosen = st.selectbox(
    "User",
    list(by_id),
    format_func=lambda i: f"{by_id[i].username} — {by_id[i].full_name}",
    index=None,
    placeholder="Choose a user",
    key="um_pick",
)
if chosen is not None:
    target = by_id[chosen]
    c1, c2, c3, c4 = st.columns(4)
    new_role = c1.selectbox("Change role to", ROLES, index=ROLES.index(target.role))
    if c1.button("Save role"):
        _done(lambda: users.change_role(ctx, actor=actor, user_id=target.id, role=new_role), "Role changed.")
    if c2.button("Reactivate" if not target.active else "Deactivate"):
        verb = "reactivated" if not target.active else "deactivated; their sessions ended"
        _done(
            lambda: users.set_active(ctx, actor=actor, user_id=target.id, active=not target.active),
            f"{target.username} {verb}.",
        )
    if c3.button("Reset password"):
        _done(
            lambda: users.reset_password(ctx, actor=actor, user_id=target.id),
            f"Password of {target.username} reset; their sessions ended.",
            secret_for=target.username,
        )
    if c4.button("Unlock", disabled=not target.locked):
        _done(lambda: users.unlock(ctx, actor=actor, user_id=target.id), "Unlocked.")
    live = run_action(lambda: users.sessions_of(ctx, actor=actor, user_id=target.id)) or []
    st.write(f"{len(live)} active session(s)")
    for s in live:
        cols = st.columns([4, 1])
        cols[0].text(f"#{s.id} since {s.created_at:%Y-%m-%d %H:%M} from {s.ip or '—'}")
        if cols[1].button("Revoke", key=f"revoke-{s.id}"):
            _done(lambda sid=s.id: users.revoke_session(ctx, actor=actor, session_id=sid), "Session revoked.")
