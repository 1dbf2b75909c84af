"""My profile: name, email, language, password, and my active sessions."""

import pandas as pd
import streamlit as st

from core import i18n
from core.auth import users
from pages._ui import _, act, context, current_actor, lang, ngettext, run_action, show_flash, when

actor = current_actor()
if actor is None:
    st.error(_("You do not have access to this page."))
    st.stop()
ctx = context()
st.title(_("My profile"))
show_flash()
if actor.must_change_password:
    st.warning(_("You signed in with a temporary password. Please choose a new one below."))

me = run_action(lambda: users.profile(ctx, actor=actor))
if me:
    with st.form("profile"):
        full_name = st.text_input(_("Full name"), value=me.full_name, max_chars=200)
        email = st.text_input(_("Email"), value=me.email or "", max_chars=254)
        languages = list(i18n.LANGUAGES)
        language = st.selectbox(
            _("Language of the interface and of my e-mails"),
            languages,
            index=languages.index(lang()),  # no key: it follows the sidebar switch
            format_func=i18n.LANGUAGE_NAMES.get,
        )
        digest = None
        if actor.role in users.DIGEST_ROLES:
            digest = st.checkbox(
                _("Send me a daily e-mail of the items waiting longer than {days} days",
                  days=ctx.settings.overdue_days),
                value=me.digest,
            )  # fmt: skip
        if st.form_submit_button(_("Save profile")):
            act(
                lambda: users.update_profile(
                    ctx, actor=actor, full_name=full_name, email=email, language=language, digest=digest
                ),
                _("Profile saved."),
            )

st.subheader(_("Change password"))
with st.form("password", clear_on_submit=True):
    current = st.text_input(_("Current password"), type="password")
    new = st.text_input(
        _("New password"), type="password", help=_("12–128 characters; not a common password.")
    )
    again = st.text_input(_("Repeat new password"), type="password")
    if st.form_submit_button(_("Change password")):
        act(
            lambda: users.change_password(ctx, actor=actor, current=current, new=new, repeated=again),
            _("Password changed. Your other sessions were signed out."),
        )

st.subheader(_("My active sessions"))
mine = run_action(lambda: users.sessions_of(ctx, actor=actor, user_id=actor.user_id)) or []
st.dataframe(
    pd.DataFrame(
        [
            {
                _("Signed in"): when(s.created_at),
                _("Last seen"): when(s.last_seen_at),
                _("From"): s.ip or "—",
                _("Browser"): (s.user_agent or "—")[:80],
                _("This one"): _("yes") if s.id == actor.session_id else "",
            }
            for s in mine
        ]
    ),
    hide_index=True,
    width="stretch",
)
with st.form("elsewhere", clear_on_submit=True):
    password = st.text_input(_("Your password, to confirm it is you"), type="password")
    if st.form_submit_button(_("Sign out everywhere else")):
        act(
            lambda: users.sign_out_elsewhere(ctx, actor=actor, password=password),
            lambda ended: ngettext("Signed out {n} other session.", "Signed out {n} other sessions.", ended),
        )
