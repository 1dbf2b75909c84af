"""Languages: Thai first, English beside it.

- Catalogs are gettext `.po` files under `locale/` managed with Babel (`make messages`: extract,
  update, compile). A `.mo` older than its `.po` is compiled again in memory, so an edited
  catalog never shows stale text.
- Core never renders for a person: errors and labels carry a `Text` (an English msgid with
  named parameters, or a plural pair and its count) that the page renders in the reader's
  language. `N_` marks module-level msgids for extraction without translating them.
- Years are stored CE and shown BE in Thai (CE + 543); inputs accept either (a year >= 2400 is
  BE). Times are stored in UTC and shown in the office's zone (TIMEZONE, Asia/Bangkok).
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LANGUAGES = ("th", "en")
LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
BE_OFFSET = 543
BE_FROM = 2400  # a year this large was typed in the Buddhist era
THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_zone = ZoneInfo("Asia/Bangkok")


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark, don't translate"
    """Mark a module-level msgid for extraction; it is translated where it is shown."""
    return msgid


def set_timezone(name: str) -> None:
    """The office's zone for showing times (core.bootstrap sets it from TIMEZONE)."""
    global _zone
    _zone = ZoneInfo(name)


def language(value: object, default: str = "th") -> str:
    """A supported language code (`default` for anything else)."""
    return value if isinstance(value, str) and value in LANGUAGES else default


def _po_files(lang: str) -> list[Path]:
    """The catalog of `lang` (messages.po), then any other .po beside it (merged over it, in name order)."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    main = folder / f"{DOMAIN}.po"
    extra = sorted(p for p in folder.glob("*.po") if p != main) if folder.exists() else []
    return ([main] if main.exists() else []) + extra


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> _gettext.NullTranslations:
    """The translations of `lang` (English msgids need none beyond the catalog's own)."""
    files = _po_files(lang)
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if len(files) <= 1 and mo.exists() and all(mo.stat().st_mtime >= f.stat().st_mtime for f in files):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if not files:
        return _gettext.NullTranslations()
    return _gettext.GNUTranslations(_compiled(files, lang))


def _compiled(files: list[Path], lang: str) -> io.BytesIO:
    """The .po files merged (later ones win) and compiled into .mo bytes in memory."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogs = []
    for path in files:
        with path.open("rb") as handle:
            catalogs.append(read_po(handle, locale=lang))
    merged = catalogs[0]
    for parsed in catalogs[1:]:
        for message in parsed:
            if message.id and message.string:
                merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return buffer


def gettext(lang: str, msgid: str) -> str:
    """`msgid` in `lang`."""
    return catalog(language(lang)).gettext(msgid)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """The singular or plural msgid for `n`, in `lang`."""
    return catalog(language(lang)).ngettext(singular, plural, n)


@dataclass(frozen=True)
class Text:
    """A message for a person: an English msgid with {named} parameters, rendered in their language.

    Parameters that are Texts render in the same language; dates and times render as the
    language writes them (BE years in Thai, the office's time zone).
    """

    msgid: str
    params: tuple[tuple[str, object], ...] = ()
    plural: str | None = None
    n: int | None = None
    parts: tuple[Text, ...] = ()  # several messages shown as one (msgid unused)

    def render(self, lang: str = "en") -> str:
        """The message in `lang`."""
        if self.parts:
            return " ".join(part.render(lang) for part in self.parts)
        if self.plural is not None and self.n is not None:
            template = ngettext(lang, self.msgid, self.plural, self.n)
        else:
            template = gettext(lang, self.msgid)
        values = {key: _value(value, lang) for key, value in self.params}
        if self.n is not None:
            values.setdefault("n", self.n)
        return template.format(**values) if values else template

    def __str__(self) -> str:
        """The English rendering (for logs and tests)."""
        return self.render("en")


def msg(msgid: str, **params: object) -> Text:
    """A message with named parameters."""
    return Text(msgid, tuple(params.items()))


def msg_n(singular: str, plural: str, n: int, **params: object) -> Text:
    """A message whose wording follows the count `n` (also available as {n})."""
    return Text(singular, tuple(params.items()), plural, n)


def together(*texts: Text) -> Text:
    """Several messages shown as one, each translated on its own."""
    return Text("", parts=tuple(texts))


@dataclass(frozen=True)
class Term:
    """A term as a message parameter: written 2/2569 in Thai and 2/2026 in English."""

    semester: int
    academic_year: int


def term_text(semester: int, academic_year: int) -> Term:
    """A term to put in a message."""
    return Term(semester, academic_year)


def _value(value: object, lang: str) -> object:
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, Term):
        return format_term(value.semester, value.academic_year, lang)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    return value


def render(message: Text | str, lang: str) -> str:
    """A Text in `lang`; a plain string is a msgid."""
    return message.render(lang) if isinstance(message, Text) else gettext(lang, message)


def year_ce(year: int) -> int:
    """A typed year as CE: 2569 and 2026 are the same academic year."""
    return year - BE_OFFSET if year >= BE_FROM else year


def display_year(year_ce_: int, lang: str) -> int:
    """A stored (CE) year as `lang` writes it."""
    return year_ce_ + BE_OFFSET if lang == "th" else year_ce_


def format_term(semester: int, academic_year: int, lang: str) -> str:
    """A term as the office writes it: 2/2569 in Thai, 2/2026 in English."""
    return f"{semester}/{display_year(academic_year, lang)}"


def format_date(day: date, lang: str) -> str:
    """30 พ.ย. 2569 in Thai, 30 Nov 2026 in English."""
    months = THAI_MONTHS if lang == "th" else ENGLISH_MONTHS
    return f"{day.day} {months[day.month - 1]} {display_year(day.year, lang)}"


def local_time(moment: datetime) -> datetime:
    """A stored (UTC) time in the office's zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(_zone)


def office_moment(moment: datetime) -> datetime:
    """A time typed in the office's zone (naive) as aware UTC; an aware time is only converted."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=_zone)
    return aware.astimezone(UTC)


def utc_offset_minutes() -> int:
    """How far the office's zone is ahead of UTC now, in minutes (Bangkok: 420)."""
    offset = datetime.now(_zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def format_datetime(moment: datetime, lang: str) -> str:
    """A stored (UTC) time in the office's zone: 1 ธ.ค. 2569 00:30 in Thai."""
    local = local_time(moment)
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def format_datetimes(values: Any, lang: str) -> list[str]:
    """Many stored (UTC) times at once, as format_datetime writes each ("" for a missing one)."""
    import pandas as pd

    t = pd.to_datetime(pd.Series(values), utc=True).dt.tz_convert(_zone).dt
    months = dict(enumerate(THAI_MONTHS if lang == "th" else ENGLISH_MONTHS, start=1))
    shift = BE_OFFSET if lang == "th" else 0

    def two(part: Any) -> Any:
        return part.astype("Int64").astype(str).str.zfill(2)

    day, year = t.day.astype("Int64").astype(str), (t.year + shift).astype("Int64").astype(str)
    text = day + " " + t.month.map(months) + " " + year + " " + two(t.hour) + ":" + two(t.minute)
    return [value if isinstance(value, str) else "" for value in text]


def translate_columns(columns: Mapping[str, str], lang: str) -> dict[str, str]:
    """{column: its msgid} as {column: its header in `lang`} (for tables and exported files)."""
    return {column: gettext(lang, msgid) for column, msgid in columns.items()}
