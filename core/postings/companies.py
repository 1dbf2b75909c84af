"""Host companies: create, edit (a rename re-indexes their postings), delete when nobody is placed.

Registration numbers are compared after NFC normalisation, stripping, removing spaces and
dashes, upper-casing and reading Thai or full-width digits as 0-9. Accepted: a Thai juristic
person id (exactly 13 digits), or for other organisations (foreign, government, foundations)
5–20 letters A-Z and digits with at least one letter. An all-digit number of any other length
is refused as a mistyped Thai id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import astuple, dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.cleaning import clean_email, clean_text
from core.context import AppContext
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, msg_n
from core.postings.posting import reindex_company_postings
from core.registrations.states import PLACED
from db.models import Company, Internship, Registration, internship_programs

THAI_JURISTIC_ID = re.compile(r"[0-9]{13}")
OTHER_ID = re.compile(r"(?=.*[A-Z])[A-Z0-9]{5,20}")


@dataclass(frozen=True)
class CompanyForm:
    """What a user types to create or edit a company."""

    registration_no: str
    name_th: str
    name_en: str
    province: str
    address: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    company_type: str = ""


@dataclass(frozen=True)
class CompanyRow:
    """A company as pages list and edit it."""

    id: int
    registration_no: str
    name_th: str
    name_en: str
    province: str
    address: str
    contact_name: str
    contact_email: str
    contact_phone: str
    company_type: str
    active: bool


def clean_registration_no(value: str) -> str:
    """The canonical form of a registration number, or InvalidInput saying what is accepted."""
    text = unicodedata.normalize("NFC", value or "").strip().upper()
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in re.sub(r"[\s\-]", "", text))
    if THAI_JURISTIC_ID.fullmatch(text) or (not text.isdigit() and OTHER_ID.fullmatch(text)):
        return text
    raise InvalidInput(
        "Registration number must be a 13-digit Thai juristic id, "
        "or 5–20 letters and digits (with at least one letter) for other organisations."
    )


def _values(form: CompanyForm) -> dict[str, Any]:
    email = clean_email(form.contact_email, N_("Contact email"))
    return {
        "registration_no": clean_registration_no(form.registration_no),
        "name_th": clean_text(form.name_th, N_("Thai name"), low=2, high=200),
        "name_en": clean_text(form.name_en, N_("English name"), low=2, high=200),
        "province": clean_text(form.province, N_("Province"), low=2, high=60),
        "address": clean_text(form.address, N_("Address"), high=2000, multiline=True) or None,
        "contact_name": clean_text(form.contact_name, N_("Contact name"), high=200) or None,
        "contact_email": email or None,
        "contact_phone": clean_text(form.contact_phone, N_("Contact phone"), high=30) or None,
        "company_type": clean_text(form.company_type, N_("Company type"), high=60) or None,
    }


def _row(c: Company) -> CompanyRow:
    return CompanyRow(
        c.id,
        c.registration_no,
        c.name_th,
        c.name_en,
        c.province,
        c.address or "",
        c.contact_name or "",
        c.contact_email or "",
        c.contact_phone or "",
        c.company_type or "",
        c.active,
    )


def _check_unique(session: Session, registration_no: str, company_id: int | None) -> None:
    stmt = select(Company.id).where(Company.registration_no == registration_no)
    other = session.scalar(stmt)
    if other is not None and other != company_id:
        raise Conflict(
            "Another company already has registration number {registration_no}.",
            registration_no=registration_no,
        )


def _get(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("No such company.")
    return company


def list_companies(ctx: AppContext, *, actor: Actor) -> list[CompanyRow]:
    """Every company, in Thai name order (cached: the postings page lists them on every rerun).

    Loading 2,000 companies as ORM objects took ~150 ms per rerun on MariaDB; company writes
    bump the "postings" namespace after they commit.
    """
    require(actor, Permission.SEARCH_POSTINGS)

    def read(session: Session) -> list[list[Any]]:
        rows = session.scalars(select(Company).order_by(Company.name_th, Company.id))
        return [list(astuple(_row(c))) for c in rows]

    return [CompanyRow(*r) for r in ctx.cached(("postings",), "companies.all", {}, read)]


def create_company(ctx: AppContext, *, actor: Actor, form: CompanyForm) -> CompanyRow:
    """Create a company; its registration number must be new."""
    require(actor, Permission.MANAGE_POSTINGS)
    values = _values(form)
    with ctx.change(actor, "postings") as change:
        _check_unique(change.session, values["registration_no"], None)
        company = Company(**values)
        change.session.add(company)
        change.session.flush()
        change.audit("company.create", "company", company.id, after=values)
        return _row(company)


def update_company(ctx: AppContext, *, actor: Actor, company_id: int, form: CompanyForm) -> CompanyRow:
    """Edit a company; a change of name or province re-indexes its postings in the same transaction."""
    require(actor, Permission.MANAGE_POSTINGS)
    values = _values(form)
    with ctx.change(actor, "postings") as change:
        company = _get(change.session, company_id)
        _check_unique(change.session, values["registration_no"], company.id)
        before = {k: getattr(company, k) for k in values}
        for key, value in values.items():
            setattr(company, key, value)
        if (before["name_th"], before["name_en"]) != (company.name_th, company.name_en):
            reindex_company_postings(change.session, company)
        change.audit("company.update", "company", company.id, before=before, after=values)
        return _row(company)


def _placed_count(session: Session, company_id: int) -> int:
    stmt = (
        select(func.count())
        .select_from(Registration)
        .join(Internship, Internship.id == Registration.internship_id)
        .where(Internship.company_id == company_id, Registration.status.in_(PLACED))
    )
    return int(session.scalar(stmt) or 0)


def _refuse_if_used(session: Session, company: Company) -> None:
    placed = _placed_count(session, company.id)
    if placed:
        raise Conflict(
            msg_n(
                "{name} cannot be deleted: {n} student is placed there or has interned there. Close its "
                "postings instead.",
                "{name} cannot be deleted: {n} students are placed there or have interned there. Close its "
                "postings instead.",
                placed,
                name=company.name_th,
            )
        )
    stmt = (
        select(func.count())
        .select_from(Registration)
        .join(Internship, Internship.id == Registration.internship_id)
        .where(Internship.company_id == company.id)
    )
    if session.scalar(stmt):
        raise Conflict(
            "{name} cannot be deleted: registrations refer to its postings. Close its postings instead.",
            name=company.name_th,
        )


def company_postings(ctx: AppContext, *, actor: Actor, company_id: int) -> list[tuple[int, str]]:
    """(id, title) of every posting of a company: what deleting the company deletes with it."""
    require(actor, Permission.MANAGE_POSTINGS)
    stmt = select(Internship.id, Internship.title).where(Internship.company_id == company_id)
    with ctx.sessions.begin() as session:
        return [(int(i), title) for i, title in session.execute(stmt.order_by(Internship.id))]


def delete_company(ctx: AppContext, *, actor: Actor, company_id: int) -> None:
    """Delete a company and its postings, refused while any registration refers to them."""
    require(actor, Permission.MANAGE_POSTINGS)
    with ctx.change(actor, "postings") as change:
        session = change.session
        company = _get(session, company_id)
        _refuse_if_used(session, company)
        posting_ids = select(Internship.id).where(Internship.company_id == company.id)
        session.execute(
            delete(internship_programs).where(internship_programs.c.internship_id.in_(posting_ids))
        )
        session.execute(delete(Internship).where(Internship.company_id == company.id))
        before = {"registration_no": company.registration_no, "name_en": company.name_en}
        session.delete(company)
        change.audit("company.delete", "company", company_id, before=before)
