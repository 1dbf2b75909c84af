"""Delivering the outbox over SMTP: one sender at a time (a lease in the database), each row claimed
before it is sent, retried with exponential backoff on temporary failures, and marked sent or failed
with its reason. A row carries its Message-ID from the start, so a row sent again after a crash between
sending and marking reaches the receiver as the same message.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from core import clock, metrics
from core.context import AppContext
from core.errors import InvalidInput
from core.mail.outbox import reason_of
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
class SmtpTarget:
    """Where and how to deliver: host, port, TLS mode (starttls | tls | none), credentials."""

    host: str
    port: int
    tls: str
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    """smtp://user:pass@host:587 (STARTTLS required), smtps://... (TLS), smtp+insecure://... (no TLS)."""
    parts = urlsplit(url)
    modes = {"smtp": ("starttls", 587), "smtps": ("tls", 465), "smtp+insecure": ("none", 25)}
    if parts.scheme not in modes or not parts.hostname:
        raise InvalidInput("SMTP_URL must look like smtp://user:password@host:587.")
    tls, port = modes[parts.scheme]
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpTarget(parts.hostname, parts.port or port, tls, user, password)


@dataclass(frozen=True)
class SendReport:
    """What one pass of the sender did."""

    leased: bool
    sent: int = 0
    retried: int = 0
    failed: int = 0


class Transport:
    """One SMTP connection, opened on first use and reused for a pass."""

    def __init__(self, target: SmtpTarget, timeout: float = 20.0) -> None:
        self.target = target
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        t = self.target
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if t.tls == "tls":
            smtp = smtplib.SMTP_SSL(t.host, t.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
            if t.tls == "starttls":
                smtp.starttls(context=context)  # refuses to go on in clear when the server cannot
        if smtp.sock is not None:  # commands are small writes: Nagle + delayed ACKs would cost ~40 ms each
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if t.username:
            smtp.login(t.username, t.password or "")
        return smtp

    def send(self, message: Envelope) -> None:
        """Deliver one message (reconnecting once if the server dropped the connection)."""
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.sendmail(message.sender, [message.recipient], message.data)
        except smtplib.SMTPServerDisconnected:
            self._smtp = self._open()
            self._smtp.sendmail(message.sender, [message.recipient], message.data)

    def close(self) -> None:
        """Say QUIT (or just drop a broken connection)."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


_WIRE = compat32.clone(linesep="\r\n")  # SMTP lines end in CRLF; sendmail() sends bytes as they are


@dataclass(frozen=True)
class Envelope:
    """A message ready for the wire: the envelope's sender and recipient, and the MIME bytes."""

    sender: str
    recipient: str
    data: bytes


def build_message(row: OutboxMail, mail_from: str) -> Envelope:
    """The row as MIME: plain text and HTML alternatives, its own Message-ID, non-ASCII headers (a
    Thai subject or name) RFC 2047-encoded. Built with the compat32 classes: a third of the
    time of EmailMessage's header registry, which matters at hundreds of mails a second."""
    sender_name, sender_address = parseaddr(mail_from)
    message = MIMEMultipart("alternative")
    message["From"] = (
        formataddr((str(Header(sender_name, "utf-8")), sender_address)) if sender_name else sender_address
    )
    name = row.recipient_name or ""
    message["To"] = formataddr((str(Header(name, "utf-8")), row.recipient)) if name else row.recipient
    message["Subject"] = Header(row.subject, "utf-8")  # type: ignore[assignment]  # compat32 folds a Header itself
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(row.body_text, "plain", "utf-8"))
    message.attach(MIMEText(row.body_html, "html", "utf-8"))
    return Envelope(sender_address, row.recipient, message.as_bytes(policy=_WIRE))


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
        "mail %s to %s not sent (%s): %s", row.id, row.recipient, "retry" if retry else "failed", reason
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


REMINDERS_EVERY_SECONDS = 3600


class SenderThread(threading.Thread):
    """The app's background sender: a pass every MAIL_POLL_SECONDS while the process runs, and the
    daily reminders (`hourly`, written at most once a day each by their keys) every hour."""

    def __init__(
        self, context: Callable[[], AppContext], owner: str, hourly: Callable[[AppContext], object] | None
    ) -> None:
        super().__init__(name="mail-sender", daemon=True)
        self._context = context
        self.owner = owner
        self.hourly = hourly
        self.stopped = threading.Event()

    def run(self) -> None:
        """Send until stopped; an error is logged and the next pass tries again."""
        last_hourly = float("-inf")
        while not self.stopped.is_set():
            ctx = self._context()
            try:
                if self.hourly is not None and time.monotonic() - last_hourly >= REMINDERS_EVERY_SECONDS:
                    self.hourly(ctx)
                    last_hourly = time.monotonic()
                send_pending(ctx, owner=self.owner)
            except Exception:  # the thread must outlive a database or server outage
                log.exception("mail sender pass failed")
            self.stopped.wait(ctx.settings.mail_poll_seconds)


_thread_lock = threading.Lock()
_thread: SenderThread | None = None


def start_sender_thread(
    context: Callable[[], AppContext], owner: str, hourly: Callable[[AppContext], object] | None = None
) -> bool:
    """Start this process's background sender once (True when started now)."""
    global _thread
    with _thread_lock:
        if _thread is not None and _thread.is_alive():
            return False
        _thread = SenderThread(context, owner, hourly)
        _thread.start()
        return True


def stop_sender_thread(timeout: float = 5.0) -> None:
    """Stop this process's background sender (after its current pass)."""
    global _thread
    with _thread_lock:
        thread, _thread = _thread, None
    if thread is not None:
        thread.stopped.set()
        thread.join(timeout)
