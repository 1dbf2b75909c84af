"""The workplace supervisor's one-time link to their evaluation form, reachable without signing in.

The token is 256 bits from `secrets`, sent once by mail and kept only as its SHA-256. A link is bound
to one evaluation, expires after LINK_DAYS, allows one submission (which cannot change afterwards),
and dies when a coordinator sends a new one. Every way a link can be wrong — unknown, expired, used,
replaced — gets the same answer through the same query, padded to the same minimum time, so an
outsider learns nothing about which tokens ever existed. Each address may try RATE_PER_MINUTE times a
minute (a bucket shared by every replica through Redis).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import clock, mail, placements, registrations
from core.access import Actor, Permission, require
from core.api_clients import limiter_for
from core.context import AppContext
from core.errors import Conflict, DomainError, InvalidInput, NotFound
from core.i18n import N_, local_time
from db.models import (
    Evaluation,
    EvaluationLink,
    EvaluationStatus,
    EvaluatorKind,
    Placement,
)

LINK_DAYS = 30
RATE_PER_MINUTE = 10
MIN_SECONDS = 0.05  # every answer to a token takes at least this long, found or not
PATH = "evaluate"


class LinkRefused(DomainError):
    """The one answer to every link that does not work (unknown, expired, used or replaced)."""


class TooManyTries(DomainError):
    """Too many link requests from one address."""


def _refused() -> LinkRefused:
    return LinkRefused("This link does not work (any more). Ask the internship office to send you a new one.")


def token_hash(token: str) -> str:
    """SHA-256 hex of a token: the only form in which it is kept."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class SentLink:
    """A link just sent: where it points (the mail holds it; shown to no one else) and until when."""

    url: str
    expires_at: datetime
    recipient: str


@dataclass(frozen=True)
class SupervisorForm:
    """All a supervisor sees: the student's name, the company, the period and the form."""

    student_th: str
    student_en: str
    company: str
    start_date: date | None
    end_date: date | None
    form: placements.FormView


def _supervisor_evaluation(session: Session, evaluation_id: int) -> tuple[Evaluation, Placement]:
    row = session.get(Evaluation, evaluation_id, with_for_update=True)
    if row is None or row.kind != EvaluatorKind.SUPERVISOR:
        raise NotFound("No such supervisor evaluation.")
    if row.status == EvaluationStatus.SUBMITTED:
        raise Conflict("This evaluation was submitted already; it cannot change.")
    placement = session.get_one(Placement, row.placement_id)
    if not placement.supervisor_email:
        raise InvalidInput("Enter the supervisor's e-mail in the placement details first.")
    return row, placement


def send_link(ctx: AppContext, *, actor: Actor, evaluation_id: int) -> SentLink:
    """Mail the supervisor a new one-time link to this evaluation; any earlier link stops working."""
    require(actor, Permission.SEND_EVALUATION_LINKS)
    token = secrets.token_urlsafe(32)  # 256 bits
    now = clock.now()
    expires = now + timedelta(days=LINK_DAYS)
    url = f"{ctx.settings.public_base_url.rstrip('/')}/{PATH}?t={token}"
    with ctx.change(actor, "placements") as change:
        session = change.session
        row, placement = _supervisor_evaluation(session, evaluation_id)
        replaced = session.execute(
            update(EvaluationLink)
            .where(
                EvaluationLink.evaluation_id == row.id,
                EvaluationLink.revoked_at.is_(None),
                EvaluationLink.used_at.is_(None),
            )
            .values(revoked_at=now)
        ).rowcount  # type: ignore[attr-defined]
        link = EvaluationLink(
            evaluation_id=row.id,
            token_hash=token_hash(token),
            created_by=actor.user_id,
            created_at=now,
            expires_at=expires,
        )
        session.add(link)
        session.flush()
        student, company = registrations.student_and_company(session, placement.registration_id)
        lang = placement.document_language.value
        name = (
            f"{student.first_name_th} {student.last_name_th}"
            if lang == "th"
            else f"{student.first_name_en} {student.last_name_en}"
        )
        period = f"{placement.start_date or '-'} – {placement.end_date or '-'}"
        mail.enqueue(
            session,
            kind="evaluation_request",
            to=placement.supervisor_email,
            name=placement.supervisor_name,
            lang=lang,
            params={
                "student": name,
                "company": company,
                "period": period,
                "due": row.due_on,
                "expires": local_time(expires).date(),
                "link": url,
            },
            domain=mail.message_domain(ctx.settings.mail_from),
        )
        change.audit(
            "evaluation_link.send",
            "evaluation",
            row.id,
            after={
                "link_id": link.id,
                "expires_at": expires,
                "replaced": replaced,
                "to": placement.supervisor_email,
            },
        )
        return SentLink(url, expires, placement.supervisor_email or "")


def _throttle(ctx: AppContext, address: str | None) -> None:
    # Keyed by a negative number from the address, so a bucket never meets an API client's (ids > 0).
    key = -int.from_bytes(hashlib.sha256(f"link:{address}".encode()).digest()[:6], "big") - 1
    decision = limiter_for(ctx.settings.redis_url).take(key, RATE_PER_MINUTE / 60, RATE_PER_MINUTE)
    if not decision.allowed:
        raise TooManyTries(N_("Too many tries. Wait {seconds} seconds."), seconds=decision.retry_after_s)


def _live_link(session: Session, token: str, now: datetime, *, lock: bool = False) -> EvaluationLink:
    """The link of `token` if it still works; the same refusal (one query either way) otherwise."""
    stmt = select(EvaluationLink).where(EvaluationLink.token_hash == token_hash(token or ""))
    link = session.scalars(stmt.with_for_update() if lock else stmt).first()
    works = link is not None and link.used_at is None and link.revoked_at is None and link.expires_at > now
    if not works or link is None:
        raise _refused()
    return link


def _padded(started: float) -> None:
    left = MIN_SECONDS - (time.perf_counter() - started)
    if left > 0:
        time.sleep(left)


def open_link(ctx: AppContext, *, token: str, address: str | None = None) -> SupervisorForm:
    """What the supervisor's page shows for `token`, or LinkRefused (the same for every bad token)."""
    started = time.perf_counter()
    try:
        _throttle(ctx, address)
        with ctx.sessions.begin() as session:
            link = _live_link(session, token, clock.now())
            row = session.get_one(Evaluation, link.evaluation_id)
            placement = session.get_one(Placement, row.placement_id)
            student, company = registrations.student_and_company(session, placement.registration_id)
            form = placements.form_view(session, row.form_id)
            return SupervisorForm(
                f"{student.first_name_th} {student.last_name_th}",
                f"{student.first_name_en} {student.last_name_en}",
                company,
                placement.start_date,
                placement.end_date,
                form,
            )
    finally:
        _padded(started)


def submit_by_link(
    ctx: AppContext,
    *,
    token: str,
    scores: Mapping[int, object],
    evaluator_name: str | None,
    comments: str | None = None,
    address: str | None = None,
) -> None:
    """Submit the supervisor's scores once; the link is used up in the same transaction."""
    started = time.perf_counter()
    try:
        _throttle(ctx, address)
        with ctx.change(None, "placements") as change:
            session = change.session
            now = clock.now()
            link = _live_link(session, token, now, lock=True)
            row = session.get(Evaluation, link.evaluation_id, with_for_update=True)
            if row is None or row.status == EvaluationStatus.SUBMITTED:
                raise _refused()
            after = placements.store_scores(
                session,
                row,
                scores,
                comments=comments,
                evaluator_name=evaluator_name,
                submit=True,
                entered_by=None,
            )
            link.used_at = now
            change.audit(
                "evaluation.submit",
                "evaluation",
                row.id,
                after={"via": "supervisor_link", "link_id": link.id, "address": address, **after},
            )
    finally:
        _padded(started)
