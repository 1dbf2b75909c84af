"""Opaque keyset cursors for the integration API's lists: a position a client hands back unchanged."""

from __future__ import annotations

import base64
import binascii

from core.errors import InvalidInput


def encode(kind: str, position: int) -> str:
    """A cursor of `kind` ("r1" registrations, "c1" changes) for `position`."""
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> int:
    """The position a cursor of `kind` names (0, the start, for none); InvalidInput for any other text."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(f"{kind}:")
    if not raw.startswith(f"{kind}:") or not number.isdigit() or len(number) > 18:
        raise InvalidInput("The cursor is not one this list gave out.")
    return int(number)
