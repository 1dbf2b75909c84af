"""Companies and their internship postings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, Timestamps
from db.models.enums import PostingStatus, WorkMode, enum_column
from db.types import name_column


class Company(Timestamps, Base):
    """A host organisation."""

    __tablename__ = "companies"
    __table_args__ = (
        Index("ix_companies_province", "province"),
        Index("ix_companies_name_th", "name_th"),
        Index("ix_companies_name_en", "name_en"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_no: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(name_column(200))
    name_en: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    company_type: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# Which programs a posting is open to (empty = open to all).
internship_programs = Table(
    "internship_programs",
    Base.metadata,
    Column("internship_id", ForeignKey("internships.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("programs.id"), primary_key=True, index=True),
    **MYSQL_TABLE_ARGS,
)


class Internship(Timestamps, Base):
    """A posting: a company's offer of internship places."""

    __tablename__ = "internships"
    __table_args__ = (
        Index("ix_internships_status_province", "status", "province"),
        Index("ix_internships_company_status", "company_id", "status"),
        Index("ix_internships_work_mode", "work_mode"),
        Index("ix_internships_created_at", "created_at"),
        Index("ix_internships_stipend", "stipend"),
        Index("ix_internships_period", "period_start", "period_end"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(String(500), default="")
    province: Mapped[str] = mapped_column(String(60))
    work_mode: Mapped[WorkMode] = mapped_column(enum_column(WorkMode, "work_mode"))
    stipend: Mapped[int | None] = mapped_column(Integer)
    slots: Mapped[int] = mapped_column(Integer, default=1)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PostingStatus] = mapped_column(
        enum_column(PostingStatus, "posting_status"), default=PostingStatus.OPEN
    )
    # Title, description, skills and company names segmented into words (see core.search_text).
    search_text: Mapped[str] = mapped_column(Text, default="")
