"""Turning an uploaded CSV or Excel file into header + numbered rows, refusing files that are too big."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
ENCODINGS = ("utf-8-sig", "cp874")  # UTF-8 with or without BOM, else Thai Windows (TIS-620 superset)


@dataclass(frozen=True)
class ParsedFile:
    """The header and each data row with the file line (CSV) or sheet row (Excel) it starts on."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding that decoded it: utf-8-sig first, else cp874."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InvalidInput(
        "The file is neither UTF-8 nor Thai Windows (TIS-620/cp874) text. Save it as CSV UTF-8."
    )


DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal mark is a comma


def delimiter(text: str) -> str:
    """The separator of a CSV: whichever of , ; or tab the header line uses most (a comma on a tie)."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    return max(DELIMITERS, key=header.count)


def _csv_rows(text: str) -> list[tuple[int, tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    rows: list[tuple[int, tuple[str, ...]]] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append((start, tuple(record)))
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise InvalidInput(
            "Line {line_num}: the CSV is malformed ({exc}).", line_num=reader.line_num, exc=exc
        ) from None
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


MAX_UNPACKED = 64 * 1024 * 1024  # an .xlsx is a zip: refuse bombs before openpyxl unpacks them
MAX_MEMBERS = 1_000


def _check_zip(data: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise InvalidInput("The Excel file cannot be read; save it again as .xlsx.") from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise InvalidInput("The Excel file unpacks to too much data; save the sheet as CSV instead.")


# A sheet's declared dimension is the writer's claim, not its data: one of 4.9 KB declared 1,000 x 16,384
# cells and took 1.3 s to pad. Rows are read only as wide as the header, and this many empty rows in a
# row end the data (Excel formats whole columns down to row 1,048,576).
MAX_EMPTY_RUN = 1_000


def _header(sheet: Any) -> tuple[int, tuple[str, ...]] | None:
    """The first non-empty row (its number and cells up to its last named column), if any."""
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = tuple(_cell(v) for v in values)
        width = max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
        if width:
            return number, cells[:width]
        if number >= MAX_EMPTY_RUN:
            return None
    return None


def _sheet_rows(sheet: Any) -> list[tuple[int, tuple[str, ...]]]:
    found = _header(sheet)
    if found is None:
        return []
    first, header = found
    rows, empty_run, width = [(first, header)], 0, len(header)
    # Only as wide as the header: cells right of it are never turned into values.
    data = sheet.iter_rows(min_row=first + 1, max_col=width, values_only=True)
    for number, values in enumerate(data, start=first + 1):
        cells = tuple(_cell(v) for v in values)
        if not any(c.strip() for c in cells):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        rows.append((number, cells + ("",) * (width - len(cells))))
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, tuple[str, ...]]]:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise InvalidInput("The Excel file cannot be read; save it again as .xlsx.") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # ignore the declared extent: read the cells the file really holds
        return _sheet_rows(sheet)
    finally:
        book.close()


def parse_file(data: bytes, filename: str) -> ParsedFile:
    """Header and rows of a .csv or .xlsx upload; InvalidInput when empty, too big or unreadable."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "The file is larger than {value} MB; split it into smaller files.",
            value=MAX_BYTES // (1024 * 1024),
        )
    if not data.strip():
        raise InvalidInput("The file is empty.")
    if filename.lower().endswith(".xlsx"):
        rows, encoding = _xlsx_rows(data), "xlsx"
    elif filename.lower().endswith(".csv"):
        text, encoding = decode_text(data)
        rows = _csv_rows(text)
    else:
        raise InvalidInput("Upload a .csv or .xlsx file.")
    if not rows:
        raise InvalidInput("The file is empty.")
    if len(rows) == 1:
        raise InvalidInput("The file has a header but no data rows.")
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(
            "The file has more than {MAX_ROWS:,} data rows; split it into smaller files.", MAX_ROWS=MAX_ROWS
        )
    header = tuple(c.strip().lstrip("\ufeff").lower() for c in rows[0][1])
    return ParsedFile(header, tuple(rows[1:]), encoding)
