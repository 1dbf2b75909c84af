"""Finding students by code or by Thai or English name, as typed; one student by code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select

from core.access import Actor, Permission, require
from core.context import AppContext
from core.errors import InvalidInput, NotFound
from db.models import Program, Student

MAX_MATCHES = 20
MAX_TEXT = 200  # SQLite refuses LIKE patterns over 50,000 bytes


@dataclass(frozen=True)
class StudentMatch:
    """A student found by what was typed: enough to tell two Somchais apart."""

    id: int
    student_code: str
    name_th: str
    name_en: str
    program_th: str
    program_en: str
    year: int


@dataclass(frozen=True)
class StudentRecord:
    """A student as other systems ask for one (by code)."""

    id: int
    student_code: str
    first_name_th: str
    last_name_th: str
    first_name_en: str
    last_name_en: str
    email: str | None
    program_code: str
    program_th: str
    program_en: str
    year: int
    gpax: Decimal | None


def _starts(column: Any, prefix: str) -> Any:
    return column.startswith(prefix, autoescape=True)


def name_matches(text: str) -> Any:
    """Students whose code or a name starts with the one word typed, or "first last" (Thai or English)."""
    words = text.split()
    if len(words) >= 2:
        first, last = words[0], words[-1]
        return or_(
            and_(_starts(Student.first_name_th, first), _starts(Student.last_name_th, last)),
            and_(_starts(Student.first_name_en, first), _starts(Student.last_name_en, last)),
        )
    columns = (
        Student.student_code,
        Student.first_name_th,
        Student.last_name_th,
        Student.first_name_en,
        Student.last_name_en,
    )
    return or_(*(_starts(c, words[0]) for c in columns))


def clean_text(text: str) -> str:
    """What was typed, NFC and stripped; InvalidInput when too long."""
    value = unicodedata.normalize("NFC", text or "").strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput("Search with at most {n} characters.", n=MAX_TEXT)
    return value


def find_students(
    ctx: AppContext, *, actor: Actor, text: str, limit: int = MAX_MATCHES
) -> list[StudentMatch]:
    """Up to `limit` students whose code or name starts as typed (codes first, then by code)."""
    require(actor, Permission.ENTER_REGISTRATION)
    value = clean_text(text)
    if not value:
        return []
    code = value.upper()
    stmt = (
        select(Student, Program.name_th, Program.name_en)
        .join(Program, Program.id == Student.program_id)
        .where(or_(name_matches(value), _starts(Student.student_code, code)))
        .order_by(Student.student_code)
        .limit(max(1, min(limit, MAX_MATCHES)))
    )
    with ctx.sessions.begin() as session:
        rows = session.execute(stmt).all()
    return [
        StudentMatch(
            s.id,
            s.student_code,
            f"{s.first_name_th} {s.last_name_th}",
            f"{s.first_name_en} {s.last_name_en}",
            program_th,
            program_en,
            s.year,
        )
        for s, program_th, program_en in rows
    ]


def student_by_code(ctx: AppContext, *, actor: Actor, code: str) -> StudentRecord:
    """One student by code (NotFound when there is none)."""
    if not actor.can(Permission.ENTER_REGISTRATION):
        require(actor, Permission.VIEW_REGISTRATION)
    wanted = unicodedata.normalize("NFC", code or "").strip().upper()[:40]
    stmt = select(Student, Program).join(Program, Program.id == Student.program_id)
    with ctx.sessions.begin() as session:
        found = session.execute(stmt.where(Student.student_code == wanted)).first()
        if found is None:
            raise NotFound("No student {code}.", code=wanted)
        s, p = found
        return StudentRecord(
            s.id, s.student_code, s.first_name_th, s.last_name_th, s.first_name_en, s.last_name_en, s.email,
            p.code, p.name_th, p.name_en, s.year, s.gpax,
        )  # fmt: skip
