"""Validation of course and section values: each bad value gets a message that says how to fix it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from core.errors import InvalidInput
from db.models import CourseKind

CODE = re.compile(r"^[A-Z0-9-]{3,20}$")
KINDS = tuple(k.value for k in CourseKind)


def clean_code(code: str) -> str:
    """A course code: NFC, stripped, upper-case, 3–20 letters, digits or dashes."""
    value = unicodedata.normalize("NFC", code or "").strip().upper()
    if not CODE.match(value):
        raise InvalidInput("Course code must be 3–20 characters: letters A–Z, digits 0–9 or dash.")
    return value


def clean_text(value: str, *, label: str, low: int = 1, high: int = 200) -> str:
    """A required name: NFC, stripped, `low`–`high` characters, no control characters."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if not low <= len(text) <= high:
        raise InvalidInput(f"{label} must be {low}–{high} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise InvalidInput(f"{label} must not contain control or invisible characters.")
    return text


def clean_int(value: object, *, label: str, low: int, high: int) -> int:
    """A whole number in [low, high]."""
    if isinstance(value, bool):
        raise InvalidInput(f"{label} must be a whole number from {low} to {high}.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{label} must be a whole number from {low} to {high}.") from None
    if not low <= number <= high:
        raise InvalidInput(f"{label} must be from {low} to {high}.")
    return number


def clean_kind(kind: str) -> CourseKind:
    """internship or coop."""
    value = (kind or "").strip().lower()
    if value not in KINDS:
        raise InvalidInput("Course kind must be internship or coop.")
    return CourseKind(value)


def _capacity(value: object, placed: int) -> int:
    number = clean_int(value, label="Capacity", low=1, high=10000)
    if number < placed:
        raise InvalidInput(f"Capacity must be at least {placed}: {placed} students are placed already.")
    return number


def clean_section_values(
    *, section: str, semester: object, academic_year: object, capacity: object, placed: int = 0
) -> dict[str, object]:
    """The section label, term and capacity, validated; InvalidInput names every value that is wrong.

    A section holds at least one student, and never fewer than it has placed already.
    """
    checks: dict[str, Callable[[], object]] = {
        "section": lambda: clean_text(section, label="Section", high=10),
        "semester": lambda: clean_int(semester, label="Semester", low=1, high=3),
        "academic_year": lambda: clean_int(academic_year, label="Academic year (CE)", low=2000, high=2600),
        "capacity": lambda: _capacity(capacity, placed),
    }
    values, problems = {}, []
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidInput as exc:
            problems.append(exc.message)
    if problems:
        raise InvalidInput(" ".join(problems))
    return values


def section_key(label: str) -> str:
    """A section label as people write it: "4", "04" and " 4 " name one section of a course and term."""
    text = label.strip().upper()
    return str(int(text)) if text.isdigit() else text
