"""API clients (admin): systems calling /api/v1, their scopes, expiry, rotation, revocation, last use."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from core import api_clients, clock
from core.access import SCOPE_LABELS, SCOPES, Permission
from core.i18n import N_
from pages._ui import _, act, confirm, context, formatted, guard, plain, run_action, show_flash, when

COLUMNS = {
    "name": N_("Client"),
    "scopes": N_("Scopes"),
    "token_prefix": N_("Token starts with"),
    "state": N_("State"),
    "limit": N_("Requests per second (burst)"),
    "created_at": N_("Created"),
    "expires_at": N_("Expires"),
    "last_used_at": N_("Last used"),
}
SHOWN_ONCE = "ac_shown_once"  # a token, shown once after the rerun that follows its issue


def _keep(issue):  # type: ignore[no-untyped-def]
    """Keep the token `issue` returns for the next run, which shows it once."""

    def run() -> api_clients.IssuedToken:
        issued = issue()
        st.session_state[SHOWN_ONCE] = (issued.name, issued.token)
        return issued

    return run


actor = guard(Permission.MANAGE_API_CLIENTS)
ctx = context()
st.title(_("API clients"))
st.caption(_("Systems such as the student portal call the integration API at /api/v1 with a token."))
show_flash()
if shown := st.session_state.pop(SHOWN_ONCE, None):
    st.warning(
        plain(_("Token for {client}, shown once: copy it now into the client's settings.", client=shown[0]))
    )
    st.code(shown[1], language=None)

now = clock.now()
rows = run_action(lambda: api_clients.list_clients(ctx, actor=actor)) or []
frame = pd.DataFrame(
    [
        {
            "name": r.name,
            "scopes": ", ".join(_(SCOPE_LABELS[s]) for s in r.scopes if s in SCOPE_LABELS),
            "token_prefix": r.token_prefix + "…",
            "state": _(api_clients.STATE_LABELS[r.state(now)]),
            "limit": f"{r.rate_per_s} ({r.burst})",
            "created_at": when(r.created_at),
            "expires_at": when(r.expires_at),
            "last_used_at": when(r.last_used_at),
        }
        for r in rows
    ],
    columns=list(COLUMNS),
)
st.dataframe(frame, hide_index=True, width="stretch", column_config={c: _(h) for c, h in COLUMNS.items()})
if not rows:
    st.info(_("No API client yet. Register the first one below."))

with st.expander(_("Register a client")), st.form("new_client", clear_on_submit=True):
    name = st.text_input(_("Client name, e.g. student portal"), max_chars=100, key="ac_name")
    scope_label = formatted(SCOPES, lambda s: _(SCOPE_LABELS[s]))
    scopes = st.multiselect(
        _("Scopes"), list(SCOPES), format_func=scope_label, placeholder=_("Choose scopes"), key="ac_scopes"
    )
    expires = st.date_input(_("Expires on"), value=now.date() + timedelta(days=365), format="DD/MM/YYYY",
                            key="ac_expires")  # fmt: skip
    rate, burst = st.columns(2)
    per_second = rate.number_input(_("Requests per second"), 1, 1000, 20, key="ac_rate")
    at_once = burst.number_input(_("Burst"), 1, 2000, 40, key="ac_burst")
    if st.form_submit_button(_("Register and issue a token")):
        create = lambda: api_clients.create_client(  # noqa: E731
            ctx,
            actor=actor,
            name=name,
            scopes=scopes,
            expires_on=expires,
            rate_per_s=per_second,
            burst=at_once,
        )
        act(_keep(create), _("Client registered."))

st.subheader(_("Manage a client"))
by_id = {r.id: r for r in rows}
names = {i: r.name for i, r in by_id.items()}
chosen = st.selectbox(_("Client"), list(names), format_func=formatted(names, names.get), index=None,
                      placeholder=_("Choose a client"), key="ac_pick")  # fmt: skip
if chosen is not None:
    target = by_id[chosen]
    left, right = st.columns(2)
    if left.button(_("Rotate token"), key="ac_rotate", disabled=target.revoked_at is not None):
        confirm(
            "ac_rotate_confirm",
            _("Rotate the token of {client}?", client=target.name),
            [_("A new token is issued and the current one stops working at once.")],
            _keep(lambda: api_clients.rotate_client(ctx, actor=actor, client_id=target.id)),
            _("New token issued for {client}.", client=target.name),
            label=_("Rotate token"),
        )
    if right.button(_("Revoke"), key="ac_revoke", disabled=target.revoked_at is not None):
        confirm(
            "ac_revoke_confirm",
            _("Revoke {client}?", client=target.name),
            [_("Its token stops working at once, on every server, for good.")],
            lambda: api_clients.revoke_client(ctx, actor=actor, client_id=target.id),
            _("{client} revoked.", client=target.name),
            label=_("Revoke"),
        )
