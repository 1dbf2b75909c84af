"""Delivering the outbox over SMTP: one sender at a time (a lease in the database), each row claimed
before it is sent, retried with exponential backoff on temporary failures, and marked sent or failed
with its reason. A row carries its Message-ID from the start, so a row sent again after a crash between
sending and marking reaches the receiver as the same message.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from core import clock, metrics
from core.context import AppContext
from core.mail.outbox import reason_of
from core.mail.smtp import Transport, build_message, parse_smtp_url
from db.models import MailStatus, OutboxMail, SenderLease

log = logging.getLogger(__name__)
LEASE = "outbox"
LEASE_SECONDS = 60
CLAIM_SECONDS = 300  # a row claimed this long ago by a sender that vanished is sent again
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
MAX_ATTEMPTS = 8
BATCH = 200
# Rows claimed, and marked sent, per transaction. A sender that dies mid-batch sends those rows again
# after CLAIM_SECONDS, each with its own Message-ID, so the receiver can tell them apart from new mail.
CLAIM_BATCH = 20


@dataclass(frozen=True)
class SendReport:
    """What one pass of the sender did."""

    leased: bool
    sent: int = 0
    retried: int = 0
    failed: int = 0


def acquire_lease(ctx: AppContext, owner: str, now: datetime, seconds: int = LEASE_SECONDS) -> bool:
    """Hold (or renew) the senders' lease until now + seconds, unless another sender holds it."""
    until = now + timedelta(seconds=seconds)
    with ctx.sessions.begin() as session:
        taken = session.execute(
            update(SenderLease)
            .where(SenderLease.name == LEASE, or_(SenderLease.owner == owner, SenderLease.expires_at < now))
            .values(owner=owner, expires_at=until)
        ).rowcount  # type: ignore[attr-defined]
        if taken == 1:
            return True
        if session.get(SenderLease, LEASE) is not None:
            return False
    try:
        with ctx.sessions.begin() as session:
            session.add(SenderLease(name=LEASE, owner=owner, expires_at=until))
    except IntegrityError:  # another sender created it first
        return False
    return True


def release_lease(ctx: AppContext, owner: str) -> None:
    """Give the lease up so that another sender need not wait for it to expire."""
    with ctx.sessions.begin() as session:
        session.execute(
            update(SenderLease)
            .where(SenderLease.name == LEASE, SenderLease.owner == owner)
            .values(expires_at=clock.now() - timedelta(seconds=1))
        )


def _due(ctx: AppContext, now: datetime, limit: int) -> list[int]:
    waiting = (MailStatus.PENDING, MailStatus.SENDING)
    with ctx.sessions.begin() as session:
        stmt = (
            select(OutboxMail.id)
            .where(OutboxMail.status.in_(waiting), OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(limit)
        )
        return list(session.scalars(stmt))


class LeaseLost(Exception):
    """Another sender holds the lease now: this one stops before sending anything more."""


def _claim(ctx: AppContext, owner: str, mail_ids: list[int], now: datetime) -> list[OutboxMail]:
    """Renew the lease and mark these rows as being sent (those still due), in one transaction, so
    that no one else sends them meanwhile; LeaseLost when the lease went to another sender."""
    until = now + timedelta(seconds=CLAIM_SECONDS)
    with ctx.sessions.begin() as session:
        kept = session.execute(
            update(SenderLease)
            .where(SenderLease.name == LEASE, SenderLease.owner == owner)
            .values(expires_at=now + timedelta(seconds=LEASE_SECONDS))
        ).rowcount  # type: ignore[attr-defined]
        if kept != 1:
            raise LeaseLost
        session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id.in_(mail_ids),
                OutboxMail.status.in_((MailStatus.PENDING, MailStatus.SENDING)),
                OutboxMail.next_attempt_at <= now,
            )
            .values(status=MailStatus.SENDING, attempts=OutboxMail.attempts + 1, next_attempt_at=until)
            .execution_options(synchronize_session=False)
        )
        # Ours are the rows this statement just claimed: sending, until exactly this claim's end.
        rows = list(
            session.scalars(
                select(OutboxMail)
                .where(
                    OutboxMail.id.in_(mail_ids),
                    OutboxMail.status == MailStatus.SENDING,
                    OutboxMail.next_attempt_at == until,
                )
                .order_by(OutboxMail.id)
            )
        )
        session.expunge_all()
        return rows


def mark_sent(ctx: AppContext, mail_ids: list[int], now: datetime) -> None:
    """The server accepted these rows' messages (one transaction for a claimed batch)."""
    if not mail_ids:
        return
    with ctx.sessions.begin() as session:
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_(mail_ids))
            .values(status=MailStatus.SENT, sent_at=now, last_error=None)
        )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour after the `attempts`th failure."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _error_text(error: BaseException) -> tuple[str, bool]:
    """The reason to keep ("smtp_4xx: ..." style) and whether trying again may help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        code = codes[0] if codes else 550
        return f"smtp_{code // 100}xx: recipient refused ({code})", 400 <= code < 500
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else ""
        return f"smtp_{error.smtp_code // 100}xx: {error.smtp_code} {detail}"[
            :500
        ], 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return f"smtp_unsupported: {error}"[:500], False
    return f"{type(error).__name__}: {error}"[:500], True  # connection problems: try again later


def _mark_failure(ctx: AppContext, row: OutboxMail, error: BaseException, now: datetime) -> bool:
    """Retry later (True) or give up (False), keeping the reason."""
    reason, temporary = _error_text(error)
    metrics.MAIL_ATTEMPT_FAILURES.labels(reason=reason_of(reason)).inc()
    retry = temporary and row.attempts < MAX_ATTEMPTS
    values: dict[str, object] = {"last_error": reason}
    if retry:
        values.update(status=MailStatus.PENDING, next_attempt_at=now + backoff(row.attempts))
    else:
        values.update(status=MailStatus.FAILED)
    with ctx.sessions.begin() as session:
        session.execute(update(OutboxMail).where(OutboxMail.id == row.id).values(**values))
    log.warning(
        "mail %s to %s not sent (%s): %s", row.id, row.recipient, "retry" if retry else "given up", reason
    )
    return retry


def send_pending(
    ctx: AppContext,
    *,
    owner: str,
    transport: Transport | None = None,
    limit: int = BATCH,
    after_send: Callable[[OutboxMail], None] | None = None,
) -> SendReport:
    """One pass: take the lease, then deliver the mails that are due; nothing without SMTP_URL."""
    if transport is None:
        if not ctx.settings.smtp_url:
            return SendReport(leased=False)
        transport = Transport(parse_smtp_url(ctx.settings.smtp_url))
    now = clock.now()
    if not acquire_lease(ctx, owner, now):
        return SendReport(leased=False)
    sent = retried = failed = 0
    due = _due(ctx, now, limit)
    try:
        for start in range(0, len(due), CLAIM_BATCH):
            try:  # the lease is renewed with each claim: a slow server never lets two senders send
                rows = _claim(ctx, owner, due[start : start + CLAIM_BATCH], clock.now())
            except LeaseLost:
                break
            done: list[int] = []
            try:
                for row in rows:
                    try:
                        transport.send(build_message(row, ctx.settings.mail_from))
                    except (smtplib.SMTPException, OSError) as error:
                        if _mark_failure(ctx, row, error, clock.now()):
                            retried += 1
                        else:
                            failed += 1
                        transport.close()
                        continue
                    if after_send is not None:
                        after_send(row)
                    done.append(row.id)
            finally:  # marked even when a later row of the batch fails hard
                mark_sent(ctx, done, clock.now())
            metrics.MAIL_SENT.inc(len(done))
            sent += len(done)
    finally:
        transport.close()
    return SendReport(True, sent, retried, failed)
