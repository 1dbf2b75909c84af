"""Tables to CSV and Excel bytes, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.i18n import translate_columns

# A cell starting with one of these is run as a formula by Excel/LibreOffice/Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells that a spreadsheet would run as formulas start with an apostrophe."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_neutralise).astype(object)
    out.columns = [_neutralise(str(c)) for c in out.columns]
    return out


def with_headers(frame: pd.DataFrame, headers: Mapping[str, str], lang: str) -> pd.DataFrame:
    """`frame` with its columns named in `lang` (`headers` maps a column to its msgid)."""
    return frame.rename(columns=translate_columns(headers, lang))


def _naive_times(df: pd.DataFrame) -> pd.DataFrame:
    # Excel cannot store time zones; every time here is UTC, which the column names say.
    out = df.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark so Excel shows Thai correctly."""
    text: str = safe_frame(df).to_csv(index=False)
    return text.encode("utf-8-sig")


def to_excel_bytes(df: pd.DataFrame, *, sheet_name: str = "Sheet1") -> bytes:
    """An .xlsx workbook with one sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _naive_times(safe_frame(df)).to_excel(writer, index=False, sheet_name=sheet_name[:31])
    return buffer.getvalue()
