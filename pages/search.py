"""Search postings: one box, filters, sort, paging, detail and export; the state lives in the URL."""

import pandas as pd
import streamlit as st

from core import postings
from core.access import Permission
from pages import _search_filters as filters
from pages import _selection as selection
from pages._ui import context, guard, run_action

actor = guard(Permission.SEARCH_POSTINGS)
ctx = context()
st.title("Search postings")
state = st.session_state
filters.restore(state, st.query_params)


def first_page() -> None:
    """A new query or filter starts again from page 1."""
    state["s_page"] = 1


st.text_input("Search (Thai or English)", key="s_q", on_change=first_page, max_chars=200)
filters.range_filters(run_action(lambda: postings.list_programs(ctx, actor=actor)) or [], first_page)
search = filters.search_query(state)
result = run_action(lambda: postings.search_postings(ctx, actor=actor, search=search, page=state["s_page"]))
# The filters stay on screen when the search is refused, so the user can fix what the message names.
filters.facet_filters(result.facets if result else {}, first_page)
st.query_params.from_dict(filters.url_params(state))
if result is None:
    st.stop()

capped = (
    f" · the export holds the first {postings.MAX_EXPORT:,}" if result.total > postings.MAX_EXPORT else ""
)
st.caption(f"{result.total:,} posting(s) · page {result.page} of {result.pages}{capped}")
frame = result.rows
picked = selection.selected("results", frame)
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="results",
    column_config={"stipend": st.column_config.NumberColumn("stipend (THB/month)", format="%d")},
)
nav, csv_col, xlsx_col = st.columns([2, 1, 1])
nav.number_input("Page", min_value=1, max_value=max(result.pages, state["s_page"]), step=1, key="s_page")
csv_col.download_button(
    "Export CSV",
    lambda: postings.export_postings(ctx, actor=actor, search=search, fmt="csv"),
    file_name="postings.csv",
    mime="text/csv",
    key="s_csv",
)
xlsx_col.download_button(
    "Export Excel",
    lambda: postings.export_postings(ctx, actor=actor, search=search, fmt="xlsx"),
    file_name="postings.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="s_xlsx",
)

if picked:
    posting_id = next(iter(picked))
    detail = run_action(lambda: postings.posting_detail(ctx, actor=actor, posting_id=posting_id))
    if detail:
        st.subheader("Posting detail")
        st.text(f"{detail.title} — {detail.company_name_th} ({detail.company_name_en})")
        period = f"{detail.period_start or '?'} to {detail.period_end or '?'}"
        facts = {
            "Province": detail.province,
            "Work mode": detail.work_mode,
            "Stipend": "Unpaid" if detail.stipend is None else f"{detail.stipend:,} THB/month",
            "Slots": f"{detail.slots} ({detail.placed} placed)",
            "Period": period,
            "Status": detail.status,
            "Skills": detail.skills or "—",
            "Open to": ", ".join(detail.programs) or "Every program",
            "Contact": detail.company_contact or "—",
        }
        st.dataframe(pd.DataFrame(list(facts.items()), columns=["", "Value"]), hide_index=True)
        st.text(detail.description)
