"""Search-page state that lives in the URL, and its filter widgets (facets, program, stipend, period)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from datetime import date
from typing import Any

import streamlit as st

from core.i18n import N_
from core.postings import WORK_MODE_LABELS, FacetCount, PostingQuery
from pages._ui import _, formatted

# URL parameter -> default. Only the query and filters go in the URL, never anything secret.
TEXTS = {"q": "", "province": "", "mode": "", "company": "", "program": "", "sort": "relevance", "closed": ""}
NUMBERS = ("page", "smin", "smax")  # whole numbers; empty stipend = no bound
DATES = ("from", "to")
SORT_LABELS = {"relevance": N_("Best match"), "newest": N_("Newest"), "stipend": N_("Highest stipend")}


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def restore(state: MutableMapping[str, Any], params: Mapping[str, str]) -> None:
    """Fill the widget state from the URL the first time this browser session opens the page."""
    for name, default in TEXTS.items():
        state.setdefault(f"s_{name}", str(params.get(name, default))[:200])
    for name in NUMBERS:
        state.setdefault(f"s_{name}", _number(str(params.get(name, ""))))
    for name in DATES:
        state.setdefault(f"s_{name}", _date(str(params.get(name, ""))))
    if not isinstance(state["s_page"], int) or state["s_page"] < 1:
        state["s_page"] = 1
    if state["s_sort"] not in SORT_LABELS:
        state["s_sort"] = "relevance"
    if state["s_closed"] not in ("", "1"):
        state["s_closed"] = ""


def url_params(state: Mapping[str, Any]) -> dict[str, str]:
    """The filters that differ from their defaults, as URL parameters."""
    params = {n: str(state[f"s_{n}"]) for n, d in TEXTS.items() if str(state[f"s_{n}"]) != d}
    params |= {n: str(state[f"s_{n}"]) for n in (*NUMBERS, *DATES) if state[f"s_{n}"] is not None}
    if state["s_page"] == 1:
        params.pop("page", None)
    return params


def _id(value: object) -> int | None:
    return int(str(value)) if str(value).isdigit() else None


def search_query(state: Mapping[str, Any]) -> PostingQuery:
    """The search the widget state asks for (all but paging)."""
    return PostingQuery(
        query=state["s_q"],
        province=state["s_province"] or None,
        work_mode=state["s_mode"] or None,
        company_id=_id(state["s_company"]),
        program_id=_id(state["s_program"]),
        stipend_min=state["s_smin"],
        stipend_max=state["s_smax"],
        period_from=state["s_from"],
        period_to=state["s_to"],
        open_only=not state["s_closed"],
        sort=state["s_sort"],
    )


def _select(column: Any, label: str, key: str, labels: dict[str, str], on_change: Callable[[], None]) -> None:
    current = str(st.session_state[key])
    if current and current not in labels:
        labels[current] = f"{current} (0)"
    options = ["", *labels]
    any_or = formatted(options, lambda v: _("Any") if v == "" else labels[v])
    column.selectbox(label, options, key=key, format_func=any_or, on_change=on_change)


def range_filters(programs: list[tuple[int, str]], on_change: Callable[[], None]) -> None:
    """Program the posting is open to, stipend range (THB/month) and period overlap, on one row."""
    cols = st.columns(5)
    _select(cols[0], _("Open to program"), "s_program", {str(i): name for i, name in programs}, on_change)
    bounds = (
        (cols[1], "s_smin", _("Stipend from (THB/month)")),
        (cols[2], "s_smax", _("Stipend to (THB/month)")),
    )
    for col, key, label in bounds:
        col.number_input(
            label, min_value=0, max_value=999_999_999, value=None, step=1000, key=key,
            on_change=on_change, placeholder=_("No bound"),
        )  # fmt: skip
    cols[3].date_input(_("Period from"), value=None, key="s_from", on_change=on_change, format="DD/MM/YYYY")
    cols[4].date_input(_("Period to"), value=None, key="s_to", on_change=on_change, format="DD/MM/YYYY")


def _facet_label(facet: str, count: FacetCount) -> str:
    if facet == "work_mode" and count.value in WORK_MODE_LABELS:
        return _(WORK_MODE_LABELS[count.value])
    return count.label


def facet_filters(facets: Mapping[str, tuple[FacetCount, ...]], on_change: Callable[[], None]) -> None:
    """Province, work mode and company with how many postings each would leave; sort; status."""
    cols = st.columns(5)
    for col, (label, key, facet) in zip(
        cols, ((_("Province"), "s_province", "province"), (_("Work mode"), "s_mode", "work_mode"),
               (_("Company"), "s_company", "company")), strict=False,
    ):  # fmt: skip
        shown = {f.value: f"{_facet_label(facet, f)} ({f.count:,})" for f in facets.get(facet, ())}
        _select(col, label, key, shown, on_change)
    cols[3].selectbox(
        _("Sort by"),
        list(SORT_LABELS),
        key="s_sort",
        format_func=formatted(SORT_LABELS, lambda v: _(SORT_LABELS[v])),
    )
    cols[4].selectbox(
        _("Status"),
        ["", "1"],
        key="s_closed",
        format_func=formatted(["", "1"], lambda v: _("Open and closed") if v else _("Open only")),
        on_change=on_change,
    )
