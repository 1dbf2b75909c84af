"""Checking one imported row at a time; each problem becomes an (line, column, message) issue."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

STUDENT_COLUMNS = (
    "student_code", "first_name_th", "last_name_th", "first_name_en", "last_name_en",
    "email", "phone", "faculty", "program", "year", "gpax",
)  # fmt: skip
REGISTRATION_COLUMNS = (
    "student_code", "course_code", "section", "semester", "academic_year", "advisor_username",
    "company_registration_no",
)  # fmt: skip
COLUMNS = {"students": STUDENT_COLUMNS, "registrations": REGISTRATION_COLUMNS}
# University student codes are numbers, sometimes with dashes or a letter prefix: at least 5 digits.
STUDENT_CODE = re.compile(r"^(?=(?:[^0-9]*[0-9]){5})[A-Za-z0-9-]{5,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A Thai or international number: 9-15 digits, an optional leading +, spaces, dashes, dots, brackets.
PHONE = re.compile(r"^\+?[0-9]{9,15}$")
PHONE_NOISE = re.compile(r"[\s\-.()]")


@dataclass(frozen=True)
class ImportIssue:
    """One problem in the file: where it is and what to fix."""

    line: int
    column: str
    message: str


class RowCheck:
    """Collects a row's cleaned values and its issues."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        """Start checking the row that begins on `line`."""
        self.line, self.cells = line, cells
        self.issues: list[ImportIssue] = []

    def fail(self, column: str, message: str) -> None:
        """Record one issue in `column`."""
        self.issues.append(ImportIssue(self.line, column, message))

    def text(self, column: str, *, high: int, required: bool = True) -> str:
        """A stripped NFC text cell of at most `high` characters."""
        value = unicodedata.normalize("NFC", self.cells.get(column, "")).strip()
        if required and not value:
            self.fail(column, "is required.")
        elif len(value) > high:
            self.fail(column, f"must be at most {high} characters.")
        elif any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
            self.fail(column, "must not contain control or invisible characters.")
        return value

    def integer(self, column: str, low: int, high: int) -> int | None:
        """A whole number in [low, high]."""
        raw = self.cells.get(column, "").strip()
        try:
            value = int(raw)
        except ValueError:
            self.fail(column, f"must be a whole number from {low} to {high}, not {raw[:20]!r}.")
            return None
        if not low <= value <= high:
            self.fail(column, f"must be from {low} to {high}, not {value}.")
            return None
        return value

    def gpax(self) -> Decimal | None:
        """GPAX 0.00–4.00 with at most two decimals (blank allowed)."""
        raw = self.cells.get("gpax", "").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.fail("gpax", f"must be a number from 0.00 to 4.00, not {raw[:20]!r}.")
            return None
        if not value.is_finite() or not Decimal("0") <= value <= Decimal("4"):
            self.fail("gpax", f"must be from 0.00 to 4.00, not {raw[:20]}.")
            return None
        if value != value.quantize(Decimal("0.01")):
            self.fail("gpax", "must have at most two decimals.")
            return None
        return value.quantize(Decimal("0.01"))


def student_values(
    check: RowCheck, faculties: dict[str, int], programs: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    """The student row as column values (program resolved), issues recorded on `check`."""
    code = check.text("student_code", high=20)
    if code and not STUDENT_CODE.match(code):
        check.fail("student_code", f"{code[:20]!r} is not a student code: 5–20 letters, digits or dashes, "
                                   "with at least 5 digits.")  # fmt: skip
    values: dict[str, Any] = {"student_code": code.upper()}
    for column in ("first_name_th", "last_name_th", "first_name_en", "last_name_en"):
        values[column] = check.text(column, high=100)
    email = check.text("email", high=254, required=False)
    if email and not EMAIL.match(email):
        check.fail("email", f"{email[:60]!r} is not an email address.")
    values["email"] = email.lower() or None
    phone = check.text("phone", high=30, required=False)
    if phone and not PHONE.match(PHONE_NOISE.sub("", phone)):
        check.fail("phone", f"{phone[:30]!r} is not a phone number: 9–15 digits, optionally starting with +.")
    values["phone"] = phone or None
    faculty = check.text("faculty", high=200)
    faculty_id = faculties.get(faculty.casefold()) if faculty else None
    if faculty and faculty_id is None:
        check.fail("faculty", f"unknown faculty {faculty!r} (give its code, Thai or English name).")
    program = check.text("program", high=200)
    found = programs.get(program.casefold()) if program else None
    if program and found is None:
        check.fail("program", f"unknown program {program!r} (give its code, Thai or English name).")
    elif found and faculty_id is not None and found[1] != faculty_id:
        check.fail("program", f"program {program!r} does not belong to faculty {faculty!r}.")
    values["program_id"] = found[0] if found else None
    values["year"] = check.integer("year", 1, 8)
    values["gpax"] = check.gpax()
    return values


def registration_keys(check: RowCheck) -> dict[str, Any]:
    """The registration row's cleaned cells (references resolved by the caller)."""
    return {
        "student_code": check.text("student_code", high=20).upper(),
        "course_code": check.text("course_code", high=20).upper(),
        "section": check.text("section", high=10),
        "semester": check.integer("semester", 1, 3),
        "academic_year": check.integer("academic_year", 2000, 2600),
        "advisor_username": check.text("advisor_username", high=50).lower(),
        "company_registration_no": check.text("company_registration_no", high=20, required=False),
    }


def header_issues(header: tuple[str, ...], kind: str) -> list[ImportIssue]:
    """Missing, extra or repeated columns, reported on line 1."""
    expected = COLUMNS[kind]
    issues = [ImportIssue(1, c, "column is missing.") for c in expected if c not in header]
    issues += [ImportIssue(1, c or "(blank)", "unexpected column.") for c in header if c not in expected]
    issues += [
        ImportIssue(1, c, "column appears twice.") for c in sorted({c for c in header if header.count(c) > 1})
    ]
    return issues
