"""Outbox: the mails the app has written, waiting, sent or failed; without SMTP_URL nothing is sent
and this is where a developer reads what would be."""

import streamlit as st

from core import mail
from core.access import Permission
from pages._ui import _, context, formatted, guard, plain, run_action, when

actor = guard(Permission.VIEW_OUTBOX)
ctx = context()
st.title(_("Outbox"))
if not ctx.settings.smtp_url:
    st.info(_("SMTP_URL is not set: no mail is sent. These are the mails that would be sent."))
stats = run_action(lambda: mail.outbox_summary(ctx, actor=actor))
if stats is not None:
    a, b, c = st.columns(3)
    a.metric(_("Waiting"), stats.backlog)
    b.metric(_("Oldest waiting (minutes)"), round(stats.oldest_unsent_seconds / 60))
    c.metric(_("Failed"), sum(stats.failed_by_reason.values()))
statuses = [None, *mail.STATUS_LABELS]
status = st.segmented_control(
    _("Show"),
    statuses,
    format_func=formatted(statuses, lambda s: _("All") if s is None else _(mail.STATUS_LABELS[s])),
    key="outbox_status",
)
frame = run_action(lambda: mail.list_outbox(ctx, actor=actor, status=status))
if frame is None:
    st.stop()
if frame.empty:
    st.info(_("The outbox is empty."))
    st.stop()
view = frame.assign(
    status=[_(mail.STATUS_LABELS[s]) for s in frame["status"]],
    created_at=[when(t) for t in frame["created_at"]],
    sent_at=[when(t) if t is not None and t == t else "" for t in frame["sent_at"]],
)
columns = list(mail.COLUMNS)
picked = st.dataframe(
    view[columns],
    hide_index=True,
    width="stretch",
    key="outbox_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={c: _(mail.COLUMNS[c]) for c in columns},
)
rows = picked.selection.rows if picked else []
chosen = frame.iloc[rows[0] if rows else 0]
with st.container(border=True):
    st.markdown(f"**{plain(chosen['subject'])}**")
    st.caption(plain(f"{_('To')}: {chosen['recipient']} · {chosen['message_id']}"))
    st.text(chosen["body_text"])
