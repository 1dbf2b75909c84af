"""Search postings: one box, filters, sort, paging, detail and export; the state lives in the URL."""

import pandas as pd
import streamlit as st

from core import postings
from core.access import Permission
from core.i18n import N_
from pages import _search_filters as filters
from pages import _selection as selection
from pages._ui import _, context, day, deferred, guard, lang, ngettext, run_action

COLUMNS = dict(postings.EXPORT_HEADERS, id=N_("ID"))

actor = guard(Permission.SEARCH_POSTINGS)
ctx = context()
st.title(_("Search postings"))
state = st.session_state
filters.restore(state, st.query_params)


def first_page() -> None:
    """A new query or filter starts again from page 1."""
    state["s_page"] = 1


st.text_input(_("Search (Thai or English)"), key="s_q", on_change=first_page, max_chars=200)
filters.range_filters(run_action(lambda: postings.list_programs(ctx, actor=actor)) or [], first_page)
search = filters.search_query(state)
result = run_action(lambda: postings.search_postings(ctx, actor=actor, search=search, page=state["s_page"]))
# The filters stay on screen when the search is refused, so the user can fix what the message names.
filters.facet_filters(result.facets if result else {}, first_page)
st.query_params.from_dict(filters.url_params(state))
if result is None:
    st.stop()

found = ngettext(
    "{n:,} posting · page {page} of {pages}", "{n:,} postings · page {page} of {pages}", result.total,
    page=result.page, pages=result.pages,
)  # fmt: skip
if result.total > postings.MAX_EXPORT:
    found += " · " + _("the export holds the first {max:,}", max=postings.MAX_EXPORT)
st.caption(found)
frame = result.rows
picked = selection.selected("results", frame)
if frame.empty:
    st.info(_("No posting matches. Try fewer words, another spelling, or clear a filter."))
shown = frame.assign(
    work_mode=[_(postings.WORK_MODE_LABELS[m]) for m in frame["work_mode"]],
    status=[_(postings.STATUS_LABELS[v]) for v in frame["status"]],
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="results",
    column_config={c: _(label) for c, label in COLUMNS.items()}
    | {"stipend": st.column_config.NumberColumn(_(COLUMNS["stipend"]), format="%d")},
)
nav, csv_col, xlsx_col = st.columns([2, 1, 1])
nav.number_input(_("Page"), min_value=1, max_value=max(result.pages, state["s_page"]), step=1, key="s_page")
csv_col.download_button(
    _("Export CSV"),
    deferred(
        Permission.SEARCH_POSTINGS,
        lambda a: postings.export_postings(ctx, actor=a, search=search, fmt="csv", lang=lang()),
    ),
    file_name="postings.csv",
    mime="text/csv",
    key="s_csv",
)
xlsx_col.download_button(
    _("Export Excel"),
    deferred(
        Permission.SEARCH_POSTINGS,
        lambda a: postings.export_postings(ctx, actor=a, search=search, fmt="xlsx", lang=lang()),
    ),
    file_name="postings.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="s_xlsx",
)

if picked:
    posting_id = next(iter(picked))
    detail = run_action(lambda: postings.posting_detail(ctx, actor=actor, posting_id=posting_id))
    if detail:
        st.subheader(_("Posting detail"))
        st.text(f"{detail.title} — {detail.company_name_th} ({detail.company_name_en})")
        facts = {
            _("Province"): detail.province,
            _("Work mode"): _(postings.WORK_MODE_LABELS[detail.work_mode]),
            _("Stipend"): _("Unpaid")
            if detail.stipend is None
            else _("{amount:,} THB/month", amount=detail.stipend),
            _("Slots"): _("{slots} ({placed} placed)", slots=detail.slots, placed=detail.placed),
            _("Period"): _("{start} to {end}", start=day(detail.period_start), end=day(detail.period_end)),
            _("Status"): _(postings.STATUS_LABELS[detail.status]),
            _("Skills"): detail.skills or "—",
            _("Open to"): ", ".join(detail.programs) or _("Every program"),
            _("Contact"): detail.company_contact or "—",
        }
        st.dataframe(pd.DataFrame(list(facts.items()), columns=["", _("Value")]), hide_index=True)
        st.text(detail.description)
