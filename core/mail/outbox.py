"""The transactional outbox: a mail is a row written in the transaction of the change that caused it,
rendered then in the recipient's language; the sender only delivers it. Also what the outbox page and
the metrics read."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock, metrics
from core.access import Actor, Permission, require
from core.context import AppContext
from core.i18n import N_
from core.mail.templates import render_mail
from db.models import MailStatus, OutboxMail

MAX_ROWS = 500
COLUMNS = {
    "id": N_("No."),
    "created_at": N_("Written"),
    "recipient": N_("To"),
    "subject": N_("Subject"),
    "status": N_("Status"),
    "attempts": N_("Attempts"),
    "last_error": N_("Last error"),
    "sent_at": N_("Sent"),
}
STATUS_LABELS = {
    MailStatus.PENDING: N_("Waiting"),
    MailStatus.SENDING: N_("Sending"),
    MailStatus.SENT: N_("Sent"),
    MailStatus.FAILED: N_("Failed"),
}


def message_domain(mail_from: str) -> str:
    """The domain of the sender's address, for Message-IDs (localhost when it has none)."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def enqueue(
    session: Session,
    *,
    kind: str,
    to: str | None,
    name: str | None,
    lang: str,
    params: Mapping[str, object],
    domain: str = "localhost",
    dedupe_key: str | None = None,
) -> int | None:
    """Write one mail in the caller's transaction; None when there is no address or `dedupe_key` is taken."""
    address = parseaddr(to or "")[1]
    if "@" not in address:
        return None
    if dedupe_key is not None and session.scalar(
        select(OutboxMail.id).where(OutboxMail.dedupe_key == dedupe_key)
    ):
        return None
    mail = render_mail(kind, lang, {"name": name or address, **params})
    row = OutboxMail(
        kind=kind,
        recipient=address,
        recipient_name=(name or "")[:200] or None,
        language=lang,
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        dedupe_key=dedupe_key,
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
    )
    if dedupe_key is None:
        session.add(row)
        session.flush()
        return row.id
    try:  # two writers of the same reminder at once: the unique key keeps one
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row.id


@dataclass(frozen=True)
class OutboxStats:
    """The outbox at a glance: how many wait, how old the oldest is, failures by reason."""

    backlog: int
    oldest_unsent_seconds: float
    sent: int
    failed_by_reason: dict[str, int]


def reason_of(error: str | None) -> str:
    """A failure's reason as a small label set (the SMTP code class, or the exception's name)."""
    return (error or "unknown").split(":", 1)[0][:40]


def outbox_stats(session: Session, now: datetime | None = None) -> OutboxStats:
    """Counts for the monitoring page and /metrics (no permission: the caller has checked it)."""
    now = now or clock.now()
    waiting = (MailStatus.PENDING, MailStatus.SENDING)
    backlog, oldest = session.execute(
        select(func.count(), func.min(OutboxMail.created_at)).where(OutboxMail.status.in_(waiting))
    ).one()
    sent = session.scalar(select(func.count()).where(OutboxMail.status == MailStatus.SENT)) or 0
    failed: dict[str, int] = {}
    by_error = (
        select(OutboxMail.last_error, func.count())
        .where(OutboxMail.status == MailStatus.FAILED)
        .group_by(OutboxMail.last_error)
    )
    for error, count in session.execute(by_error):
        failed[reason_of(error)] = failed.get(reason_of(error), 0) + int(count)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    return OutboxStats(int(backlog or 0), max(age, 0.0), int(sent), failed)


def list_outbox(
    ctx: AppContext, *, actor: Actor, status: str | None = None, limit: int = MAX_ROWS
) -> pd.DataFrame:
    """The newest mails of the outbox (all, or of one status), with their plain-text bodies."""
    require(actor, Permission.VIEW_OUTBOX)
    stmt = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(min(limit, MAX_ROWS))
    if status:
        stmt = stmt.where(OutboxMail.status == MailStatus(status))
    with ctx.sessions.begin() as session:
        rows = [
            {"id": r.id, "created_at": r.created_at, "recipient": r.recipient, "subject": r.subject,
             "status": r.status.value, "attempts": r.attempts, "last_error": r.last_error,
             "sent_at": r.sent_at, "body_text": r.body_text, "message_id": r.message_id,
             "language": r.language}
            for r in session.scalars(stmt)
        ]  # fmt: skip
    return pd.DataFrame(rows, columns=[*COLUMNS, "body_text", "message_id", "language"])


def outbox_summary(ctx: AppContext, *, actor: Actor) -> OutboxStats:
    """The outbox's counts for the people who may read it."""
    require(actor, Permission.VIEW_OUTBOX)
    with ctx.sessions.begin() as session:
        return outbox_stats(session)


def refresh_metrics(ctx: AppContext) -> OutboxStats:
    """Set the outbox gauges of /metrics from the database (any replica sees the same outbox)."""
    with ctx.sessions.begin() as session:
        stats = outbox_stats(session)
    metrics.OUTBOX_BACKLOG.set(stats.backlog)
    metrics.OUTBOX_OLDEST.set(stats.oldest_unsent_seconds)
    metrics.OUTBOX_FAILED.clear()
    for reason, count in stats.failed_by_reason.items():
        metrics.OUTBOX_FAILED.labels(reason=reason).set(count)
    return stats
