"""Cleaning what people type: text and whole numbers, each bad value refused with a message that names
the field (a msgid, translated with the message) and says how to fix it."""

from __future__ import annotations

import re
import unicodedata

from core.errors import InvalidInput
from core.i18n import msg

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LINE_BREAKS = "\n\t\r"


def clean_text(
    value: str | None, label: str, *, low: int = 0, high: int = 200, multiline: bool = False
) -> str:
    """NFC, stripped, `low`–`high` characters, no control or invisible characters (line breaks when
    `multiline`)."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if not low <= len(text) <= high:
        raise InvalidInput(
            "{label} must be {low}–{high} characters (it has {length}).",
            label=msg(label),
            low=low,
            high=high,
            length=len(text),
        )
    allowed = _LINE_BREAKS if multiline else ""
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in allowed for c in text):
        raise InvalidInput("{label} must not contain control or invisible characters.", label=msg(label))
    return text


def clean_int(value: object, label: str, *, low: int, high: int) -> int:
    """A whole number in [low, high]."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(
            "{label} must be a whole number from {low} to {high}.", label=msg(label), low=low, high=high
        ) from None
    if not low <= number <= high:
        raise InvalidInput("{label} must be from {low} to {high}.", label=msg(label), low=low, high=high)
    return number


def clean_email(value: str | None, label: str) -> str | None:
    """An e-mail address, or None when left empty."""
    text = clean_text(value, label, high=254)
    if text and not EMAIL.match(text):
        raise InvalidInput("{label} is not a valid address.", label=msg(label))
    return text or None
