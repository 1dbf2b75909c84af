"""Review queue: filter (in the URL), page, select, act in bulk, open one registration, export the view."""

import streamlit as st

from core import courses, registrations
from core.access import Permission
from core.i18n import N_
from core.registrations import states
from pages import _registration_detail as detail
from pages import _selection as selection
from pages._queue_filters import filter_widgets
from pages._ui import (
    Note,
    _,
    confirm,
    context,
    deferred,
    guard,
    lang,
    ngettext,
    run_action,
    show_flash,
    term,
    tr,
)

TABLE = "rq_table"
BULK = {action: states.ACTION_LABELS[action] for action in states.BULK_ACTIONS}
COLUMNS = {
    "flag": None,
    "id": N_("ID"),
    "student_code": N_("Student code"),
    "student": N_("Student"),
    "course": N_("Course"),
    "section": N_("Section"),
    "term": N_("Term"),
    "status_label": N_("Status"),
    "days_in_state": N_("Days in state"),
    "advisor": N_("Advisor"),
    "company": N_("Company"),
}
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = guard(Permission.REVIEW_QUEUE)
ctx = context()
st.title(_("Review queue"))
show_flash()
if (last := st.session_state.pop(detail.LAST, None)) is not None:
    detail.outcome(ctx, actor, int(last))

choices = run_action(lambda: courses.lookups(ctx, actor=actor))
filters, sort, shown_ascending = filter_widgets(
    choices, advisor_scoped=registrations.sees_own_advisees_only(actor)
)
ascending = registrations.column_ascending(sort, shown_ascending)

# A stack of cursors: the last one starts the current page; a new filter or sort starts over.
view_key = (filters, sort, ascending)
if st.session_state.get("rq_view") != view_key:
    st.session_state["rq_view"], st.session_state["rq_cursors"] = view_key, [None]
cursors = st.session_state["rq_cursors"]
selection.clear_on_change(TABLE, (view_key, len(cursors)))

page = run_action(
    lambda: registrations.list_queue(
        ctx, actor=actor, filters=filters, sort=sort, ascending=ascending, cursor=cursors[-1]
    )
)
if page is None:
    st.stop()
total = run_action(lambda: registrations.count_queue(ctx, actor=actor, filters=filters)) or 0
st.caption(
    ngettext(
        "{total:,} registration matches · page {page}",
        "{total:,} registrations match · page {page}",
        total,
        total=total,
        page=len(cursors),
    )
)

rows = page.rows
table = rows.assign(
    flag=[_("⚠ overdue") if late else "" for late in rows["overdue"]],
    term=[term(s, y) for s, y in zip(rows["semester"], rows["academic_year"], strict=True)],
    status_label=[_(states.label(s)) for s in rows["status"]],
    advisor=rows["advisor"].fillna("—"),
    company=rows["company"].fillna("—"),
)
ticked = selection.selected(TABLE, table, version_column="version")
st.dataframe(
    table[list(COLUMNS)],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="multi-row",
    key=TABLE,
    column_config={c: _(label) if label else st.column_config.TextColumn("") for c, label in COLUMNS.items()},
)

prev_col, next_col, _rest = st.columns([1, 1, 6])
if prev_col.button(_("Previous page"), disabled=len(cursors) == 1, key="rq_prev"):
    cursors.pop()
    st.rerun()
if next_col.button(_("Next page"), disabled=page.next_cursor is None, key="rq_next"):
    cursors.append(page.next_cursor)
    st.rerun()


def _report(label: str, result: registrations.BulkResult) -> Note:
    """A toast when every row changed; else a warning (an error if none changed) naming each row that
    did not change, and why."""
    done, failed = len(result.succeeded), result.failed
    lines = [_("{action}: {done} of {total} done.", action=label, done=done, total=done + len(failed))]
    lines += [_("Registration {id}: {why}", id=reg_id, why=tr(why)) for reg_id, why in failed.items()]
    return Note("success" if not failed else "warning" if done else "error", lines)


def _ask(label: str, action: str, reason: str) -> None:
    """Name what will change and how many, and act only when the reviewer confirms."""
    ids = list(ticked)
    confirm(
        f"rq_confirm_{action}",
        _("{action}: {n} registrations?", action=label, n=len(ids)),
        [
            ngettext("This changes {n} registration:", "This changes {n} registrations:", len(ids)),
            ", ".join(f"#{i}" for i in ids),
            _("Reason: {reason}", reason=reason) if reason.strip() else "",
        ],
        lambda: _bulk(ids, action, reason),
        lambda result: _report(label, result),
        label=label,
    )


def _bulk(ids: list[int], action: str, reason: str) -> registrations.BulkResult:
    result = registrations.bulk_transition(
        ctx, actor=actor, ids=ids, action=action, reason=reason, versions=ticked
    )
    selection.clear(TABLE)  # the rows changed: nothing stays ticked
    return result


names = ": " + ", ".join(f"#{i}" for i in ticked) if ticked else ""
with st.expander(_("Bulk action on {n} selected", n=len(ticked)) + names, expanded=bool(ticked)):
    reason = st.text_input(_("Reason (needed to reject or ask for changes)"), key="rq_reason")
    for col, (action, label) in zip(st.columns(len(BULK)), BULK.items(), strict=True):
        if col.button(_(label), key=f"rq_bulk_{action}", disabled=not ticked):
            _ask(_(label), action, reason)

ids = [int(i) for i in rows["id"]]
if ids:
    st.divider()
    if len(ticked) == 1 and st.session_state.get("rq_one") != next(iter(ticked)):
        st.session_state["rq_open"] = st.session_state["rq_one"] = next(iter(ticked))
    elif len(ticked) != 1 and st.session_state.pop("rq_one", None) is not None:
        st.session_state["rq_open"] = None  # opened by the lone tick, which is gone
    if st.session_state.get("rq_open") not in ids:
        st.session_state["rq_open"] = None  # set, not dropped: the browser would send its old value back
    chosen = st.selectbox(
        _("Open registration"), ids, index=None, placeholder=_("Select one row"), key="rq_open"
    )
    if chosen is not None:
        detail.show(ctx, actor, int(chosen))
else:
    st.info(_("No registrations match these filters. Widen the statuses or clear a filter in the sidebar."))

view = {"filters": filters, "sort": sort, "ascending": ascending, "lang": lang()}
csv_col, xlsx_col, _rest = st.columns([1, 1, 4])
csv_col.download_button(
    _("Download CSV"),
    deferred(Permission.REVIEW_QUEUE, lambda a: registrations.export_queue(ctx, actor=a, **view, fmt="csv")),
    file_name="review-queue.csv",
    mime="text/csv",
    key="rq_csv",
)
xlsx_col.download_button(
    _("Download Excel"),
    deferred(Permission.REVIEW_QUEUE, lambda a: registrations.export_queue(ctx, actor=a, **view, fmt="xlsx")),
    file_name="review-queue.xlsx",
    mime=EXCEL,
    key="rq_xlsx",
)
