"""E-mail through a transactional outbox: rows written with the change that caused them, delivered
over SMTP by one leased sender at a time.

Public API:
- `enqueue` (in the caller's transaction), `message_domain`, `render_mail` and `TEMPLATES`;
- `send_pending` (one pass), `start_sender_thread`, `stop_sender_thread` (the app's background
  sender), `parse_smtp_url`, `Transport`, `SendReport`;
- `list_outbox`, `outbox_summary`, `outbox_stats`, `refresh_metrics`, `STATUS_LABELS`, `COLUMNS`:
  what the outbox page, monitoring and /metrics show.
"""

from core.mail.outbox import (
    COLUMNS,
    STATUS_LABELS,
    OutboxStats,
    enqueue,
    list_outbox,
    message_domain,
    outbox_stats,
    outbox_summary,
    refresh_metrics,
)
from core.mail.sender import SendReport, send_pending
from core.mail.smtp import Transport, parse_smtp_url
from core.mail.templates import TEMPLATES, RenderedMail, render_mail
from core.mail.worker import start_sender_thread, stop_sender_thread

__all__ = [
    "COLUMNS",
    "STATUS_LABELS",
    "TEMPLATES",
    "OutboxStats",
    "RenderedMail",
    "SendReport",
    "Transport",
    "enqueue",
    "list_outbox",
    "message_domain",
    "outbox_stats",
    "outbox_summary",
    "parse_smtp_url",
    "refresh_metrics",
    "render_mail",
    "send_pending",
    "start_sender_thread",
    "stop_sender_thread",
]
