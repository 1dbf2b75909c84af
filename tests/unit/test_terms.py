"""The academic calendar: term windows and the academic year of a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.config import Settings
from core.terms import academic_year_of, parse_calendar, term_window


@pytest.mark.parametrize(
    ("semester", "start", "end"),
    [(1, date(2026, 6, 1), date(2026, 10, 31)), (2, date(2026, 11, 1), date(2027, 3, 31)),
     (3, date(2027, 4, 1), date(2027, 5, 31))],
)  # fmt: skip
def test_default_windows(semester: int, start: date, end: date) -> None:
    window = term_window(2026, semester)
    assert (window.start, window.end) == (start, end)
    assert window.overlaps(None, None) and window.overlaps(end, None)
    assert not window.overlaps(None, start - timedelta(days=1))


def test_overlap_edges() -> None:
    window = term_window(2026, 2)
    assert window.overlaps(date(2027, 3, 31), date(2027, 5, 1))
    assert not window.overlaps(date(2027, 4, 1), None)
    assert not window.overlaps(None, date(2026, 10, 31))


def test_an_asean_calendar_and_the_year_of_a_day() -> None:
    asean = "1:08-01:12-20,2:01-05:05-15,3:06-01:07-31"
    assert term_window(2026, 2, asean).start == date(2027, 1, 5)
    assert term_window(2026, 3, asean).end == date(2027, 7, 31)
    assert academic_year_of(date(2027, 7, 1), asean) == 2026
    assert academic_year_of(date(2026, 8, 1), asean) == 2026
    assert academic_year_of(date(2026, 5, 31)) == 2025 and academic_year_of(date(2026, 6, 1)) == 2026


@pytest.mark.parametrize("bad", ["1:06-01:10-31", "1:06-01:10-31,2:11-01:02-30,3:04-01:05-31", "x", ""])
def test_bad_calendars_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"TERM_CALENDAR|day|month"):
        parse_calendar(bad)
    with pytest.raises(ValueError, match=r"TERM_CALENDAR|day|month"):
        Settings(term_calendar=bad, secret_key="x" * 40)
