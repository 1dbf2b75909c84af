"""Checking one imported row at a time; each problem becomes an (line, column, message) issue."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.i18n import BE_OFFSET, Text, msg, year_ce
from core.imports.references import Reference

STUDENT_COLUMNS = (
    "student_code",
    "first_name_th",
    "last_name_th",
    "first_name_en",
    "last_name_en",
    "email",
    "phone",
    "faculty",
    "program",
    "year",
    "gpax",
)
REGISTRATION_COLUMNS = (
    "student_code",
    "course_code",
    "section",
    "semester",
    "academic_year",
    "advisor_username",
    "company_registration_no",
)
COLUMNS = {"students": STUDENT_COLUMNS, "registrations": REGISTRATION_COLUMNS}
# One filled-in row per template, so the office sees what each column wants.
EXAMPLES = {
    "students": ("6512345678", "สมชาย", "ใจดี", "Somchai", "Jaidee", "somchai.j@example.ac.th", "081-234-5678",
                 "ENG", "CPE", "4", "3.25"),
    "registrations": ("6512345678", "CPE-401", "1", "1", "2569", "somsri.k", "0105556012345"),
}  # fmt: skip


def template(kind: str) -> bytes:
    """The columns of a `kind` file and one example row, as UTF-8 CSV (with the BOM Excel needs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS[kind])
    writer.writerow(EXAMPLES[kind])
    return buffer.getvalue().encode("utf-8-sig")


# University student codes are numbers, sometimes with dashes or a letter prefix: at least 5 digits.
STUDENT_CODE = re.compile(r"^(?=(?:[^0-9]*[0-9]){5})[A-Za-z0-9-]{5,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A Thai or international number: 9-15 digits, an optional leading +, spaces, dashes, dots, brackets.
PHONE = re.compile(r"^\+?[0-9]{9,15}$")
PHONE_NOISE = re.compile(r"[\s\-.()]")
YEARS = (2000, 2200)  # academic years (CE) a file may name; BE years are read as CE first


@dataclass(frozen=True)
class ImportIssue:
    """One problem in the file: where it is and what to fix."""

    line: int
    column: str
    message: Text


class RowCheck:
    """Collects a row's cleaned values and its issues."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        """Start checking the row that begins on `line`."""
        self.line, self.cells = line, cells
        self.issues: list[ImportIssue] = []

    def fail(self, column: str, message: Text | str) -> None:
        """Record one issue in `column`."""
        self.issues.append(
            ImportIssue(self.line, column, message if isinstance(message, Text) else msg(message))
        )

    def text(self, column: str, *, high: int, required: bool = True) -> str:
        """A stripped NFC text cell of at most `high` characters."""
        value = unicodedata.normalize("NFC", self.cells.get(column, "")).strip()
        if required and not value:
            self.fail(column, msg("is required."))
        elif len(value) > high:
            self.fail(column, msg("must be at most {n} characters.", n=high))
        elif any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
            self.fail(column, msg("must not contain control or invisible characters."))
        return value

    def integer(self, column: str, low: int, high: int) -> int | None:
        """A whole number in [low, high]."""
        raw = self.cells.get(column, "").strip()
        try:
            value = int(raw)
        except ValueError:
            self.fail(
                column,
                msg(
                    "must be a whole number from {low} to {high}, not {raw!r}.",
                    low=low,
                    high=high,
                    raw=raw[:20],
                ),
            )
            return None
        if not low <= value <= high:
            self.fail(
                column, msg("must be from {low} to {high}, not {value}.", low=low, high=high, value=value)
            )
            return None
        return value

    def academic_year(self) -> int | None:
        """An academic year in CE: 2569 (BE) and 2026 (CE) are the same year."""
        value = self.integer("academic_year", YEARS[0], YEARS[1] + BE_OFFSET)
        if value is None:
            return None
        year = year_ce(value)
        if not YEARS[0] <= year <= YEARS[1]:
            self.fail("academic_year", msg("{value} is not an academic year (BE or CE).", value=value))
            return None
        return year

    def gpax(self) -> Decimal | None:
        """GPAX 0.00–4.00 with at most two decimals (blank allowed)."""
        raw = self.cells.get("gpax", "").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.fail("gpax", msg("must be a number from 0.00 to 4.00, not {raw!r}.", raw=raw[:20]))
            return None
        if not value.is_finite() or not Decimal("0") <= value <= Decimal("4"):
            self.fail("gpax", msg("must be from 0.00 to 4.00, not {raw}.", raw=raw[:20]))
            return None
        if value != value.quantize(Decimal("0.01")):
            self.fail("gpax", msg("must have at most two decimals."))
            return None
        return value.quantize(Decimal("0.01"))

    def reference(
        self, column: str, reference: Reference, *, high: int = 200, required: bool = True
    ) -> int | None:
        """The id of what the cell names in `reference` (None, with an issue, when it names nothing one)."""
        value = self.text(column, high=high, required=required)
        if not value:
            return None
        found, problem = reference.find(value)
        if problem is not None:
            self.fail(column, problem)
        return found


def student_values(
    check: RowCheck, faculties: Reference, programs: Reference, faculty_of: dict[int, int]
) -> dict[str, Any]:
    """The student row as column values (program resolved), issues recorded on `check`."""
    code = check.text("student_code", high=20)
    if code and not STUDENT_CODE.match(code):
        check.fail(
            "student_code",
            msg(
                "{code!r} is not a student code: 5–20 letters, digits or dashes, with at least 5 digits.",
                code=code[:20],
            ),
        )
    values: dict[str, Any] = {"student_code": code.upper()}
    for column in ("first_name_th", "last_name_th", "first_name_en", "last_name_en"):
        values[column] = check.text(column, high=100)
    email = check.text("email", high=254, required=False)
    if email and not EMAIL.match(email):
        check.fail("email", msg("{email!r} is not an email address.", email=email[:60]))
    values["email"] = email.lower() or None
    phone = check.text("phone", high=30, required=False)
    if phone and not PHONE.match(PHONE_NOISE.sub("", phone)):
        check.fail(
            "phone",
            msg(
                "{phone!r} is not a phone number: 9–15 digits, optionally starting with +.", phone=phone[:30]
            ),
        )
    values["phone"] = phone or None
    faculty_id = check.reference("faculty", faculties)
    program_id = check.reference("program", programs)
    if faculty_id is not None and program_id is not None and faculty_of.get(program_id) != faculty_id:
        check.fail(
            "program",
            msg(
                "program {program!r} does not belong to faculty {faculty!r}.",
                program=check.cells.get("program", ""),
                faculty=check.cells.get("faculty", ""),
            ),
        )
    values["program_id"] = program_id
    values["year"] = check.integer("year", 1, 8)
    values["gpax"] = check.gpax()
    return values


def registration_keys(check: RowCheck) -> dict[str, Any]:
    """The registration row's cleaned cells (references resolved by the caller)."""
    return {
        "student_code": check.text("student_code", high=20).upper(),
        "course_code": check.text("course_code", high=200),
        "section": check.text("section", high=10),
        "semester": check.integer("semester", 1, 3),
        "academic_year": check.academic_year(),
        "advisor_username": check.text("advisor_username", high=200),
        "company_registration_no": check.text("company_registration_no", high=200, required=False),
    }


def header_issues(header: tuple[str, ...], kind: str) -> list[ImportIssue]:
    """Missing, extra or repeated columns, reported on line 1."""
    expected = COLUMNS[kind]
    issues = [ImportIssue(1, c, msg("column is missing.")) for c in expected if c not in header]
    issues += [ImportIssue(1, c or "(blank)", msg("unexpected column.")) for c in header if c not in expected]
    issues += [
        ImportIssue(1, c, msg("column appears twice."))
        for c in sorted({c for c in header if header.count(c) > 1})
    ]
    return issues
