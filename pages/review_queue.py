"""Review queue: filter, page, select, act in bulk, open one registration, export the view."""

import streamlit as st

from core import courses, registrations
from core.access import Permission
from core.registrations import QueueFilters, states
from pages import _registration_detail as detail
from pages import _selection as selection
from pages._queue_filters import reference_filters
from pages._ui import context, flash, guard, run_action, show_flash

STATUSES = [s.value for s in states.ORDER]
WAITING = [s.value for s in states.ORDER if s in states.AWAITING_REVIEW]
SORTS = {key.label: name for name, key in registrations.SORTS.items()}  # "Days in state" first
BULK = {states.ACTION_LABELS[action]: action for action in states.BULK_ACTIONS}
TABLE = "rq_table"

actor = guard(Permission.REVIEW_QUEUE)
ctx = context()
st.title("Review queue")
show_flash()
if (last := st.session_state.pop(detail.LAST, None)) is not None:
    detail.outcome(ctx, actor, int(last))

with st.sidebar.expander("Queue filters", expanded=True):
    statuses = st.multiselect("Status", STATUSES, default=WAITING, key="rq_status")
    text = st.text_input("Student code or name starts with", key="rq_text")
    year = st.number_input("Academic year", min_value=2000, max_value=2700, value=None, step=1, key="rq_year")
    semester = st.selectbox("Semester", [None, 1, 2, 3], key="rq_sem")
    min_days = st.number_input("Waiting at least (days)", min_value=0, value=0, step=1, key="rq_days")
    sort_label = st.selectbox("Sort by", list(SORTS), key="rq_sort")
    shown_ascending = st.toggle("Ascending", value=False, key="rq_ascending")
    choices = run_action(lambda: courses.lookups(ctx, actor=actor))
    references = reference_filters(choices, advisor_scoped=actor.role.value == "advisor")
filters = QueueFilters(
    statuses=tuple(statuses),
    text=text,
    academic_year=int(year) if year else None,
    semester=semester,
    min_days_waiting=int(min_days) or None,
    **references,
)
sort = SORTS[sort_label]
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
total = run_action(lambda: registrations.count_queue(ctx, actor=actor, filters=filters))
st.caption(f"{total or 0:,} registrations match · page {len(cursors)}")

table = page.rows.assign(flag=page.rows["overdue"].map({True: "⚠ overdue", False: ""}))
COLUMNS = ["flag", "id", "student_code", "student", "course", "section", "term", "status", "days_in_state",
           "advisor", "company"]  # fmt: skip
ticked = selection.selected(TABLE, table, version_column="version")
st.dataframe(
    table[COLUMNS],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="multi-row",
    key=TABLE,
    column_config={"flag": st.column_config.TextColumn(""), "days_in_state": "Days in state"},
)

prev_col, next_col, _ = st.columns([1, 1, 6])
if prev_col.button("Previous page", disabled=len(cursors) == 1, key="rq_prev"):
    cursors.pop()
    st.rerun()
if next_col.button("Next page", disabled=page.next_cursor is None, key="rq_next"):
    cursors.append(page.next_cursor)
    st.rerun()


def _bulk(label: str, action: str, reason: str) -> None:
    result = run_action(
        lambda: registrations.bulk_transition(
            ctx, actor=actor, ids=list(ticked), action=action, reason=reason, versions=ticked
        )
    )
    if result is None:
        return
    selection.clear(TABLE)
    done, failed = len(result.succeeded), result.failed
    kind = "success" if done and not failed else "warning" if done else "error"
    lines = [f"{label}: {done} of {done + len(failed)} done."]
    lines += [f"Registration {reg_id}: {message}" for reg_id, message in failed.items()]
    flash(lines, kind)
    st.rerun()


names = ": " + ", ".join(f"#{i}" for i in ticked) if ticked else ""
with st.expander(f"Bulk action on {len(ticked)} selected{names}", expanded=bool(ticked)):
    reason = st.text_input("Reason (needed to reject or ask for changes)", key="rq_reason")
    for col, (label, action) in zip(st.columns(len(BULK)), BULK.items(), strict=True):
        if col.button(label, key=f"rq_bulk_{action}", disabled=not ticked):
            _bulk(label, action, reason)

ids = [int(i) for i in page.rows["id"]]
if ids:
    st.divider()
    if len(ticked) == 1 and st.session_state.get("rq_one") != next(iter(ticked)):
        st.session_state["rq_open"] = st.session_state["rq_one"] = next(iter(ticked))
    elif len(ticked) != 1 and st.session_state.pop("rq_one", None) is not None:
        st.session_state["rq_open"] = None  # opened by the lone tick, which is gone
    if st.session_state.get("rq_open") not in ids:
        st.session_state["rq_open"] = None  # set, not dropped: the browser would send its old value back
    chosen = st.selectbox("Open registration", ids, index=None, placeholder="Select one row", key="rq_open")
    if chosen is not None:
        detail.show(ctx, actor, int(chosen))
else:
    st.info("No registrations match these filters.")

csv_col, xlsx_col, _ = st.columns([1, 1, 4])
csv_col.download_button(
    "Download CSV",
    lambda: registrations.export_queue(
        ctx, actor=actor, filters=filters, sort=sort, ascending=ascending, fmt="csv"
    ),
    file_name="review-queue.csv",
    mime="text/csv",
    key="rq_csv",
)
xlsx_col.download_button(
    "Download Excel",
    lambda: registrations.export_queue(
        ctx, actor=actor, filters=filters, sort=sort, ascending=ascending, fmt="xlsx"
    ),
    file_name="review-queue.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="rq_xlsx",
)
