"""Internship postings: create, edit, open/close; every write re-indexes the posting's search text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.cleaning import clean_text
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.postings.search_text import index_text
from db.models import (
    Company,
    Internship,
    PostingStatus,
    Program,
    WorkMode,
    internship_programs,
)

WORK_MODES = tuple(m.value for m in WorkMode)
STATUSES = tuple(s.value for s in PostingStatus)
WORK_MODE_LABELS = {
    WorkMode.ONSITE.value: N_("On site"),
    WorkMode.HYBRID.value: N_("Hybrid"),
    WorkMode.REMOTE.value: N_("Remote"),
}
STATUS_LABELS = {PostingStatus.OPEN.value: N_("Open"), PostingStatus.CLOSED.value: N_("Closed")}


@dataclass(frozen=True)
class PostingForm:
    """What a user types to create or edit a posting."""

    company_id: int
    title: str
    province: str
    work_mode: str = WorkMode.ONSITE.value
    description: str = ""
    skills: str = ""
    stipend: int | None = None  # THB per month; None = unpaid
    slots: int = 1
    period_start: date | None = None
    period_end: date | None = None
    status: str = PostingStatus.OPEN.value
    program_ids: tuple[int, ...] = field(default_factory=tuple)  # empty = open to every program


@dataclass(frozen=True)
class PostingSaved:
    """The posting as it was stored."""

    id: int
    title: str
    company_id: int
    status: str


def _check_numbers(form: PostingForm) -> None:
    if form.work_mode not in WORK_MODES:
        raise InvalidInput("Work mode must be onsite, hybrid or remote.")
    if form.status not in STATUSES:
        raise InvalidInput("Status must be open or closed.")
    if form.stipend is not None and not 0 <= form.stipend <= 1_000_000:
        raise InvalidInput("Stipend must be 0 or more THB a month (leave it empty for unpaid).")
    if not 1 <= form.slots <= 500:
        raise InvalidInput("Slots must be between 1 and 500.")
    if form.period_start and form.period_end and form.period_start > form.period_end:
        raise InvalidInput("The period must start on or before its end.")


def _values(form: PostingForm) -> dict[str, Any]:
    _check_numbers(form)
    return {
        "title": clean_text(form.title, N_("Title"), low=3, high=200),
        "description": clean_text(form.description, N_("Description"), high=10_000, multiline=True),
        "skills": clean_text(form.skills, N_("Skills"), high=500),
        "province": clean_text(form.province, N_("Province"), low=2, high=60),
        "work_mode": WorkMode(form.work_mode),
        "stipend": form.stipend,
        "slots": form.slots,
        "period_start": form.period_start,
        "period_end": form.period_end,
        "status": PostingStatus(form.status),
    }


def search_text_for(posting: Internship, company: Company) -> str:
    """The search column of a posting: its text and its company's names, segmented."""
    return index_text(
        posting.title, posting.description, posting.skills, company.name_th, company.name_en, posting.province
    )


def reindex_company_postings(session: Session, company: Company) -> int:
    """Recompute the search text of every posting of `company` (after a rename); returns how many."""
    postings = list(session.scalars(select(Internship).where(Internship.company_id == company.id)))
    for posting in postings:
        posting.search_text = search_text_for(posting, company)
    return len(postings)


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise InvalidInput("Choose an existing company.")
    return company


def _posting(session: Session, posting_id: int) -> Internship:
    posting = session.get(Internship, posting_id)
    if posting is None:
        raise NotFound("No such posting.")
    return posting


def _set_programs(session: Session, posting_id: int, program_ids: tuple[int, ...]) -> list[int]:
    wanted = sorted(set(program_ids))
    found = set(session.scalars(select(Program.id).where(Program.id.in_(wanted)))) if wanted else set()
    if len(found) != len(wanted):
        raise InvalidInput("One of the chosen programs does not exist.")
    session.execute(delete(internship_programs).where(internship_programs.c.internship_id == posting_id))
    if wanted:
        rows = [{"internship_id": posting_id, "program_id": p} for p in wanted]
        session.execute(insert(internship_programs), rows)
    return wanted


def _snapshot(posting: Internship) -> dict[str, Any]:
    keys = ("company_id", "title", "province", "work_mode", "stipend", "slots", "status")
    return {k: getattr(posting, k) for k in keys} | {"period": [posting.period_start, posting.period_end]}


def _saved(posting: Internship) -> PostingSaved:
    return PostingSaved(posting.id, posting.title, posting.company_id, posting.status.value)


def create_posting(ctx: AppContext, *, actor: Actor, form: PostingForm) -> PostingSaved:
    """Create a posting (indexed for search in the same transaction)."""
    require(actor, Permission.MANAGE_POSTINGS)
    values = _values(form)
    with ctx.change(actor, "postings") as change:
        company = _company(change.session, form.company_id)
        posting = Internship(company_id=company.id, **values)
        posting.search_text = search_text_for(posting, company)
        change.session.add(posting)
        change.session.flush()
        programs = _set_programs(change.session, posting.id, form.program_ids)
        change.audit(
            "posting.create", "posting", posting.id, after=_snapshot(posting) | {"programs": programs}
        )
        return _saved(posting)


def update_posting(ctx: AppContext, *, actor: Actor, posting_id: int, form: PostingForm) -> PostingSaved:
    """Replace a posting's fields (and programs); re-indexes it."""
    require(actor, Permission.MANAGE_POSTINGS)
    values = _values(form)
    with ctx.change(actor, "postings") as change:
        posting = _posting(change.session, posting_id)
        before = _snapshot(posting)
        company = _company(change.session, form.company_id)
        for key, value in values.items():
            setattr(posting, key, value)
        posting.company_id = company.id
        posting.search_text = search_text_for(posting, company)
        programs = _set_programs(change.session, posting.id, form.program_ids)
        after = _snapshot(posting) | {"programs": programs}
        change.audit("posting.update", "posting", posting.id, before=before, after=after)
        return _saved(posting)


def set_posting_status(ctx: AppContext, *, actor: Actor, posting_id: int, status: str) -> PostingSaved:
    """Open or close a posting."""
    require(actor, Permission.MANAGE_POSTINGS)
    if status not in STATUSES:
        raise InvalidInput("Status must be open or closed.")
    with ctx.change(actor, "postings") as change:
        posting = _posting(change.session, posting_id)
        before = posting.status.value
        posting.status = PostingStatus(status)
        change.audit(
            "posting.status", "posting", posting.id, before={"status": before}, after={"status": status}
        )
        return _saved(posting)


def list_programs(ctx: AppContext, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, "code name") of every program, for filters and the open-to list."""
    require(actor, Permission.SEARCH_POSTINGS)
    stmt = select(Program.id, Program.code, Program.name_en).order_by(Program.code)
    with ctx.sessions.begin() as session:
        return [(pid, f"{code} {name}") for pid, code, name in session.execute(stmt)]
