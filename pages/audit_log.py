"""Audit log (admins; managers read only): who changed what and when, filtered, newest first, a page at
a time; an entry's before and after side by side; the filtered view exported."""

import streamlit as st

from core import audit_trail
from core.access import Permission
from core.audit_trail import AuditFilters
from pages._ui import _, context, deferred, formatted, guard, lang, run_action, when

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = "al_pages"  # the cursors of the pages read so far: the last one is the page shown
SHOWN_FOR = "al_filters"

actor = guard(Permission.VIEW_AUDIT_LOG)
ctx = context()
st.title(_("Audit log"))
st.caption(_("Every change and sign-in, newest first. Entries cannot be edited or removed."))
choices = run_action(lambda: audit_trail.filter_choices(ctx, actor=actor))
if choices is None:
    st.stop()

with st.sidebar:
    st.subheader(_("Filters"))
    who = st.selectbox(
        _("Who"),
        list(choices.actors),
        index=None,
        format_func=formatted(choices.actors, choices.actors.get),
        placeholder=_("Anyone"),
        key="al_actor",
    )
    entity = st.selectbox(_("Entity"), choices.entities, index=None, placeholder=_("Any"), key="al_entity")
    action = st.selectbox(_("Action"), choices.actions, index=None, placeholder=_("Any"), key="al_action")
    since = st.date_input(_("From"), value=None, key="al_since")
    until = st.date_input(_("To"), value=None, key="al_until")
filters = AuditFilters(actor_id=who, entity=entity, action=action, since=since, until=until)

if st.session_state.get(SHOWN_FOR) != filters:  # new filters: back to the newest page
    st.session_state[SHOWN_FOR], st.session_state[PAGES] = filters, [None]
cursors: list[str | None] = st.session_state[PAGES]
page = run_action(lambda: audit_trail.list_entries(ctx, actor=actor, filters=filters, cursor=cursors[-1]))
if page is None:
    st.stop()
if page.rows.empty:
    st.info(_("No entry matches these filters. Widen the dates or clear a filter in the sidebar."))
    st.stop()

shown = page.rows.assign(at=[when(t) for t in page.rows["at"]])
table = st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=f"al_table{len(cursors)}",
    column_config={c: _(label) for c, label in audit_trail.COLUMNS.items()},
)
newer, where, older = st.columns([1, 2, 1])
if newer.button(_("← Newer"), disabled=len(cursors) == 1, key="al_newer"):
    cursors.pop()
    st.rerun()
where.caption(_("Page {n}", n=len(cursors)))
if older.button(_("Older →"), disabled=page.next_cursor is None, key="al_older"):
    cursors.append(page.next_cursor)
    st.rerun()

picked = table.selection.rows if table is not None else []
if picked:
    entry_id = int(page.rows.iloc[picked[0]]["id"])
    st.subheader(_("Entry {id}: before and after", id=entry_id))
    changes = run_action(lambda: audit_trail.entry_changes(ctx, actor=actor, entry_id=entry_id))
    if changes is not None and changes.empty:
        st.caption(_("This entry records an event without field values."))
    elif changes is not None:
        st.dataframe(
            changes,
            hide_index=True,
            width="stretch",
            column_config={c: _(label) for c, label in audit_trail.CHANGE_COLUMNS.items()},
        )
else:
    st.caption(_("Select a row to see its values before and after the change."))

reader = lang()
csv_col, xlsx_col, _rest = st.columns([1, 1, 4])
for col, fmt, mime in ((csv_col, "csv", "text/csv"), (xlsx_col, "xlsx", EXCEL)):
    col.download_button(
        _("Download CSV") if fmt == "csv" else _("Download Excel"),
        deferred(
            Permission.VIEW_AUDIT_LOG,
            lambda a, f=fmt: audit_trail.export_entries(ctx, actor=a, filters=filters, fmt=f, lang=reader),
        ),
        file_name=f"audit-log.{fmt}",
        mime=mime,
        key=f"al_{fmt}",
    )
