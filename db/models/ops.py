"""Operations: the incidents every replica records and every replica's monitoring page reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, utcnow
from db.types import UtcDateTime


class Incident(Base):
    """An unexpected error a user was shown an id for; the full trace is only in the log."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_at", "at"), MYSQL_TABLE_ARGS)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    replica: Mapped[str] = mapped_column(String(100))
    page: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[int | None] = mapped_column(Integer)
    error_class: Mapped[str] = mapped_column(String(100))
    trace_hash: Mapped[str] = mapped_column(String(64))
