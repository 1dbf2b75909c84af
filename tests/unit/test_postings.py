"""core.postings and core.companies on both back ends: validation, re-indexing, audit, delete refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.postings import companies, search
from core.postings import posting as postings
from core.postings.companies import CompanyForm
from core.postings.posting import PostingForm
from db.models import AuditEntry, Internship, RegistrationStatus
from tests import factories as f

COMPANY = CompanyForm(
    registration_no="0105556012345", name_th="บริษัท ไทยซอฟต์ จำกัด", name_en="Thai Soft", province="กรุงเทพมหานคร"
)


def ids(ctx, actor, query, **kw) -> set[int]:
    return set(search.search_postings(ctx, actor=actor, query=query, page_size=200, **kw).rows["id"])


def test_create_posting_is_searchable_in_thai_and_english(ctx, make_actor) -> None:
    staff = make_actor("staff")
    company = companies.create_company(ctx, actor=staff, form=COMPANY)
    form = PostingForm(
        company_id=company.id, title="วิศวกรซอฟต์แวร์ฝึกงาน", province="กรุงเทพมหานคร",
        description="รับนักศึกษาฝึกงานด้านพัฒนาระบบ", skills="Python, Go", stipend=8000, slots=2,
        period_start=date(2026, 6, 1), period_end=date(2026, 9, 30),
    )  # fmt: skip
    saved = postings.create_posting(ctx, actor=staff, form=form)
    assert ids(ctx, staff, "ซอฟต์แวร์") == {saved.id}
    assert ids(ctx, staff, "python go") == {saved.id}
    assert ids(ctx, staff, "ไทยซอฟต์") == {saved.id}  # the company's name is indexed too
    assert ids(ctx, staff, "thai soft") == {saved.id}
    with ctx.sessions.begin() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["company.create", "posting.create"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "ab"}, "Title must be 3–200"),
        ({"title": "x" * 201}, "Title must be 3–200"),
        ({"title": "bad\x00title"}, "control"),
        ({"slots": 0}, "Slots"),
        ({"slots": 501}, "Slots"),
        ({"stipend": -1}, "Stipend"),
        ({"work_mode": "moon"}, "Work mode"),
        ({"status": "draft"}, "Status"),
        ({"period_start": date(2026, 9, 1), "period_end": date(2026, 6, 1)}, "period"),
        ({"province": ""}, "Province"),
        ({"company_id": 999_999}, "existing company"),
    ],
)
def test_bad_posting_input_is_refused_with_a_clear_message(ctx, make_actor, change, message) -> None:
    staff = make_actor("staff")
    company_id = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    form = replace(PostingForm(company_id=company_id, title="Data Intern", province="Bangkok"), **change)
    with pytest.raises(InvalidInput, match=message):
        postings.create_posting(ctx, actor=staff, form=form)
    with ctx.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Internship)) == 0


def test_unpaid_and_programs(ctx, make_actor) -> None:
    staff = make_actor("staff")
    program = f.new(ctx, f.program)
    company_id = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    form = PostingForm(
        company_id=company_id, title="Unpaid Intern", province="Bangkok", program_ids=(program,)
    )
    saved = postings.create_posting(ctx, actor=staff, form=form)
    detail = search.posting_detail(ctx, actor=staff, posting_id=saved.id)
    assert detail.stipend is None and detail.program_ids == (program,)
    with pytest.raises(InvalidInput, match="program"):
        postings.update_posting(
            ctx, actor=staff, posting_id=saved.id, form=replace(form, program_ids=(424242,))
        )


def test_edit_and_close_update_the_index(ctx, make_actor) -> None:
    staff = make_actor("staff")
    company_id = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    form = PostingForm(company_id=company_id, title="นักบัญชีฝึกหัด", province="ขอนแก่น")
    saved = postings.create_posting(ctx, actor=staff, form=form)
    assert ids(ctx, staff, "บัญชี") == {saved.id}
    postings.update_posting(
        ctx, actor=staff, posting_id=saved.id, form=replace(form, title="นักการตลาดออนไลน์")
    )
    assert ids(ctx, staff, "บัญชี") == set()
    assert ids(ctx, staff, "การตลาด") == {saved.id}
    postings.set_posting_status(ctx, actor=staff, posting_id=saved.id, status="closed")
    assert ids(ctx, staff, "การตลาด") == set()
    assert ids(ctx, staff, "การตลาด", open_only=False) == {saved.id}
    with pytest.raises(NotFound):
        postings.update_posting(ctx, actor=staff, posting_id=999_999, form=form)


def test_company_rename_reindexes_its_postings(ctx, make_actor) -> None:
    staff = make_actor("staff")
    company = companies.create_company(ctx, actor=staff, form=COMPANY)
    first = f.new(ctx, f.posting, company.id, "Backend Intern", slots=3)
    second = f.new(ctx, f.posting, company.id, "Frontend Intern", slots=3)
    assert ids(ctx, staff, "thai soft") == {first, second}
    renamed = replace(COMPANY, name_th="บริษัท สยามคลาวด์ จำกัด", name_en="Siam Cloud")
    companies.update_company(ctx, actor=staff, company_id=company.id, form=renamed)
    assert ids(ctx, staff, "thai soft") == set()
    assert ids(ctx, staff, "siam cloud") == {first, second}
    assert ids(ctx, staff, "สยามคลาวด์") == {first, second}


def test_registration_number_rules(ctx, make_actor) -> None:
    staff = make_actor("staff")
    companies.create_company(ctx, actor=staff, form=COMPANY)
    for same in ("0105-5560-12345", " 0105556012345 ", "０１０５５５６０１２３４５"):
        with pytest.raises((Conflict, InvalidInput)):
            companies.create_company(ctx, actor=staff, form=replace(COMPANY, registration_no=same))
    with pytest.raises(Conflict, match="already has registration number 0105556012345"):
        companies.create_company(ctx, actor=staff, form=replace(COMPANY, registration_no="0105-5560-12345"))
    for bad in ("12345", "", "AB-1", "x" * 21, "บริษัท12345"):
        with pytest.raises(InvalidInput, match="13-digit Thai juristic id"):
            companies.create_company(ctx, actor=staff, form=replace(COMPANY, registration_no=bad))
    foreign = companies.create_company(
        ctx, actor=staff, form=replace(COMPANY, registration_no="de-hrb 12345")
    )
    assert foreign.registration_no == "DEHRB12345"
    with pytest.raises(InvalidInput, match="email"):
        companies.create_company(ctx, actor=staff, form=replace(COMPANY, contact_email="not-an-address"))


@pytest.mark.parametrize("status", ["placed", "in_progress", "completed"])
def test_company_with_placed_students_cannot_be_deleted(ctx, make_actor, status) -> None:
    staff = make_actor("staff")
    company = companies.create_company(ctx, actor=staff, form=COMPANY)
    posting = f.new(ctx, f.posting, company.id, "Backend Intern", slots=3)
    f.new(ctx, f.registration, internship_id=posting, status=RegistrationStatus(status))
    with pytest.raises(Conflict, match="cannot be deleted: 1 student is placed"):
        companies.delete_company(ctx, actor=staff, company_id=company.id)
    assert ids(ctx, staff, "backend") == {posting}


def test_company_without_registrations_is_deleted_with_its_postings(ctx, make_actor) -> None:
    staff = make_actor("staff")
    company = companies.create_company(ctx, actor=staff, form=COMPANY)
    f.new(ctx, f.posting, company.id, "Backend Intern", programs=(f.new(ctx, f.program),), slots=3)
    companies.delete_company(ctx, actor=staff, company_id=company.id)
    assert ids(ctx, staff, "backend") == set()
    assert companies.list_companies(ctx, actor=staff) == []
    with pytest.raises(NotFound):
        companies.delete_company(ctx, actor=staff, company_id=company.id)


def test_company_with_other_registrations_is_not_deleted(ctx, make_actor) -> None:
    staff = make_actor("staff")
    company = companies.create_company(ctx, actor=staff, form=COMPANY)
    backend = f.new(ctx, f.posting, company.id, "Backend Intern", slots=3)
    f.new(ctx, f.registration, internship_id=backend, status=RegistrationStatus.SUBMITTED)
    with pytest.raises(Conflict, match="registrations refer to its postings"):
        companies.delete_company(ctx, actor=staff, company_id=company.id)


@pytest.mark.parametrize("role", ["advisor", "manager", "coordinator"])
def test_only_posting_managers_write(ctx, make_actor, role) -> None:
    actor = make_actor(role)
    with pytest.raises(PermissionDenied):
        companies.create_company(ctx, actor=actor, form=COMPANY)
    with pytest.raises(PermissionDenied):
        postings.create_posting(
            ctx, actor=actor, form=PostingForm(company_id=1, title="abc", province="Bangkok")
        )


def test_writes_invalidate_cached_facets(ctx, make_actor) -> None:
    staff = make_actor("staff")
    company_id = f.new(ctx, f.company, name_th="บริษัท ทดสอบ จำกัด", name_en="Test Co", province="กรุงเทพมหานคร")
    form = PostingForm(company_id=company_id, title="Data Intern", province="Phuket")
    postings.create_posting(ctx, actor=staff, form=form)
    before = search.search_postings(ctx, actor=staff).facets["province"]
    postings.create_posting(ctx, actor=staff, form=form)
    after = search.search_postings(ctx, actor=staff).facets["province"]
    assert [f.count for f in before] == [1] and [f.count for f in after] == [2]
