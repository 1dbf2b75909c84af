"""The process-wide application context: settings, database, cache — built once."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from core import security_log
from core.cache import Cache, make_cache
from core.config import Settings, get_settings
from db.engine import Database, make_database

logger = logging.getLogger("ims")


@dataclass(frozen=True)
class AppContext:
    """Everything a service needs from the outside world."""

    settings: Settings
    db: Database
    cache: Cache

    @property
    def sessions(self) -> Any:
        """The session factory: `with ctx.sessions.begin() as session:`."""
        return self.db.sessions


def build_context(settings: Settings) -> AppContext:
    """Wire a context for these settings (tests build their own)."""
    db = make_database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        recycle_s=settings.db_pool_recycle_s,
        connect_timeout_s=settings.db_connect_timeout_s,
    )
    cache = make_cache(settings.redis_url, timeout=settings.redis_timeout_s, default_ttl=settings.cache_ttl_s)
    return AppContext(settings=settings, db=db, cache=cache)


_lock = threading.Lock()
_context: AppContext | None = None


def get_context() -> AppContext:
    """The shared context of this process, migrated to the newest schema on first use."""
    global _context
    with _lock:
        if _context is None:
            from core import monitoring
            from core.audit_sink import install_audit_sink
            from db.migrate import upgrade

            settings = get_settings()
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
            upgrade(settings.database_url)
            _context = build_context(settings)
            install_audit_sink(_context)
            monitoring.install()
        return _context


def set_context(context: AppContext | None) -> None:
    """Replace the shared context (tests and tools)."""
    global _context
    with _lock:
        _context = context
    if context is None:
        security_log.set_audit_sink(None)
