"""The current time. Services call `clock.now()` so tests can freeze it."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> datetime:
    """Timezone-aware UTC now."""
    return datetime.now(UTC)


def pause(seconds: float) -> None:
    """Block this thread for `seconds` (tests replace it to record the wait instead)."""
    time.sleep(seconds)
