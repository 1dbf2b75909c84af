"""Faculties, programs and students (students are records, not users)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import MYSQL_TABLE_ARGS, Base, Timestamps
from db.types import name_column


class Faculty(Base):
    """A faculty of the university."""

    __tablename__ = "faculties"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(name_column(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Program(Base):
    """A degree program inside a faculty."""

    __tablename__ = "programs"
    __table_args__ = (MYSQL_TABLE_ARGS,)

    id: Mapped[int] = mapped_column(primary_key=True)
    faculty_id: Mapped[int] = mapped_column(ForeignKey("faculties.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(name_column(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Student(Timestamps, Base):
    """A student whose registrations the office handles."""

    __tablename__ = "students"
    __table_args__ = (
        Index("ix_students_name_th", "first_name_th", "last_name_th"),
        Index("ix_students_name_en", "first_name_en", "last_name_en"),
        Index("ix_students_last_name_th", "last_name_th"),
        Index("ix_students_last_name_en", "last_name_en"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_code: Mapped[str] = mapped_column(String(20), unique=True)
    first_name_th: Mapped[str] = mapped_column(name_column(100))
    last_name_th: Mapped[str] = mapped_column(name_column(100))
    first_name_en: Mapped[str] = mapped_column(String(100))
    last_name_en: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    gpax: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    year: Mapped[int] = mapped_column(SmallInteger)
