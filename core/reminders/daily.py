"""The mails nobody clicks a button for, written once a day into the outbox (each with a key, so a
second run, another replica or a retried pass never writes the same reminder twice):

- each coordinator and advisor who has not opted out: a digest of the items waiting longer than
  OVERDUE_DAYS (registrations awaiting their review, documents awaiting review), one mail per person;
- the supervisor and the advisor, when an evaluation is due within EVALUATION_NOTICE_DAYS, and again
  once it is overdue;
- the section's coordinator, when an approved agreement expires within AGREEMENT_NOTICE_DAYS.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core import clock, mail, registrations
from core.auth.users import DIGEST_ROLES
from core.context import AppContext
from core.i18n import local_time, msg_n
from core.registrations import states
from db.models import (
    CourseSection,
    Document,
    DocumentStatus,
    DocumentType,
    Evaluation,
    EvaluationStatus,
    EvaluatorKind,
    Placement,
    Registration,
    RegistrationStatus,
    User,
)

EVALUATION_NOTICE_DAYS = 7
AGREEMENT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class ReminderReport:
    """How many mails one run wrote, by kind."""

    digests: int = 0
    evaluations: int = 0
    agreements: int = 0


def _domain(ctx: AppContext) -> str:
    return mail.message_domain(ctx.settings.mail_from)


def _waiting(
    session: Session, cutoff: datetime
) -> tuple[Counter[Any], Counter[Any], Counter[Any], Counter[Any]]:
    """Overdue registrations and waiting documents, counted per coordinator and per advisor."""
    late = and_(Registration.status.in_(states.AWAITING_REVIEW), Registration.status_changed_at <= cutoff)
    advisor_step = and_(
        Registration.status == RegistrationStatus.SUBMITTED, Registration.status_changed_at <= cutoff
    )
    by_coordinator = Counter(
        dict(
            session.execute(
                select(CourseSection.coordinator_id, func.count())
                .join(Registration, Registration.section_id == CourseSection.id)
                .where(late, CourseSection.coordinator_id.is_not(None))
                .group_by(CourseSection.coordinator_id)
            ).all()
        )
    )
    by_advisor = Counter(
        dict(
            session.execute(
                select(Registration.advisor_id, func.count())
                .where(advisor_step, Registration.advisor_id.is_not(None))
                .group_by(Registration.advisor_id)
            ).all()
        )
    )
    pending = and_(Document.status == DocumentStatus.PENDING, Document.created_at <= cutoff)
    docs_coordinator = Counter(
        dict(
            session.execute(
                select(CourseSection.coordinator_id, func.count())
                .join(Registration, Registration.section_id == CourseSection.id)
                .join(Document, Document.registration_id == Registration.id)
                .where(pending, CourseSection.coordinator_id.is_not(None))
                .group_by(CourseSection.coordinator_id)
            ).all()
        )
    )
    docs_advisor = Counter(
        dict(
            session.execute(
                select(Registration.advisor_id, func.count())
                .join(Document, Document.registration_id == Registration.id)
                .where(pending, Registration.advisor_id.is_not(None))
                .group_by(Registration.advisor_id)
            ).all()
        )
    )
    return by_coordinator, by_advisor, docs_coordinator, docs_advisor


def _digests(ctx: AppContext, session: Session, on: date) -> int:
    days = ctx.settings.overdue_days
    cutoff = clock.now() - timedelta(days=days)
    regs_c, regs_a, docs_c, docs_a = _waiting(session, cutoff)
    people = session.execute(
        select(User.id, User.full_name, User.email, User.role, User.language).where(
            User.active, User.role.in_(DIGEST_ROLES), User.digest_opt_out.is_(False), User.email.is_not(None)
        )
    )
    written = 0
    for user_id, name, email, role, language in people:
        coordinator = role.value == "coordinator"
        regs = (regs_c if coordinator else regs_a).get(user_id, 0)
        docs = (docs_c if coordinator else docs_a).get(user_id, 0)
        if regs + docs == 0:
            continue
        lang = language or ctx.settings.default_language
        counted = (
            msg_n("{n} registration waiting for review", "{n} registrations waiting for review", regs),
            msg_n("{n} document waiting for review", "{n} documents waiting for review", docs),
        )
        items = "\n".join("- " + text.render(lang) for text in counted if text.n)
        if mail.enqueue(
            session,
            kind="daily_digest",
            to=email,
            name=name,
            lang=lang,
            params={"days": days, "count": regs + docs, "items": items, "link": ctx.settings.public_base_url},
            domain=_domain(ctx),
            dedupe_key=f"digest:{user_id}:{on.isoformat()}",
        ):
            written += 1
    return written


def _evaluations(ctx: AppContext, session: Session, on: date) -> int:
    soon = on + timedelta(days=EVALUATION_NOTICE_DAYS)
    rows = session.execute(
        select(Evaluation.id, Evaluation.kind, Evaluation.due_on, Placement, Registration.advisor_id)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .join(Registration, Registration.id == Placement.registration_id)
        .where(
            Evaluation.status != EvaluationStatus.SUBMITTED,
            Evaluation.due_on <= soon,
            Evaluation.kind.in_((EvaluatorKind.SUPERVISOR, EvaluatorKind.ADVISOR)),
            Registration.status.in_((RegistrationStatus.PLACED, RegistrationStatus.IN_PROGRESS)),
        )
    )
    written = 0
    for evaluation_id, kind, due, placement, advisor_id in rows:
        overdue = due < on
        template = "evaluation_overdue" if overdue else "evaluation_due"
        student, company = registrations.student_and_company(session, placement.registration_id)
        recipients: list[tuple[str, str | None, str | None, str]] = []
        if kind == EvaluatorKind.SUPERVISOR:
            lang = placement.document_language.value
            recipients.append(("supervisor", placement.supervisor_email, placement.supervisor_name, lang))
        advisor = session.get(User, advisor_id) if advisor_id else None
        if advisor is not None and advisor.active:
            recipients.append(
                (
                    "advisor",
                    advisor.email,
                    advisor.full_name,
                    advisor.language or ctx.settings.default_language,
                )
            )
        for who, email, name, lang in recipients:
            shown = (
                f"{student.first_name_th} {student.last_name_th}"
                if lang == "th"
                else (f"{student.first_name_en} {student.last_name_en}")
            )
            key = f"{template}:{evaluation_id}:{who}"
            if mail.enqueue(
                session,
                kind=template,
                to=email,
                name=name,
                lang=lang,
                params={
                    "student": shown,
                    "company": company,
                    "due": due,
                    "link": ctx.settings.public_base_url,
                },
                domain=_domain(ctx),
                dedupe_key=key,
            ):
                written += 1
    return written


def _agreements(ctx: AppContext, session: Session, on: date) -> int:
    soon = on + timedelta(days=AGREEMENT_NOTICE_DAYS)
    newest = (
        select(func.max(Document.version))
        .where(Document.registration_id == Registration.id, Document.type_id == DocumentType.id)
        .correlate(Registration, DocumentType)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Document.id, Document.expires_on, Registration.id, CourseSection.coordinator_id)
        .join(Registration, Registration.id == Document.registration_id)
        .join(DocumentType, DocumentType.id == Document.type_id)
        .join(CourseSection, CourseSection.id == Registration.section_id)
        .where(
            DocumentType.has_expiry,
            Document.status == DocumentStatus.APPROVED,
            Document.version == newest,
            Document.expires_on >= on,
            Document.expires_on <= soon,
            Registration.status.in_((RegistrationStatus.PLACED, RegistrationStatus.IN_PROGRESS)),
            CourseSection.coordinator_id.is_not(None),
        )
    )
    written = 0
    for document_id, expires, registration_id, coordinator_id in rows:
        coordinator = session.get(User, coordinator_id)
        if coordinator is None or not coordinator.active:
            continue
        lang = coordinator.language or ctx.settings.default_language
        student, _company = registrations.student_and_company(session, registration_id)
        course = session.scalar(
            select(CourseSection.section)
            .join(Registration, Registration.section_id == CourseSection.id)
            .where(Registration.id == registration_id)
        )
        shown = (
            f"{student.first_name_th} {student.last_name_th}"
            if lang == "th"
            else (f"{student.first_name_en} {student.last_name_en}")
        )
        if mail.enqueue(
            session,
            kind="agreement_expiring",
            to=coordinator.email,
            name=coordinator.full_name,
            lang=lang,
            params={
                "student": f"{student.student_code} {shown}",
                "course": course or "-",
                "expires": expires,
                "link": ctx.settings.public_base_url,
            },
            domain=_domain(ctx),
            dedupe_key=f"agreement:{document_id}",
        ):
            written += 1
    return written


def write_reminders(ctx: AppContext, *, on: date | None = None) -> ReminderReport:
    """Write today's digests and reminders into the outbox (once per day and subject, however often run)."""
    day = on or local_time(clock.now()).date()
    with ctx.sessions.begin() as session:
        report = ReminderReport(
            _digests(ctx, session, day), _evaluations(ctx, session, day), _agreements(ctx, session, day)
        )
    return report
