"""The e-mail outbox (rows written with the change that caused them), the senders' lease, and the
workplace supervisors' one-time evaluation links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, utcnow
from db.models.enums import MailStatus, enum_column
from db.types import UtcDateTime


class OutboxMail(Base):
    """One mail to one recipient, rendered when the change happened; the sender only delivers it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("message_id"),
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_created", "created_at"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    # Reminders and digests are written once per subject and day: a second writer finds the key taken.
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus, "mail_status"), default=MailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SenderLease(Base):
    """Which sender may deliver the outbox, until when (one row per lease name)."""

    __tablename__ = "sender_leases"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EvaluationLink(Base):
    """A one-time link for a workplace supervisor: only the SHA-256 of its token is kept."""

    __tablename__ = "evaluation_links"
    __table_args__ = (UniqueConstraint("token_hash"), MYSQL_TABLE_ARGS)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
