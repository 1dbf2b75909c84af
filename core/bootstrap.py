"""Building the process's application context once: logs, the schema, then the hooks.

The one place where the parts meet: settings, JSON logs (core.ops), the schema (migrated when
AUTO_MIGRATE is on, else checked: an out-of-date schema is refused with the command to run),
the database and cache, the query metrics (core.monitoring) and the audit rows of security
events (core.audit).
"""

from __future__ import annotations

import logging
import threading

from core import audit, i18n, monitoring, ops
from core.config import Settings, get_settings
from core.context import AppContext, build_context, get_context, set_context
from core.errors import DomainError
from db.migrate import upgrade

logger = logging.getLogger("ims.startup")


class SchemaOutOfDate(DomainError):
    """AUTO_MIGRATE is off and the database is not at the code's revision."""


def configure_logging(settings: Settings) -> None:
    """JSON log lines on stderr, stamped with this replica's id."""
    ops.logs.configure(replica=settings.replica_id, level=settings.log_level)


def ensure_schema(ctx: AppContext) -> None:
    """Migrate (AUTO_MIGRATE on) or refuse an out-of-date schema, naming the command to run."""
    if ctx.settings.auto_migrate:
        upgrade(ctx.settings.database_url)
        return
    state = ops.schema_check(ctx)
    if not state.ok:
        logger.error("refusing to serve: %s", state.detail)
        raise SchemaOutOfDate("The database schema is out of date: {detail}", detail=state.detail)


_lock = threading.Lock()


def bootstrap(settings: Settings | None = None) -> AppContext:
    """Build, wire and install the context for `settings` (the environment's by default)."""
    settings = settings or get_settings()
    configure_logging(settings)
    i18n.set_timezone(settings.timezone)
    ctx = build_context(settings)
    try:
        ensure_schema(ctx)
    except SchemaOutOfDate:
        ctx.db.engine.dispose()
        raise
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
