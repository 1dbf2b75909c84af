"""Daily mails on both back ends: evaluation due and overdue notices to the supervisor and the advisor,
digests of overdue items (with the opt-out), agreements about to expire, each written once however
often the job runs."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from core import documents, reminders
from core.auth import users
from db.models import CourseSection, OutboxMail, Registration
from db.models import RegistrationStatus as S
from tests import factories as f
from tests.unit.test_documents import PDF
from tests.unit.test_placements import (
    NOW,
    Office,
    office,  # noqa: F401 - the placed-office fixture `desk` builds on
)


@pytest.fixture
def desk(office: Office) -> Office:  # noqa: F811 - test_placements' fixture, named here as a parameter
    """The office of test_placements, its section coordinated by its coordinator."""
    with office.ctx.sessions.begin() as s:
        s.execute(
            update(CourseSection)
            .where(CourseSection.id == office.section_id)
            .values(coordinator_id=office.actors["coordinator"].user_id)
        )
    return office


def _mails(desk: Office) -> list[tuple[str, str]]:
    with desk.ctx.sessions.begin() as s:
        return [(m.kind, m.recipient) for m in s.scalars(select(OutboxMail).order_by(OutboxMail.id))]


def test_evaluations_due_within_a_week_then_overdue_are_told_once_each(desk: Office) -> None:
    desk.placed()  # ends 15 Oct 2026: the supervisor's evaluation is due 22 Oct, the advisor's 29 Oct
    advisor = f"{desk.actors['advisor'].username}@example.ac.th"
    assert reminders.write_reminders(desk.ctx, on=date(2026, 10, 14)).evaluations == 0
    first = reminders.write_reminders(desk.ctx, on=date(2026, 10, 16))
    again = reminders.write_reminders(desk.ctx, on=date(2026, 10, 17))
    assert (first.evaluations, again.evaluations) == (2, 0)
    assert sorted(_mails(desk)) == sorted(
        [("evaluation_due", "somsri@example.co.th"), ("evaluation_due", advisor)]
    )
    late = reminders.write_reminders(desk.ctx, on=date(2026, 10, 23))
    assert late.evaluations == 3  # the supervisor's is overdue (both told); the advisor's own is now due
    kinds = [k for k, _ in _mails(desk)]
    assert kinds.count("evaluation_overdue") == 2 and kinds.count("evaluation_due") == 3


def test_a_digest_goes_to_whoever_has_overdue_items_unless_they_opted_out(desk: Office) -> None:
    advisor = desk.actors["advisor"]
    with desk.ctx.sessions.begin() as s:
        f.registration(
            s,
            section_id=desk.section_id,
            advisor_id=advisor.user_id,
            status=S.SUBMITTED,
            at=NOW - timedelta(days=30),
        )
    report = reminders.write_reminders(desk.ctx)
    assert report.digests == 2  # the advisor (their step) and the section's coordinator
    with desk.ctx.sessions.begin() as s:
        digest = s.scalars(select(OutboxMail).where(OutboxMail.recipient.like(f"{advisor.username}@%"))).one()
    assert "1 registration waiting for review" in digest.body_text and digest.subject.endswith("1 items")
    assert reminders.write_reminders(desk.ctx).digests == 0  # once a day
    users.update_profile(
        desk.ctx,
        actor=advisor,
        full_name="Test Advisor",
        email=f"{advisor.username}@example.ac.th",
        digest=False,
    )
    assert users.profile(desk.ctx, actor=advisor).digest is False
    assert reminders.write_reminders(desk.ctx, on=date(2026, 8, 4)).digests == 1  # the coordinator only


def test_the_coordinator_hears_of_an_agreement_expiring_within_30_days(desk: Office) -> None:
    coordinator = desk.actors["coordinator"]
    rid = desk.placed()
    agreement = documents.save_type(
        desk.ctx,
        actor=coordinator,
        type_id=None,
        code="agreement",
        name_th="ข้อตกลง",
        name_en="Agreement",
        has_expiry=True,
    )
    doc = documents.upload_document(
        desk.ctx,
        actor=coordinator,
        registration_id=rid,
        type_id=agreement.id,
        filename="a.pdf",
        content=io.BytesIO(PDF),
        expires_on=date(2026, 9, 10),
    )
    assert reminders.write_reminders(desk.ctx, on=date(2026, 8, 3)).agreements == 0  # not approved yet
    documents.review_document(desk.ctx, actor=coordinator, document_id=doc.id, decision="approved")
    assert reminders.write_reminders(desk.ctx, on=date(2026, 8, 3)).agreements == 0  # 38 days away
    assert reminders.write_reminders(desk.ctx, on=date(2026, 8, 11)).agreements == 1
    assert reminders.write_reminders(desk.ctx, on=date(2026, 8, 12)).agreements == 0
    with desk.ctx.sessions.begin() as s:
        status = s.get_one(Registration, rid).status
    assert status == S.IN_PROGRESS and (
        "agreement_expiring",
        coordinator.username + "@example.ac.th",
    ) in _mails(desk)
