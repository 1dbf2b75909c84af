"""Thai dictionary order for names: used as a SQLite collation and by Python-side sorts."""

from __future__ import annotations

import re
import unicodedata

# Leading vowels are written before the consonant they follow in speech; dictionaries sort by
# the consonant first. Tone marks and the silent mark only break ties.
_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")
_TIE_BREAKERS = re.compile("[\u0e47-\u0e4e]")


def thai_sort_key(text: str) -> tuple[str, str]:
    """A key that sorts Thai (and Latin) names in dictionary order, case-insensitively."""
    folded = unicodedata.normalize("NFC", text).casefold()
    primary = _TIE_BREAKERS.sub("", _LEADING_VOWEL.sub(r"\2\1", folded))
    return primary, folded


def sqlite_thai_collation(left: str, right: str) -> int:
    """SQLite collation callback: -1, 0 or 1 by `thai_sort_key`."""
    a, b = thai_sort_key(left), thai_sort_key(right)
    return (a > b) - (a < b)
