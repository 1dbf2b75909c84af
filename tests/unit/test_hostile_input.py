"""Hostile text through every free-text field of the core services, on both back ends.

Each value is either refused with a clear InvalidInput (and nothing changes) or stored and read
back exactly as typed after NFC. Nothing else may escape: no SQL error, no other exception.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from core import registrations as workflow
from core.auth import users
from core.context import AppContext
from core.errors import Conflict, DomainError, InvalidInput
from core.postings import companies, search
from core.postings import posting as postings
from core.postings.companies import CompanyForm
from core.postings.posting import PostingForm
from core.registrations import queue
from core.registrations.queue import QueueFilters
from db.models import Company, Internship, RegistrationEvent, User
from tests import factories as f

MEGABYTE = "x" * (1 << 20)
PAYLOADS = {
    "sql_or": "' OR 1=1 --",
    "sql_drop": "'; DROP TABLE users; --",
    "sql_union": "\\' UNION SELECT password_hash FROM users --",
    "img": "<img src=x onerror=alert(1)>",
    "script": "<script>alert(1)</script>",
    "js_link": "[x](javascript:alert(1))",
    "thai_marks": "ก้้้้้้้",
    "thai_water": "น้ำ",
    "emoji": "🎓🏢",
    "megabyte": MEGABYTE,
    "zero_width_space": "ab\u200bcd",
    "zero_width_joiner": "ab\u200dcd",
    "bom": "\ufeffabcd",
    "rtl_override": "abc\u202edcba",
    "nfd_e_acute": "Cafe\u0301 Ltd",
    "thai_am_decomposed": "น\u0e49\u0e4d\u0e32",
    "percent_underscore": "%_%",
}
IDS = list(PAYLOADS)


def nfc(text: str) -> str:
    """What a field must read back as when it is accepted."""
    return unicodedata.normalize("NFC", text).strip()


def count(ctx: AppContext, model: Any) -> int:
    """Rows in `model`'s table."""
    with ctx.sessions.begin() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def stored_or_refused(
    ctx: AppContext, model: Any, typed: str, save: Callable[[], Any], read: Callable[[Any], str]
) -> None:
    """Run `save`; either InvalidInput with nothing written, or `read(result)` equals `typed` after NFC."""
    before = count(ctx, model)
    try:
        result = save()
    except InvalidInput as exc:
        refused: InvalidInput | None = exc
    else:
        refused = None
    if refused is None:
        assert read(result) == nfc(typed)
    else:
        assert refused.message and len(refused.message) < 300 and typed not in refused.message
        assert count(ctx, model) == before


@pytest.fixture
def office(ctx: AppContext, make_actor) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "admin": make_actor("admin"),
        "staff": make_actor("staff"),
        "coordinator": make_actor("coordinator"),
    }


def _company_form(registration_no: str = "0105556012345", **fields: str) -> CompanyForm:
    values = {"name_th": "บริษัท ทดสอบ", "name_en": "Test Co", "province": "Bangkok"} | fields
    return CompanyForm(registration_no=registration_no, **values)


@pytest.mark.parametrize("name", IDS)
def test_user_fields(ctx: AppContext, office, name: str) -> None:
    typed, admin = PAYLOADS[name], office["admin"]

    def read(created: tuple[users.UserRow, str]) -> str:
        (row,) = [u for u in users.list_users(ctx, actor=admin) if u.id == created[0].id]
        return row.full_name

    stored_or_refused(
        ctx, User, typed, lambda: users.create_user(ctx, actor=admin, username=f"u{name[:20]}".lower(),
                                                    full_name=typed, role="staff"), read,
    )  # fmt: skip
    for field in ("username", "email"):
        before = count(ctx, User)
        kwargs = (
            {"username": typed, "email": None}
            if field == "username"
            else {"username": "mail1", "email": typed}
        )
        with pytest.raises(InvalidInput):
            users.create_user(ctx, actor=admin, full_name="Somchai Jaidee", role="staff", **kwargs)  # type: ignore[arg-type]
        assert count(ctx, User) == before
    if len(typed) > 200:
        with pytest.raises(InvalidInput, match="200 characters"):
            users.list_users(ctx, actor=admin, text=typed)
    else:
        listed = users.list_users(ctx, actor=admin, text=typed)
        assert all(nfc(typed) in (u.username + u.full_name + (u.email or "")) for u in listed)


@pytest.mark.parametrize("name", IDS)
def test_profile_fields(ctx: AppContext, office, name: str) -> None:
    typed, me = PAYLOADS[name], office["staff"]
    original = users.profile(ctx, actor=me)
    try:
        users.update_profile(ctx, actor=me, full_name=typed, email=original.email)
    except InvalidInput:
        assert users.profile(ctx, actor=me).full_name == original.full_name
    else:
        assert users.profile(ctx, actor=me).full_name == nfc(typed)
    with pytest.raises(InvalidInput):
        users.update_profile(ctx, actor=me, full_name="Somchai", email=typed)
    assert users.profile(ctx, actor=me).email == original.email


COMPANY_FIELDS = ("name_th", "name_en", "province", "address", "contact_name", "contact_phone")


@pytest.mark.parametrize("name", IDS)
def test_company_fields(ctx: AppContext, office, name: str) -> None:
    typed, staff = PAYLOADS[name], office["staff"]
    for n, field in enumerate(COMPANY_FIELDS):
        form = _company_form(registration_no=f"01055560{n:05d}", **{field: typed})

        def read(row: companies.CompanyRow, field: str = field) -> str:
            (stored,) = [c for c in companies.list_companies(ctx, actor=staff) if c.id == row.id]
            return str(getattr(stored, field))

        stored_or_refused(ctx, Company, typed, lambda form=form: companies.create_company(
            ctx, actor=staff, form=form), read)  # fmt: skip
    for fields in ({"registration_no": typed}, {"registration_no": "ABCDE99", "contact_email": typed}):
        before = count(ctx, Company)
        with pytest.raises(InvalidInput):
            companies.create_company(ctx, actor=staff, form=_company_form(**fields))
        assert count(ctx, Company) == before


POSTING_FIELDS = ("title", "description", "skills", "province")


@pytest.mark.parametrize("name", IDS)
def test_posting_fields_and_search(ctx: AppContext, office, name: str) -> None:
    typed, staff = PAYLOADS[name], office["staff"]
    company = companies.create_company(ctx, actor=staff, form=_company_form()).id
    for field in POSTING_FIELDS:
        values = {"title": "Data intern", "province": "Bangkok"} | {field: typed}
        form = PostingForm(company_id=company, **values)  # type: ignore[arg-type]

        def read(saved: postings.PostingSaved, field: str = field) -> str:
            return str(getattr(search.posting_detail(ctx, actor=staff, posting_id=saved.id), field))

        stored_or_refused(ctx, Internship, typed, lambda form=form: postings.create_posting(
            ctx, actor=staff, form=form), read)  # fmt: skip
    found = search.search_postings(ctx, actor=staff, query=typed, open_only=False)
    assert found.total >= 0
    in_province = search.search_postings(ctx, actor=staff, province=typed).rows
    assert set(in_province["province"]) <= {nfc(typed)}


@pytest.mark.parametrize("name", IDS)
def test_workflow_reason_and_vote_remarks(ctx: AppContext, office, name: str) -> None:
    typed, coordinator = PAYLOADS[name], office["coordinator"]
    with ctx.sessions.begin() as s:
        reg = f.registration(s)

    def read(_: object) -> str:
        detail = workflow.registration_detail(ctx, actor=coordinator, registration_id=reg)
        return str(detail.timeline[-1].reason)

    stored_or_refused(ctx, RegistrationEvent, typed, lambda: workflow.transition(
        ctx, actor=coordinator, registration_id=reg, action="reject", reason=typed), read)  # fmt: skip


@pytest.mark.parametrize("name", IDS)
def test_queue_text_filter(ctx: AppContext, office, name: str) -> None:
    typed, coordinator = PAYLOADS[name], office["coordinator"]
    with ctx.sessions.begin() as s:
        f.registration(s)
    filters = QueueFilters(text=typed)
    if len(typed) > queue.MAX_TEXT:
        with pytest.raises(InvalidInput, match="at most"):
            queue.list_queue(ctx, actor=coordinator, filters=filters)
        return
    page = queue.list_queue(ctx, actor=coordinator, filters=filters)
    total = queue.count_queue(ctx, actor=coordinator, filters=filters)
    assert len(page.rows) == total == 0  # nothing in the seed starts with any of these


def test_user_filter_treats_percent_and_underscore_literally(ctx: AppContext, office) -> None:
    assert users.list_users(ctx, actor=office["admin"], text="%") == []
    assert users.list_users(ctx, actor=office["admin"], text="_") == []
    assert len(users.list_users(ctx, actor=office["admin"], text="staff")) == 1


def test_queue_text_filter_matches_a_name_typed_in_another_normal_form(ctx: AppContext, office) -> None:
    with ctx.sessions.begin() as s:
        student = f.student(s, first_name_en="Ren\u00e9e", last_name_en="Jaidee", first_name_th="น้ำฝน")
        f.registration(s, student_id=student)
    for typed in ("Rene\u0301e", "Rene\u0301e Jaidee", "น\u0e49\u0e33ฝน"):
        filters = QueueFilters(text=typed)
        assert queue.count_queue(ctx, actor=office["coordinator"], filters=filters) == 1, typed


def test_search_does_not_treat_the_query_as_sql(ctx: AppContext, office) -> None:
    staff = office["staff"]
    company = companies.create_company(ctx, actor=staff, form=_company_form()).id
    postings.create_posting(ctx, actor=staff, form=PostingForm(company_id=company, title="Data intern",
                                                                province="Bangkok"))  # fmt: skip
    for typed in (PAYLOADS["sql_or"], PAYLOADS["sql_drop"], PAYLOADS["sql_union"]):
        assert search.search_postings(ctx, actor=staff, query=typed).total == 0, typed
    for typed in ("%", "_", "*", '"'):  # punctuation alone is no text filter at all
        assert search.search_postings(ctx, actor=staff, query=typed).total == 1, typed
    assert count(ctx, User) == 3


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("0105556012345", "๐๑๐๕๕๕๖๐๑๒๓๔๕"),  # Thai digits
        ("0105556012345", "０１０５５５６０１２３４５"),  # full-width digits
        ("0105556012345", "0105-556-012-345"),
        ("ABCDE123", "abcde123"),
    ],
)
def test_company_registration_no_differing_only_in_form_is_a_conflict(
    ctx: AppContext, office, first: str, second: str
) -> None:
    staff = office["staff"]
    companies.create_company(ctx, actor=staff, form=_company_form(registration_no=first))
    with pytest.raises(Conflict):
        companies.create_company(ctx, actor=staff, form=_company_form(registration_no=second))
    assert count(ctx, Company) == 1


@pytest.mark.parametrize(
    "second", ["Somchai", "ｓｏｍｃｈａｉ", "somcha\u0131", "so\u200bmchai", "somcha\u00ed"]
)
def test_username_differing_only_in_form_is_refused(ctx: AppContext, office, second: str) -> None:
    admin = office["admin"]
    users.create_user(ctx, actor=admin, username="somchai", full_name="Somchai Jaidee", role="staff")
    before = count(ctx, User)
    with pytest.raises((Conflict, InvalidInput)):
        users.create_user(ctx, actor=admin, username=second, full_name="Somchai Jaidee", role="staff")
    assert count(ctx, User) == before


def test_only_domain_errors_escape(ctx: AppContext, office) -> None:
    """A catch-all: every payload in every field of every service, any failure must be a DomainError."""
    staff = office["staff"]
    for typed in PAYLOADS.values():
        for call in (
            lambda t=typed: search.search_postings(ctx, actor=staff, query=t, sort=t),
            lambda t=typed: search.search_postings(ctx, actor=staff, query=t, work_mode=t),
        ):
            with contextlib.suppress(DomainError):
                call()
