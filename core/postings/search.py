"""Interactive posting search: Thai/English full text, filters, facet counts, sorting and paging.

One code path for both back ends; only the full-text match differs (InnoDB FULLTEXT in
BOOLEAN MODE on MariaDB/MySQL, the FTS5 table on SQLite). The user's words reach the
database only as a bound parameter built by core.search_text, so input is always data.
Postings with no period set count as overlapping any period filter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.export import to_csv_bytes, to_excel_bytes, with_headers
from core.i18n import N_, gettext
from core.postings.posting import STATUS_LABELS, WORK_MODE_LABELS, WORK_MODES
from core.postings.search_query import (
    FACET_NAMES,
    PostingQuery,
    conditions,
    count_facets,
    filtered,
    sort_key,
    text_match,
)
from core.registrations.states import PLACED
from db.models import Company, Internship, Program, Registration, internship_programs

SORTS = ("relevance", "newest", "stipend")
MAX_EXPORT = 10_000
COLUMNS = ["id", "title", "company", "province", "work_mode", "stipend", "slots", "slots_left", "status"]
# What the table and the exported file call each column (msgids; id keeps its name).
EXPORT_HEADERS = {
    "id": "id",
    "title": N_("Title"),
    "company": N_("Company"),
    "province": N_("Province"),
    "work_mode": N_("Work mode"),
    "stipend": N_("Stipend (THB/month)"),
    "slots": N_("Slots"),
    "slots_left": N_("Slots left"),
    "status": N_("Status"),
}


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet, what to show for it, and how many postings have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """One page of postings, the total that matched, and facet counts."""

    rows: pd.DataFrame
    total: int
    page: int
    page_size: int
    facets: dict[str, tuple[FacetCount, ...]]  # "province", "work_mode", "company"

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least 1)."""
        return max(1, -(-self.total // self.page_size))


def _validate(q: PostingQuery, page: int, page_size: int) -> None:
    if q.sort not in SORTS:
        raise InvalidInput("Sort by relevance, newest or stipend.")
    if q.work_mode is not None and q.work_mode not in WORK_MODES:
        raise InvalidInput("Work mode must be onsite, hybrid or remote.")
    if page < 1 or not 1 <= page_size <= 200:
        raise InvalidInput("Page must be 1 or more and page size 1–200.")
    if any(v is not None and v < 0 for v in (q.stipend_min, q.stipend_max)):
        raise InvalidInput("Stipend limits must be 0 or more.")
    if q.stipend_min is not None and q.stipend_max is not None and q.stipend_min > q.stipend_max:
        raise InvalidInput("The minimum stipend is above the maximum.")
    if q.period_from and q.period_to and q.period_from > q.period_to:
        raise InvalidInput("The period must start on or before its end.")


def _page(
    session: Session, dialect: str, q: PostingQuery, page: int, page_size: int, total: int | None = None
) -> list[list[Any]]:
    """One page of rows: the text match and filters pick the page's ids, then only those are decorated.

    With the `total` already known, a page past the end (or an empty result) needs no query.
    """
    if total is not None and (page - 1) * page_size >= total:
        return []
    hits = text_match(dialect, q.query)
    ids = filtered(select(Internship.id.label("id"), sort_key(q, hits).label("k")), hits, conditions(q))
    pg = (
        ids.order_by(literal_column("k").desc(), Internship.id.desc())
        .limit(page_size).offset((page - 1) * page_size).subquery("pg")
    )  # fmt: skip
    taken = (
        select(func.count()).where(Registration.internship_id == Internship.id,
                                   Registration.status.in_(PLACED))
        .correlate(Internship).scalar_subquery()
    )  # fmt: skip
    stmt = select(
        Internship.id, Internship.title, Company.name_th, Internship.province, Internship.work_mode,
        Internship.stipend, Internship.slots, Internship.slots - taken, Internship.status,
    ).select_from(pg).join(Internship, Internship.id == pg.c.id)  # fmt: skip
    stmt = stmt.join(Company, Company.id == Internship.company_id)
    rows = session.execute(stmt.order_by(pg.c.k.desc(), pg.c.id.desc())).all()
    return [[getattr(v, "value", v) for v in r] for r in rows]  # enums as their values: JSON-cacheable


DTYPES = {
    "id": "int64", "title": "str", "company": "str", "province": "str", "work_mode": "string",
    "stipend": "Int64", "slots": "int64", "slots_left": "int64", "status": "string",
}  # fmt: skip


def _frame(rows: list[list[Any]]) -> pd.DataFrame:
    # Column by column with their final dtypes: half the time of building and then converting.
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    pairs = zip(COLUMNS, columns, strict=True)
    return pd.DataFrame({c: pd.array(list(v), dtype=DTYPES[c]) for c, v in pairs})


def _facets(ctx: AppContext, q: PostingQuery) -> tuple[int, dict[str, tuple[FacetCount, ...]]]:
    """The total and facet counts, cached: paging and re-sorting the same search reuse them."""
    key = asdict(replace(q, sort=""))
    raw = ctx.cached(
        ("postings",), "search.counts", key, lambda s: count_facets(s, ctx.db.dialect, q), replica=True
    )
    facets = {n: tuple(FacetCount(str(v), str(lbl), int(c)) for v, lbl, c in raw[n]) for n in FACET_NAMES}
    return int(raw["total"]), facets


def _query(search: PostingQuery | None, fields: dict[str, Any], page: int, page_size: int) -> PostingQuery:
    q = (search or PostingQuery(**fields)).cleaned()
    _validate(q, page, page_size)
    return q


def search_postings(
    ctx: AppContext,
    *,
    actor: Actor,
    search: PostingQuery | None = None,
    page: int = 1,
    page_size: int = 25,
    **fields: Any,
) -> SearchResult:
    """One page of the postings matching `search` (or its fields given one by one), with facet counts."""
    require(actor, Permission.SEARCH_POSTINGS)
    q = _query(search, fields, page, page_size)
    total, facets = _facets(ctx, q)
    # A page shows slots left, so placements (registrations) change it as well as posting edits.
    namespaces, dialect = ("postings", "registrations"), ctx.db.dialect
    key = {**asdict(q), "page": page, "page_size": page_size}
    rows = ctx.cached(
        namespaces, "search.page", key, lambda s: _page(s, dialect, q, page, page_size, total), replica=True
    )
    return SearchResult(_frame(rows), total, page, page_size, facets)


def export_postings(
    ctx: AppContext,
    *,
    actor: Actor,
    search: PostingQuery | None = None,
    fmt: str = "csv",
    lang: str = "en",
    **fields: Any,
) -> bytes:
    """Every posting the search matches (up to MAX_EXPORT rows) as formula-safe CSV or Excel bytes, its
    headers, work modes and statuses in `lang`."""
    require(actor, Permission.SEARCH_POSTINGS)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("Export as csv or xlsx.")
    q = _query(search, fields, 1, 1)
    with ctx.sessions.begin() as session:
        frame = _frame(_page(session, ctx.db.dialect, q, 1, MAX_EXPORT))
    frame = frame.assign(
        work_mode=[gettext(lang, WORK_MODE_LABELS[m]) for m in frame["work_mode"]],
        status=[gettext(lang, STATUS_LABELS[s]) for s in frame["status"]],
    )
    frame = with_headers(frame, EXPORT_HEADERS, lang)
    return (
        to_csv_bytes(frame) if fmt == "csv" else to_excel_bytes(frame, sheet_name=gettext(lang, "Postings"))
    )


@dataclass(frozen=True)
class PostingDetail:
    """A posting with its company and how many students are placed there."""

    id: int
    title: str
    description: str
    skills: str
    province: str
    work_mode: str
    stipend: int | None
    slots: int
    period_start: date | None
    period_end: date | None
    status: str
    company_id: int
    company_name_th: str
    company_name_en: str
    company_province: str
    company_contact: str
    program_ids: tuple[int, ...]
    programs: tuple[str, ...]
    placed: int


def posting_detail(ctx: AppContext, *, actor: Actor, posting_id: int) -> PostingDetail:
    """One posting, its company, the programs it is open to and its placed-student count."""
    require(actor, Permission.SEARCH_POSTINGS)
    with ctx.sessions.begin() as session:
        p = session.get(Internship, posting_id)
        if p is None:
            raise NotFound("No such posting.")
        c = session.get_one(Company, p.company_id)
        link = internship_programs.c
        programs = session.execute(
            select(Program.id, Program.code).join(internship_programs, link.program_id == Program.id)
            .where(link.internship_id == p.id).order_by(Program.code)
        ).all()  # fmt: skip
        placed = session.scalar(
            select(func.count()).where(Registration.internship_id == p.id, Registration.status.in_(PLACED))
        )
        contact = " · ".join(x for x in (c.contact_name, c.contact_email, c.contact_phone) if x)
        return PostingDetail(
            p.id, p.title, p.description, p.skills, p.province, p.work_mode.value, p.stipend, p.slots,
            p.period_start, p.period_end, p.status.value, c.id, c.name_th, c.name_en, c.province, contact,
            tuple(r[0] for r in programs), tuple(r[1] for r in programs), int(placed or 0),
        )  # fmt: skip
