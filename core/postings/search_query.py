"""The SQL side of posting search: the text match, filter conditions and one-pass facet counts.

One code path for both back ends; only the full-text match differs (InnoDB FULLTEXT in
BOOLEAN MODE on MariaDB/MySQL, the FTS5 table on SQLite). The user's words reach the
database only as a bound parameter built by core.search_text, so input is always data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    column,
    exists,
    func,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects.mysql import match
from sqlalchemy.orm import Session

from core.postings.search_text import fts5_match, mysql_against
from db.models import Company, Internship, PostingStatus, internship_programs

FACET_LIMIT = 20
FACET_NAMES = ("province", "work_mode", "company")
SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class PostingQuery:
    """What a posting search asks for: the words (Thai or English), the filters and the order.

    The one type the search page (whose URL mirrors it), its export, the placement picker and the
    service share; it is also the cache key of the facets and, with the page, of the rows.
    """

    query: str = ""
    province: str | None = None
    work_mode: str | None = None
    company_id: int | None = None
    program_id: int | None = None
    stipend_min: int | None = None
    stipend_max: int | None = None
    period_from: date | None = None
    period_to: date | None = None
    open_only: bool = True
    sort: str = "relevance"

    def cleaned(self) -> PostingQuery:
        """The words capped at 500 characters, blank choices as none."""
        return replace(
            self,
            query=(self.query or "")[:500],
            province=self.province or None,
            work_mode=self.work_mode or None,
        )


@dataclass(frozen=True)
class Hits:
    """The text match: a WHERE clause on internships (MariaDB) or a joined FTS5 subquery (SQLite)."""

    score: ColumnElement[Any]  # higher = better
    where: ColumnElement[Any] | None = None
    join: Subquery | None = None


def text_match(dialect: str, query: str) -> Hits | None:
    """How to match the query, higher score = better; None = no text filter.

    On MariaDB the MATCH goes straight into the WHERE of the one internships scan: a derived
    (id, score) table joined back to internships reads every matching row twice.
    """
    if dialect == "mysql":
        against = mysql_against(query)
        if against is None:
            return None
        score = match(Internship.__table__.c.search_text, against=against, in_boolean_mode=True)
        return Hits(score, where=score)
    expression = fts5_match(query)
    if expression is None:
        return None
    fts = table("internships_fts", column("rowid"), column("rank"))
    where = text("internships_fts MATCH :q").bindparams(q=expression)
    hits = select(fts.c.rowid.label("id"), (-fts.c.rank).label("score")).where(where).subquery("hits")
    return Hits(hits.c.score, join=hits)


def _program_open(program_id: int) -> ColumnElement[bool]:
    link = internship_programs.c
    return or_(
        ~exists().where(link.internship_id == Internship.id),
        exists().where(link.internship_id == Internship.id, link.program_id == program_id),
    )


def conditions(args: PostingQuery, skip: frozenset[str] = frozenset()) -> list[ColumnElement[bool]]:
    """WHERE clauses for every filter except the facets in `skip` (standard faceting)."""
    conds: list[ColumnElement[bool]] = []
    if args.open_only:
        conds.append(Internship.status == PostingStatus.OPEN)
    conds += [flag for name, flag in facet_flags(args).items() if name not in skip and flag is not None]
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


def facet_flags(args: PostingQuery) -> dict[str, ColumnElement[bool] | None]:
    """Each facet's own filter condition, None when that facet is not filtered."""
    return {
        "province": Internship.province == args.province if args.province else None,
        "work_mode": Internship.work_mode == args.work_mode if args.work_mode else None,
        "company": Internship.company_id == args.company_id if args.company_id is not None else None,
    }


def filtered(stmt: SelectT, hits: Hits | None, conds: list[ColumnElement[bool]]) -> SelectT:
    """`stmt` restricted to the text match (when there is one) and the conditions."""
    if hits is not None and hits.join is not None:
        stmt = stmt.join(hits.join, hits.join.c.id == Internship.id)
    if hits is not None and hits.where is not None:
        stmt = stmt.where(hits.where)
    return stmt.where(*conds)


def sort_key(args: PostingQuery, hits: Hits | None) -> Any:
    """The page's sort key (all descending, then id descending)."""
    if args.sort == "stipend":
        return func.coalesce(Internship.stipend, -1)
    if args.sort == "relevance" and hits is not None:
        return hits.score
    return Internship.created_at


def plain(value: object) -> str:
    """An enum's value or any other value as text."""
    return str(getattr(value, "value", value))


def count_facets(session: Session, dialect: str, args: PostingQuery) -> dict[str, Any]:
    """Total and the three facets from ONE grouped statement (one text match), rows in SQL order on ties.

    A row counts for a facet when it passes every other facet's filter; grouping by each facet's
    column only where that holds (else NULL) gives every facet and the total in one pass.
    """
    flags, names = facet_flags(args), FACET_NAMES
    cols = dict(zip(names, (Internship.province, Internship.work_mode, Internship.company_id), strict=True))
    others = {n: and_(true(), *[f for o, f in flags.items() if o != n and f is not None]) for n in names}
    keys = [case((others[n], cols[n]), else_=None).label(n[0]) for n in names]
    hits = text_match(dialect, args.query)
    stmt = filtered(select(*keys, func.count()), hits, conditions(args, frozenset(names)))
    stmt = stmt.where(or_(*others.values())).group_by(*keys).order_by(keys[0])
    out: dict[str, dict[Any, int]] = {n: {} for n in names}
    total = 0
    for *values, n in session.execute(stmt):
        for name, value in zip(names, values, strict=True):
            if value is not None:
                out[name][value] = out[name].get(value, 0) + int(n)
        total += int(n) if all(v is not None for v in values) else 0
    modes = sorted(out["work_mode"].items(), key=lambda item: plain(item[0]))  # ASCII: same order as SQL
    facets = {n: [[plain(v), plain(v), c] for v, c in _by_count(items)] for n, items in
              (("province", out["province"].items()), ("work_mode", modes))}  # fmt: skip
    return {"total": total, **facets, "company": _company_facet(session, out["company"])}


def _company_facet(session: Session, counts: dict[Any, int]) -> list[list[Any]]:
    """The FACET_LIMIT companies with the most postings, ties by name (the database's collation)."""
    if not counts:
        return []
    floor = sorted(counts.values(), reverse=True)[:FACET_LIMIT][-1]
    ids = [int(i) for i, c in counts.items() if c >= floor]
    named = session.execute(
        select(Company.id, Company.name_th).where(Company.id.in_(ids)).order_by(Company.name_th)
    )
    return [[str(i), name, n] for (i, name), n in _by_count(((i, name), counts[i]) for i, name in named)][
        :FACET_LIMIT
    ]


def _by_count(items: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """(value, count) pairs by count descending, keeping the given (database collation) order on ties."""
    return sorted(items, key=lambda item: -item[1])
