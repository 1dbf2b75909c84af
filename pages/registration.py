"""One registration, read-only: reached from the progress page's drill-down links (`?id=`)."""

import streamlit as st

from core.access import Permission
from pages import _registration_detail as detail
from pages._ui import _, context, guard

actor = guard(Permission.VIEW_REGISTRATION)
ctx = context()
st.title(_("Registration"))
raw = st.query_params.get("id", "")
chosen = st.number_input(
    _("Registration id"), min_value=1, step=1, value=int(raw) if raw.isdigit() else None, key="reg_id"
)
if chosen is None:
    st.info(_("Open a registration from the progress page's drill-down, or type its id."))
else:
    st.query_params["id"] = str(int(chosen))
    detail.read_only(ctx, actor, int(chosen))
