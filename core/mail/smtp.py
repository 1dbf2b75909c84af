"""SMTP itself: where to deliver (SMTP_URL), one connection per pass, and a row as MIME bytes.

STARTTLS is required for smtp:// (never sends in clear), smtps:// is TLS from the start, and
smtp+insecure:// (a local sink only) skips TLS. The MIME is built with the compat32 classes, a third of
the time of EmailMessage's header registry, and sent as CRLF bytes.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import unquote, urlsplit

from core.errors import InvalidInput
from db.models import OutboxMail


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
