"""The academic calendar: which dates a term (academic year + semester) covers.

Thai universities run three semesters per academic year; the office sets the dates with
`TERM_CALENDAR` ("semester:MM-DD:MM-DD" per semester, comma-separated). A semester whose start
falls before the first semester's start in the calendar year lies in the next calendar year
(semester 2 usually ends, and semester 3 usually runs, in year + 1); an end before its own
start lies in the year after that start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from core.i18n import year_ce

DEFAULT_CALENDAR = "1:06-01:10-31,2:11-01:03-31,3:04-01:05-31"
_ITEM = re.compile(r"^\s*([123])\s*:\s*(\d\d)-(\d\d)\s*:\s*(\d\d)-(\d\d)\s*$")


@dataclass(frozen=True)
class TermWindow:
    """The first and last day of one semester of one academic year (CE)."""

    academic_year: int
    semester: int
    start: date
    end: date

    def overlaps(self, start: date | None, end: date | None) -> bool:
        """Whether a period (either end may be open) shares at least one day with the term."""
        return (end is None or end >= self.start) and (start is None or start <= self.end)


@lru_cache(maxsize=8)
def parse_calendar(text: str) -> dict[int, tuple[tuple[int, int], tuple[int, int]]]:
    """{semester: ((start month, day), (end month, day))}; ValueError naming what is wrong."""
    found: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}
    for item in text.split(","):
        match = _ITEM.match(item)
        if match is None:
            raise ValueError(f"TERM_CALENDAR item {item.strip()!r} is not semester:MM-DD:MM-DD")
        sem, m1, d1, m2, d2 = (int(g) for g in match.groups())
        for month, day in ((m1, d1), (m2, d2)):
            date(2000, month, day)  # ValueError for 02-31 and the like
        found[sem] = ((m1, d1), (m2, d2))
    if sorted(found) != [1, 2, 3]:
        raise ValueError("TERM_CALENDAR must give semesters 1, 2 and 3 once each")
    return found


def term_window(academic_year: int, semester: int, calendar: str = DEFAULT_CALENDAR) -> TermWindow:
    """The dates semester `semester` of `academic_year` (CE) covers."""
    days = parse_calendar(calendar)
    first = days[1][0]
    start_md, end_md = days[semester]
    start_year = academic_year + (1 if start_md < first else 0)
    end_year = start_year + (1 if end_md < start_md else 0)
    return TermWindow(academic_year, semester, date(start_year, *start_md), date(end_year, *end_md))


def academic_year_of(day: date, calendar: str = DEFAULT_CALENDAR) -> int:
    """The academic year (CE) a day belongs to: the year whose first semester started last."""
    first = parse_calendar(calendar)[1][0]
    return day.year if (day.month, day.day) >= first else day.year - 1


def section_key(label: str) -> str:
    """A section label as people write it: "4", "04" and " 4 " name one section of a course and term."""
    text = label.strip().upper()
    return str(int(text)) if text.isdigit() else text


_TERM = re.compile(r"^\s*([123])\s*/\s*(\d{4})\s*$")


def parse_term(text: str) -> tuple[int, int] | None:
    """(semester, academic year CE) from "2/2569" or "2/2026" (a year >= 2400 is BE); None if not a term."""
    match = _TERM.match(text or "")
    if match is None:
        return None
    year = year_ce(int(match.group(2)))
    return (int(match.group(1)), year) if 2000 <= year <= 2200 else None
