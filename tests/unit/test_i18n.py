"""Languages: the catalogs, Buddhist-era years, the office's time zone, messages with parameters."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core import i18n
from core.errors import InvalidInput
from core.registrations import states
from tools import messages


def test_the_thai_catalog_has_every_msgid_translated_and_nothing_fuzzy() -> None:
    assert messages.problems("th") == []


def test_the_catalog_check_names_what_is_missing_untranslated_fuzzy_or_misplaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "th" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Approve"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Reject"\nmsgstr "ไม่อนุมัติ"\n\n'
        'msgid "Registration {id}: {why}"\nmsgstr "การลงทะเบียน {ID}: {why}"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(messages, "LOCALE", tmp_path)
    found = messages.problems("th")
    assert "untranslated: 'Approve'" in found and "fuzzy: 'Reject'" in found
    assert "placeholders differ: 'Registration {id}: {why}'" in found
    assert "not in the catalog: 'Review queue'" in found
    assert messages.main(["x", "check"]) == 1


def test_status_and_role_names_read_naturally_in_both_languages() -> None:
    assert i18n.gettext("th", states.label("advisor_approved")) == "อาจารย์ที่ปรึกษาอนุมัติแล้ว"
    assert i18n.gettext("en", states.label("advisor_approved")) == "Advisor approved"
    assert states.status_text("committee_approved").render("th") == "คณะกรรมการอนุมัติแล้ว"
    thai = {i18n.gettext("th", label) for label in states.LABELS.values()}
    assert len(thai) == len(states.LABELS)  # no two statuses read the same
    assert all(not any("a" <= c.lower() <= "z" for c in name) for name in thai)


def test_a_year_typed_in_the_buddhist_era_is_the_same_year() -> None:
    assert i18n.year_ce(2569) == i18n.year_ce(2026) == 2026
    assert i18n.display_year(2026, "th") == 2569 and i18n.display_year(2026, "en") == 2026
    assert i18n.format_term(2, 2026, "th") == "2/2569" and i18n.format_term(2, 2026, "en") == "2/2026"
    assert i18n.format_date(date(2026, 11, 30), "th") == "30 พ.ย. 2569"
    assert i18n.format_date(date(2026, 11, 30), "en") == "30 Nov 2026"


def test_a_time_stored_at_1730_utc_shows_as_0030_the_next_day_in_bangkok() -> None:
    stored = datetime(2026, 11, 30, 17, 30)  # naive values from the database are UTC
    assert i18n.format_datetime(stored, "th") == "1 ธ.ค. 2569 00:30"
    assert i18n.format_datetime(stored.replace(tzinfo=UTC), "en") == "1 Dec 2026 00:30"
    assert i18n.format_datetimes([stored, None], "th") == ["1 ธ.ค. 2569 00:30", ""]
    assert i18n.utc_offset_minutes() == 7 * 60


def test_another_office_zone_moves_the_clock_not_the_data() -> None:
    try:
        i18n.set_timezone("Europe/London")
        assert i18n.format_datetime(datetime(2026, 11, 30, 17, 30), "en") == "30 Nov 2026 17:30"
    finally:
        i18n.set_timezone("Asia/Bangkok")


def test_messages_carry_parameters_and_plurals_into_either_language() -> None:
    text = i18n.msg("Registration {id}: {why}", id=7, why=states.status_text("placed"))
    assert text.render("en") == "Registration 7: Placed"
    assert text.render("th") == "การลงทะเบียน 7: ได้ที่ฝึกงานแล้ว"
    many = i18n.msg_n("This changes {n} registration:", "This changes {n} registrations:", 3)
    assert many.render("en") == "This changes 3 registrations:" and "3" in many.render("th")
    assert i18n.msg_n("This changes {n} registration:", "This changes {n} registrations:", 1).render(
        "en"
    ) == ("This changes 1 registration:")
    term = i18n.msg("Section {section} of this course already exists in term {term}.",
                    section="01", term=i18n.term_text(2, 2026))  # fmt: skip
    assert "2/2569" in term.render("th") and "2/2026" in term.render("en")
    both = i18n.together(i18n.msg("Approve"), i18n.msg("Reject"))
    assert both.render("th") == "อนุมัติ ไม่อนุมัติ"
    assert str(InvalidInput("Unknown role.")) == "Unknown role."
    assert InvalidInput("Unknown role.").text.render("th") == "ไม่รู้จักบทบาทนี้"


def test_an_unknown_language_falls_back_to_the_default() -> None:
    assert i18n.language("fr") == "th" and i18n.language(None, "en") == "en" and i18n.language("en") == "en"
    assert i18n.gettext("xx", "Approve") == "อนุมัติ"  # unknown code: the default catalog


def _catalog(folder: Path, entries: dict[str, str]) -> Path:
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    path = folder / "th" / "LC_MESSAGES"
    path.mkdir(parents=True, exist_ok=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    (path / "messages.po").write_text(header + body, encoding="utf-8")
    return path


def test_an_edited_catalog_is_read_even_when_its_compiled_file_is_older(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = _catalog(tmp_path, {"Approve": "old"})
    with (folder / "messages.po").open("rb") as handle, (folder / "messages.mo").open("wb") as out:
        write_mo(out, read_po(handle))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        assert i18n.gettext("th", "Approve") == "old"  # the fresh .mo
        _catalog(tmp_path, {"Approve": "new"})
        past = time.time() - 60
        os.utime(folder / "messages.mo", (past, past))
        i18n.catalog.cache_clear()
        assert i18n.gettext("th", "Approve") == "new"  # the stale .mo is ignored
        (folder / "extra.po").write_text(  # an extra catalog beside it is merged over it
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "Reject"\nmsgstr "extra"\n',
            encoding="utf-8",
        )
        i18n.catalog.cache_clear()
        assert (i18n.gettext("th", "Approve"), i18n.gettext("th", "Reject")) == ("new", "extra")
    finally:
        i18n.catalog.cache_clear()
