"""Validation of course and section values: each bad value gets a message that says how to fix it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from core.cleaning import clean_int, clean_text
from core.errors import InvalidInput
from core.i18n import BE_OFFSET, N_, together, year_ce
from core.terms import section_key

__all__ = ["KIND_LABELS", "clean_code", "clean_kind", "clean_section_values", "section_key"]
from db.models import CourseKind

CODE = re.compile(r"^[A-Z0-9-]{3,20}$")
KINDS = tuple(k.value for k in CourseKind)
KIND_LABELS = {
    CourseKind.INTERNSHIP.value: N_("Internship"),
    CourseKind.COOP.value: N_("Co-operative education"),
}


def clean_code(code: str) -> str:
    """A course code: NFC, stripped, upper-case, 3–20 letters, digits or dashes."""
    value = unicodedata.normalize("NFC", code or "").strip().upper()
    if not CODE.match(value):
        raise InvalidInput("Course code must be 3–20 characters: letters A–Z, digits 0–9 or dash.")
    return value


def clean_kind(kind: str) -> CourseKind:
    """internship or coop."""
    value = (kind or "").strip().lower()
    if value not in KINDS:
        raise InvalidInput("Course kind must be internship or coop.")
    return CourseKind(value)


ACADEMIC_YEARS = (2000, 2200)  # CE; the same years typed in BE are 543 more


def _academic_year(value: object) -> int:
    """2569 (BE) and 2026 (CE) are the same academic year; stored CE."""
    low, high = ACADEMIC_YEARS
    year = year_ce(clean_int(value, N_("Academic year"), low=low, high=high + BE_OFFSET))
    if not low <= year <= high:
        raise InvalidInput(
            "Academic year must be from {low} to {high} (CE) or from {low_be} to {high_be} (BE).",
            low=low, high=high, low_be=low + BE_OFFSET, high_be=high + BE_OFFSET,
        )  # fmt: skip
    return year


def _capacity(value: object, placed: int) -> int:
    number = clean_int(value, N_("Capacity"), low=1, high=10000)
    if number < placed:
        raise InvalidInput(
            "Capacity must be at least {placed}: {placed} students are placed already.", placed=placed
        )
    return number


def clean_section_values(
    *, section: str, semester: object, academic_year: object, capacity: object, placed: int = 0
) -> dict[str, object]:
    """The section label, term and capacity, validated; InvalidInput names every value that is wrong.

    A section holds at least one student, and never fewer than it has placed already.
    """
    checks: dict[str, Callable[[], object]] = {
        "section": lambda: clean_text(section, N_("Section"), low=1, high=10),
        "semester": lambda: clean_int(semester, N_("Semester"), low=1, high=3),
        "academic_year": lambda: _academic_year(academic_year),
        "capacity": lambda: _capacity(capacity, placed),
    }
    values, problems = {}, []
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidInput as exc:
            problems.append(exc.text)
    if problems:
        raise InvalidInput(together(*problems))
    return values
