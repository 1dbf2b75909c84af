"""Building the process's application context once: migrate when configured, then the hooks.

The one place where the parts meet: settings, the schema, the database and cache, the query
metrics (core.monitoring) and the audit rows of security events (core.audit).
"""

from __future__ import annotations

import logging
import threading

from core import audit, i18n, monitoring
from core.config import Settings, get_settings
from core.context import AppContext, build_context, get_context, set_context
from db.migrate import upgrade

_lock = threading.Lock()


def bootstrap(settings: Settings | None = None) -> AppContext:
    """Build, wire and install the context for `settings` (the environment's by default)."""
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if settings.auto_migrate:
        upgrade(settings.database_url)
    i18n.set_timezone(settings.timezone)
    ctx = build_context(settings)
    audit.install_security_sink(ctx.sessions)
    monitoring.install()
    set_context(ctx)
    return ctx


def app_context() -> AppContext:
    """The process's context, built on first use (the app, its HTTP routes and commands call this)."""
    with _lock:
        return get_context() or bootstrap()


def shutdown() -> None:
    """Remove the process's context and its security-event sink (tests and tools)."""
    audit.install_security_sink(None)
    set_context(None)
