"""The app's background sender: a pass every MAIL_POLL_SECONDS, and the daily reminders every hour."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from core.context import AppContext
from core.mail.sender import send_pending

log = logging.getLogger(__name__)

REMINDERS_EVERY_SECONDS = 3600


class SenderThread(threading.Thread):
    """The app's background sender: a pass every MAIL_POLL_SECONDS while the process runs, and the
    daily reminders (`hourly`, written at most once a day each by their keys) every hour."""

    def __init__(
        self, context: Callable[[], AppContext], owner: str, hourly: Callable[[AppContext], object] | None
    ) -> None:
        super().__init__(name="mail-sender", daemon=True)
        self._context = context
        self.owner = owner
        self.hourly = hourly
        self.stopped = threading.Event()

    def run(self) -> None:
        """Send until stopped; an error is logged and the next pass tries again."""
        last_hourly = float("-inf")
        while not self.stopped.is_set():
            ctx = self._context()
            try:
                if self.hourly is not None and time.monotonic() - last_hourly >= REMINDERS_EVERY_SECONDS:
                    self.hourly(ctx)
                    last_hourly = time.monotonic()
                send_pending(ctx, owner=self.owner)
            except Exception:  # the thread must outlive a database or server outage
                log.exception("mail sender pass failed")
            self.stopped.wait(ctx.settings.mail_poll_seconds)


_thread_lock = threading.Lock()
_thread: SenderThread | None = None


def start_sender_thread(
    context: Callable[[], AppContext], owner: str, hourly: Callable[[AppContext], object] | None = None
) -> bool:
    """Start this process's background sender once (True when started now)."""
    global _thread
    with _thread_lock:
        if _thread is not None and _thread.is_alive():
            return False
        _thread = SenderThread(context, owner, hourly)
        _thread.start()
        return True


def stop_sender_thread(timeout: float = 5.0) -> None:
    """Stop this process's background sender (after its current pass)."""
    global _thread
    with _thread_lock:
        thread, _thread = _thread, None
    if thread is not None:
        thread.stopped.set()
        thread.join(timeout)
