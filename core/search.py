"""Interactive posting search: Thai/English full text, filters, facet counts, sorting and paging.

One code path for both back ends; only the full-text match differs (InnoDB FULLTEXT in
BOOLEAN MODE on MariaDB/MySQL, the FTS5 table on SQLite). The user's words reach the
database only as a bound parameter built by core.search_text, so input is always data.
Postings with no period set count as overlapping any period filter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, TypedDict, Unpack

import pandas as pd
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.export import to_csv_bytes, to_excel_bytes
from core.postings import PLACED_STATUSES, WORK_MODES
from core.search_sql import FACET_NAMES, SearchArgs, conditions, count_facets, filtered, sort_key, text_match
from db.models import Company, Internship, Program, Registration, internship_programs

SORTS = ("relevance", "newest", "stipend")
MAX_EXPORT = 10_000
COLUMNS = ["id", "title", "company", "province", "work_mode", "stipend", "slots", "slots_left", "status"]


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


def _validate(args: SearchArgs) -> None:
    if args.sort not in SORTS:
        raise InvalidInput("Sort by relevance, newest or stipend.")
    if args.work_mode is not None and args.work_mode not in WORK_MODES:
        raise InvalidInput("Work mode must be onsite, hybrid or remote.")
    if args.page < 1 or not 1 <= args.page_size <= 200:
        raise InvalidInput("Page must be 1 or more and page size 1–200.")
    if any(v is not None and v < 0 for v in (args.stipend_min, args.stipend_max)):
        raise InvalidInput("Stipend limits must be 0 or more.")
    if args.stipend_min is not None and args.stipend_max is not None and args.stipend_min > args.stipend_max:
        raise InvalidInput("The minimum stipend is above the maximum.")
    if args.period_from and args.period_to and args.period_from > args.period_to:
        raise InvalidInput("The period must start on or before its end.")


def _page(session: Session, dialect: str, args: SearchArgs, total: int | None = None) -> list[list[Any]]:
    """One page of rows: the text match and filters pick the page's ids, then only those are decorated.

    With the `total` already known, a page past the end (or an empty result) needs no query.
    """
    if total is not None and (args.page - 1) * args.page_size >= total:
        return []
    hits = text_match(dialect, args.query)
    ids = filtered(select(Internship.id.label("id"), sort_key(args, hits).label("k")), hits, conditions(args))
    pg = (
        ids.order_by(literal_column("k").desc(), Internship.id.desc())
        .limit(args.page_size).offset((args.page - 1) * args.page_size).subquery("pg")
    )  # fmt: skip
    taken = (
        select(func.count()).where(Registration.internship_id == Internship.id,
                                   Registration.status.in_(PLACED_STATUSES))
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


def _facets(ctx: AppContext, args: SearchArgs) -> tuple[int, dict[str, tuple[FacetCount, ...]]]:
    """The total and facet counts, cached: paging and re-sorting the same search reuse them."""

    def compute() -> dict[str, Any]:
        with ctx.sessions.begin() as session:
            return count_facets(session, ctx.db.dialect, args)

    key = asdict(replace(args, sort="", page=0, page_size=0))
    raw = ctx.cache.get_or_compute(("postings",), "search.counts", key, compute)
    facets = {n: tuple(FacetCount(str(v), str(lbl), int(c)) for v, lbl, c in raw[n]) for n in FACET_NAMES}
    return int(raw["total"]), facets


class PostingFilters(TypedDict, total=False):
    """What a search narrows postings to; shared by the results page and the export."""

    query: str
    province: str | None
    work_mode: str | None
    company_id: int | None
    program_id: int | None
    stipend_min: int | None
    stipend_max: int | None
    period_from: date | None
    period_to: date | None
    open_only: bool
    sort: str


def _args(filters: PostingFilters, page: int, page_size: int) -> SearchArgs:
    unknown = set(filters) - set(PostingFilters.__annotations__)
    if unknown:
        raise TypeError(f"unknown search filters: {sorted(unknown)}")
    f = filters
    args = SearchArgs(
        (f.get("query") or "")[:500], f.get("province") or None, f.get("work_mode") or None,
        f.get("company_id"), f.get("program_id"), f.get("stipend_min"), f.get("stipend_max"),
        f.get("period_from"), f.get("period_to"), bool(f.get("open_only", True)),
        f.get("sort", "relevance"), int(page), int(page_size),
    )  # fmt: skip
    _validate(args)
    return args


def search_postings(
    ctx: AppContext, *, actor: Actor, page: int = 1, page_size: int = 25, **filters: Unpack[PostingFilters]
) -> SearchResult:
    """Search postings by Thai/English text and filters; one page of rows plus facet counts."""
    require(actor, Permission.SEARCH_POSTINGS)
    args = _args(filters, page, page_size)
    total, facets = _facets(ctx, args)

    def compute() -> list[list[Any]]:
        with ctx.sessions.begin() as session:
            return _page(session, ctx.db.dialect, args, total)

    # A page shows slots left, so placements (registrations) change it as well as posting edits.
    rows = ctx.cache.get_or_compute(("postings", "registrations"), "search.page", asdict(args), compute)
    return SearchResult(_frame(rows), total, args.page, args.page_size, facets)


def export_postings(
    ctx: AppContext, *, actor: Actor, fmt: str = "csv", **filters: Unpack[PostingFilters]
) -> bytes:
    """Every posting the search matches (up to MAX_EXPORT rows) as formula-safe CSV or Excel bytes."""
    require(actor, Permission.SEARCH_POSTINGS)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("Export as csv or xlsx.")
    args = _args(filters, 1, 1)
    with ctx.sessions.begin() as session:
        frame = _frame(_page(session, ctx.db.dialect, replace(args, page_size=MAX_EXPORT)))
    frame = frame.rename(columns={"stipend": "stipend_thb_month"})
    return to_csv_bytes(frame) if fmt == "csv" else to_excel_bytes(frame, sheet_name="Postings")


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
            select(func.count()).where(
                Registration.internship_id == p.id, Registration.status.in_(PLACED_STATUSES)
            )
        )
        contact = " · ".join(x for x in (c.contact_name, c.contact_email, c.contact_phone) if x)
        return PostingDetail(
            p.id, p.title, p.description, p.skills, p.province, p.work_mode.value, p.stipend, p.slots,
            p.period_start, p.period_end, p.status.value, c.id, c.name_th, c.name_en, c.province, contact,
            tuple(r[0] for r in programs), tuple(r[1] for r in programs), int(placed or 0),
        )  # fmt: skip
