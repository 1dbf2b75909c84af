"""Search postings: one box, facet filters, sort, paging, detail and export; the state lives in the URL."""

import pandas as pd
import streamlit as st

from core import export, search
from core.access import Permission
from pages._ui import context, guard, run_action

actor = guard(Permission.SEARCH_POSTINGS)
ctx = context()
st.title("Search postings")

# URL parameter -> default. Only the query and filters go in the URL, never anything secret.
DEFAULTS = {
    "q": "",
    "province": "",
    "mode": "",
    "company": "",
    "sort": "relevance",
    "closed": "",
    "page": "1",
}
SORT_LABELS = {"relevance": "Best match", "newest": "Newest", "stipend": "Highest stipend"}
state = st.session_state
for name, default in DEFAULTS.items():
    if f"s_{name}" not in state:
        value = str(st.query_params.get(name, default))
        state[f"s_{name}"] = max(1, int(value)) if name == "page" and value.isdigit() else value
if not isinstance(state["s_page"], int):
    state["s_page"] = 1
if state["s_sort"] not in SORT_LABELS:
    state["s_sort"] = "relevance"


def first_page() -> None:
    """A new query or filter starts again from page 1."""
    state["s_page"] = 1


st.text_input("Search (Thai or English)", key="s_q", on_change=first_page, max_chars=200)
company = state["s_company"]
result = run_action(
    lambda: search.search_postings(
        ctx,
        actor=actor,
        query=state["s_q"],
        province=state["s_province"] or None,
        work_mode=state["s_mode"] or None,
        company_id=int(company) if str(company).isdigit() else None,
        open_only=not state["s_closed"],
        sort=state["s_sort"],
        page=state["s_page"],
    )
)
if result is None:
    st.stop()


def facet_select(column, label: str, key: str, facet: str) -> None:  # type: ignore[no-untyped-def]
    """A filter whose options show how many postings each value would leave."""
    counts = {f.value: f"{f.label} ({f.count:,})" for f in result.facets[facet]}
    current = str(state[key])
    if current and current not in counts:
        counts[current] = f"{current} (0)"
    column.selectbox(
        label,
        ["", *counts],
        key=key,
        format_func=lambda v: "Any" if v == "" else counts.get(v, v),
        on_change=first_page,
    )


cols = st.columns(5)
facet_select(cols[0], "Province", "s_province", "province")
facet_select(cols[1], "Work mode", "s_mode", "work_mode")
facet_select(cols[2], "Company", "s_company", "company")
cols[3].selectbox("Sort by", list(SORT_LABELS), key="s_sort", format_func=SORT_LABELS.get)
cols[4].selectbox(
    "Status", ["", "1"], key="s_closed", format_func=lambda v: "Open and closed" if v else "Open only",
    on_change=first_page,
)  # fmt: skip

st.caption(f"{result.total:,} posting(s) · page {result.page} of {result.pages}")
frame = result.rows
event = st.dataframe(
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
    "Export CSV", export.to_csv_bytes(frame), file_name="postings.csv", mime="text/csv"
)  # fmt: skip
xlsx_col.download_button(
    "Export Excel",
    export.to_excel_bytes(frame, sheet_name="Postings"),
    file_name="postings.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.query_params.from_dict(
    {name: str(state[f"s_{name}"]) for name in DEFAULTS if str(state[f"s_{name}"]) != DEFAULTS[name]}
)

selected = event.selection.rows if event is not None else []
if selected:
    posting_id = int(frame.iloc[selected[0]]["id"])
    detail = run_action(lambda: search.posting_detail(ctx, actor=actor, posting_id=posting_id))
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
