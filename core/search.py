"""Interactive posting search: Thai/English full text, filters, facet counts, sorting and paging.

One code path for both back ends; only the full-text match differs (InnoDB FULLTEXT in
BOOLEAN MODE on MariaDB/MySQL, the FTS5 table on SQLite). The user's words reach the
database only as a bound parameter built by core.search_text, so input is always data.
Postings with no period set count as overlapping any period filter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import ColumnElement, Select, Subquery, column, exists, func, or_, select, table, text
from sqlalchemy.dialects.mysql import match
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.export import to_csv_bytes, to_excel_bytes
from core.postings import PLACED_STATUSES, WORK_MODES
from core.search_text import fts5_match, mysql_against
from db.models import Company, Internship, PostingStatus, Program, Registration, internship_programs

SORTS = ("relevance", "newest", "stipend")
FACET_LIMIT = 20
SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")
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


@dataclass(frozen=True)
class SearchArgs:
    """The validated arguments of one search; also the facet cache key."""

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
    page: int
    page_size: int


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


def _hits(dialect: str, query: str) -> Subquery | None:
    """(id, score) of postings matching the query, higher score = better; None = no text filter."""
    if dialect == "mysql":
        against = mysql_against(query)
        if against is None:
            return None
        score = match(Internship.__table__.c.search_text, against=against, in_boolean_mode=True)
        return select(Internship.id.label("id"), score.label("score")).where(score).subquery("hits")
    expression = fts5_match(query)
    if expression is None:
        return None
    fts = table("internships_fts", column("rowid"), column("rank"))
    where = text("internships_fts MATCH :q").bindparams(q=expression)
    return select(fts.c.rowid.label("id"), (-fts.c.rank).label("score")).where(where).subquery("hits")


def _program_open(program_id: int) -> ColumnElement[bool]:
    link = internship_programs.c
    return or_(
        ~exists().where(link.internship_id == Internship.id),
        exists().where(link.internship_id == Internship.id, link.program_id == program_id),
    )


def _conditions(args: SearchArgs, skip: str | None = None) -> list[ColumnElement[bool]]:
    """WHERE clauses for every filter except the facet `skip` (standard faceting)."""
    conds: list[ColumnElement[bool]] = []
    if args.open_only:
        conds.append(Internship.status == PostingStatus.OPEN)
    if args.province and skip != "province":
        conds.append(Internship.province == args.province)
    if args.work_mode and skip != "work_mode":
        conds.append(Internship.work_mode == args.work_mode)
    if args.company_id is not None and skip != "company":
        conds.append(Internship.company_id == args.company_id)
    if args.program_id is not None:
        conds.append(_program_open(args.program_id))
    stipend = func.coalesce(Internship.stipend, 0)
    if args.stipend_min is not None:
        conds.append(stipend >= args.stipend_min)
    if args.stipend_max is not None:
        conds.append(stipend <= args.stipend_max)
    if args.period_from:
        conds.append(or_(Internship.period_end.is_(None), Internship.period_end >= args.period_from))
    if args.period_to:
        conds.append(or_(Internship.period_start.is_(None), Internship.period_start <= args.period_to))
    return conds


def _filtered(stmt: SelectT, hits: Subquery | None, conds: list[ColumnElement[bool]]) -> SelectT:
    if hits is not None:
        stmt = stmt.join(hits, hits.c.id == Internship.id)
    return stmt.where(*conds)


def _order(args: SearchArgs, hits: Subquery | None) -> list[Any]:
    if args.sort == "stipend":
        return [func.coalesce(Internship.stipend, -1).desc(), Internship.id.desc()]
    if args.sort == "relevance" and hits is not None:
        return [hits.c.score.desc(), Internship.id.desc()]
    return [Internship.created_at.desc(), Internship.id.desc()]


def _page(session: Session, dialect: str, args: SearchArgs) -> tuple[pd.DataFrame, int]:
    hits, conds = _hits(dialect, args.query), _conditions(args)
    count = _filtered(select(func.count()).select_from(Internship), hits, conds)
    total = int(session.scalar(count) or 0)
    taken = (
        select(Registration.internship_id.label("iid"), func.count().label("n"))
        .where(Registration.status.in_(PLACED_STATUSES), Registration.internship_id.is_not(None))
        .group_by(Registration.internship_id)
        .subquery("taken")
    )
    stmt = select(
        Internship.id, Internship.title, Company.name_th, Internship.province, Internship.work_mode,
        Internship.stipend, Internship.slots, Internship.slots - func.coalesce(taken.c.n, 0),
        Internship.status,
    ).select_from(Internship).join(Company, Company.id == Internship.company_id)  # fmt: skip
    stmt = _filtered(stmt.outerjoin(taken, taken.c.iid == Internship.id), hits, conds)
    stmt = stmt.order_by(*_order(args, hits)).limit(args.page_size).offset((args.page - 1) * args.page_size)
    rows = [list(r) for r in session.execute(stmt)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for key in ("work_mode", "status"):
        frame[key] = frame[key].map(lambda v: getattr(v, "value", v)).astype("string")
    frame["stipend"] = frame["stipend"].astype("Int64")
    frame["slots_left"] = frame["slots_left"].astype("int64")
    return frame, total


def _facet(session: Session, dialect: str, args: SearchArgs, name: str) -> list[list[Any]]:
    """[[value, label, count], ...] for one facet, counted without that facet's own filter."""
    hits, conds = _hits(dialect, args.query), _conditions(args, skip=name)
    count = func.count().label("n")
    stmt: Select[*tuple[Any, ...]]
    if name == "company":
        stmt = select(Company.id, Company.name_th, count).select_from(Internship)
        stmt = stmt.join(Company, Company.id == Internship.company_id)
        stmt = _filtered(stmt, hits, conds).group_by(Company.id, Company.name_th)
        stmt = stmt.order_by(count.desc(), Company.name_th).limit(FACET_LIMIT)
    else:
        col = Internship.province if name == "province" else Internship.work_mode
        stmt = _filtered(select(col, col, count).select_from(Internship), hits, conds).group_by(col)
        stmt = stmt.order_by(count.desc(), col)
    return [[_plain(v), _plain(label), int(n)] for v, label, n in session.execute(stmt)]


def _plain(value: object) -> str:
    return str(getattr(value, "value", value))


def _facets(ctx: AppContext, args: SearchArgs) -> dict[str, tuple[FacetCount, ...]]:
    def compute() -> dict[str, list[list[Any]]]:
        with ctx.sessions.begin() as session:
            return {n: _facet(session, ctx.db.dialect, args, n) for n in ("province", "work_mode", "company")}

    raw = ctx.cache.get_or_compute(("postings",), "search.facets", asdict(args), compute)
    return {n: tuple(FacetCount(str(v), str(lbl), int(c)) for v, lbl, c in raw[n]) for n in raw}


def search_postings(
    ctx: AppContext,
    *,
    actor: Actor,
    query: str = "",
    province: str | None = None,
    work_mode: str | None = None,
    company_id: int | None = None,
    program_id: int | None = None,
    stipend_min: int | None = None,
    stipend_max: int | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    open_only: bool = True,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 25,
) -> SearchResult:
    """Search postings by Thai/English text and filters; one page of rows plus facet counts."""
    require(actor, Permission.SEARCH_POSTINGS)
    args = SearchArgs(
        (query or "")[:500], province or None, work_mode or None, company_id, program_id, stipend_min,
        stipend_max, period_from, period_to, bool(open_only), sort, int(page), int(page_size),
    )  # fmt: skip
    _validate(args)
    with ctx.sessions.begin() as session:
        frame, total = _page(session, ctx.db.dialect, args)
    return SearchResult(frame, total, args.page, args.page_size, _facets(ctx, args))


def export_postings(
    ctx: AppContext,
    *,
    actor: Actor,
    query: str = "",
    province: str | None = None,
    work_mode: str | None = None,
    company_id: int | None = None,
    program_id: int | None = None,
    stipend_min: int | None = None,
    stipend_max: int | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    open_only: bool = True,
    sort: str = "relevance",
    fmt: str = "csv",
) -> bytes:
    """Every posting the search matches (up to MAX_EXPORT rows) as formula-safe CSV or Excel bytes."""
    require(actor, Permission.SEARCH_POSTINGS)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("Export as csv or xlsx.")
    args = SearchArgs(
        (query or "")[:500], province or None, work_mode or None, company_id, program_id, stipend_min,
        stipend_max, period_from, period_to, bool(open_only), sort, 1, 1,
    )  # fmt: skip
    _validate(args)
    with ctx.sessions.begin() as session:
        frame, _ = _page(session, ctx.db.dialect, replace(args, page_size=MAX_EXPORT))
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
