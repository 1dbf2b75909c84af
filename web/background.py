"""What the server runs beside the pages while it is up: the outbox sender and the daily reminders.

`serving` is st.App's lifespan: importing app.py (tests, tools) starts nothing; a running server
delivers the outbox unless MAIL_SENDER_THREAD is off (cron runs `manage.py send-mail` instead).
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core import mail, reminders
from core.bootstrap import app_context
from core.config import get_settings
from core.context import AppContext


def write_reminders(ctx: AppContext) -> None:
    """The daily mails (each written once a day by its key, however often this runs)."""
    reminders.write_reminders(ctx)


@asynccontextmanager
async def serving(_app: object) -> AsyncIterator[None]:
    """Start this process's sender with the server and stop it with the server."""
    started = get_settings().mail_sender_thread and mail.start_sender_thread(
        app_context, owner=f"{socket.gethostname()}:{os.getpid()}", hourly=write_reminders
    )  # the thread builds the context on its first pass, after the server has started
    try:
        yield None
    finally:
        if started:
            mail.stop_sender_thread()
