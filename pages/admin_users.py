"""Users (admin): list, create, role, activation, password reset, unlock, sessions."""

import pandas as pd
import streamlit as st

from core.access import DEFAULT_NEW_ROLE, ROLE_LABELS, Permission, Role
from core.auth import users
from core.i18n import N_
from pages._ui import (
    _,
    act,
    confirm,
    context,
    formatted,
    guard,
    ngettext,
    plain,
    run_action,
    show_flash,
    when,
)

COLUMNS = {
    "username": N_("Username"),
    "full_name": N_("Full name"),
    "email": N_("Email"),
    "role": N_("Role"),
    "active": N_("Active"),
    "locked": N_("Locked"),
    "must_change_password": N_("Must change password"),
    "last_login_at": N_("Last sign-in"),
}
SHOWN_ONCE = "um_shown_once"  # a temporary password, shown once after the rerun that follows its creation
ROLES = list(Role)


def _with_password(action, username: str):  # type: ignore[no-untyped-def]
    """Keep the temporary password `action` returns for the next run, which shows it once."""

    def run() -> object:
        result = action()  # create_user returns (row, password), reset_password the password
        st.session_state[SHOWN_ONCE] = (username, result if isinstance(result, str) else result[1])
        return result

    return run


def _role(value: object) -> str:
    return _(ROLE_LABELS[Role(value)])


actor = guard(Permission.MANAGE_USERS)
ctx = context()
st.title(_("Users"))
show_flash()
if shown := st.session_state.pop(SHOWN_ONCE, None):
    st.info(
        plain(
            _(
                "Temporary password for {user}, shown once: copy it now and hand it over in person.",
                user=shown[0],
            )
        )
    )
    st.code(shown[1], language=None)

col1, col2 = st.columns([3, 1])
text = col1.text_input(_("Filter by name, username or email"), key="um_filter")
role_filter = col2.selectbox(
    _("Role"),
    [None, *ROLES],
    format_func=formatted([None, *ROLES], lambda r: _("(all)") if r is None else _role(r)),
    placeholder=_("(all)"),
    key="um_role",
)
rows = run_action(lambda: users.list_users(ctx, actor=actor, text=text, role=role_filter)) or []
frame = pd.DataFrame(
    [
        {
            "username": r.username,
            "full_name": r.full_name,
            "email": r.email or "",
            "role": _role(r.role),
            "active": r.active,
            "locked": r.locked,
            "must_change_password": r.must_change_password,
            "last_login_at": when(r.last_login_at),
        }
        for r in rows
    ],
    columns=list(COLUMNS),
)
st.dataframe(frame, hide_index=True, width="stretch", column_config={c: _(h) for c, h in COLUMNS.items()})
if not rows:
    st.info(_("No user matches. Clear the filter, or create the user below."))

with st.expander(_("Create a user")), st.form("create_user", clear_on_submit=True):
    username = st.text_input(_("New username"), key="um_new_username")
    full_name = st.text_input(_("Full name (Thai or English)"), key="um_new_name")
    email = st.text_input(_("Email address"), key="um_new_email")
    role = st.selectbox(
        _("Role of the new user"),
        ROLES,
        index=ROLES.index(DEFAULT_NEW_ROLE),
        format_func=formatted(ROLES, _role),
        key="um_new_role",
    )
    if st.form_submit_button(_("Create user")):
        name = username.strip().lower()
        create = lambda: users.create_user(  # noqa: E731
            ctx, actor=actor, username=username, full_name=full_name, role=role.value, email=email
        )
        act(_with_password(create, name), _("Created {user} ({role}).", user=name, role=_role(role)))

st.subheader(_("Manage a user"))
by_id = {r.id: r for r in rows}
chosen = st.selectbox(
    _("User"),
    list(by_id),
    format_func=lambda i: f"{by_id[i].username} — {by_id[i].full_name}",
    index=None,
    placeholder=_("Choose a user"),
    key="um_pick",
)
if chosen is not None:
    target = by_id[chosen]
    c1, c2, c3, c4 = st.columns(4)
    new_role = c1.selectbox(
        _("Change role to"),
        ROLES,
        index=ROLES.index(Role(target.role)),
        format_func=formatted(ROLES, _role),
        key="um_role_to",
    )
    if c1.button(_("Save role"), key="um_save_role"):
        act(
            lambda: users.change_role(ctx, actor=actor, user_id=target.id, role=new_role.value),
            _("Role changed."),
        )
    if not target.active and c2.button(_("Reactivate"), key="um_reactivate"):
        act(
            lambda: users.set_active(ctx, actor=actor, user_id=target.id, active=True),
            _("{user} reactivated.", user=target.username),
        )
    if target.active and c2.button(_("Deactivate"), key="um_deactivate"):
        confirm(
            "um_deactivate",
            _("Deactivate {user}?", user=target.username),
            [
                _(
                    "{name} will be signed out everywhere and cannot sign in until reactivated.",
                    name=target.full_name,
                )
            ],
            lambda: users.set_active(ctx, actor=actor, user_id=target.id, active=False),
            _("{user} deactivated; their sessions ended.", user=target.username),
            label=_("Deactivate"),
        )
    if c3.button(_("Reset password"), key="um_reset"):
        reset = lambda: users.reset_password(ctx, actor=actor, user_id=target.id)  # noqa: E731
        act(
            _with_password(reset, target.username),
            _("Password of {user} reset; their sessions ended.", user=target.username),
        )
    if c4.button(_("Unlock"), disabled=not target.locked, key="um_unlock"):
        act(lambda: users.unlock(ctx, actor=actor, user_id=target.id), _("Unlocked."))
    live = run_action(lambda: users.sessions_of(ctx, actor=actor, user_id=target.id)) or []
    st.write(_("{n} active sessions", n=len(live)))
    for s in live:
        cols = st.columns([4, 1])
        cols[0].text(_("#{id} since {since} from {ip}", id=s.id, since=when(s.created_at), ip=s.ip or "—"))
        if cols[1].button(_("Revoke"), key=f"revoke-{s.id}"):
            act(
                lambda sid=s.id: users.revoke_session(ctx, actor=actor, session_id=sid), _("Session revoked.")
            )

st.subheader(_("All sessions"))
if st.button(_("Sign everyone out"), key="um_revoke_all"):
    confirm(
        "um_revoke_all",
        _("Sign every user out?"),
        [_("Every session but this one ends at once: everyone signs in again. Use it after an incident.")],
        lambda: users.revoke_all_sessions(ctx, actor=actor),
        lambda ended: ngettext("Ended {n} session.", "Ended {n} sessions.", ended),
        label=_("Sign everyone out"),
    )
