"""The application context: settings, database and cache, and the two shapes every service call takes.

`ctx.cached(...)` is a cache-aside read in one read-only transaction; `ctx.change(...)` is one
user action: a transaction whose audit rows are written with it, then a bump of the cache
namespaces it changed, after the commit. core.bootstrap builds the process's context.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from core import audit
from core.cache import Cache, make_cache
from core.config import Settings
from db.engine import Database, make_database

if TYPE_CHECKING:
    from core.access import Actor

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """The open transaction of one user action, and who is acting."""

    session: Session
    actor: Actor | None

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: object = None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Add the audit row of this change to its transaction."""
        audit.record(
            self.session,
            actor_id=self.actor.user_id if self.actor else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            ip=self.actor.ip if self.actor else None,
            client_id=self.actor.client_id if self.actor else None,
        )


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

    def cached(
        self,
        namespaces: Sequence[str],
        name: str,
        args: Mapping[str, object],
        read: Callable[[Session], T],
        *,
        ttl: int | None = None,
    ) -> T:
        """`read(session)` through the cache: run in its own transaction only on a miss."""

        def compute() -> T:
            with self.sessions.begin() as session:
                return read(session)

        return self.cache.get_or_compute(namespaces, name, args, compute, ttl=ttl)

    @contextmanager
    def change(self, actor: Actor | None, *bump: str) -> Iterator[Change]:
        """One user action: commit (or roll back) together, then invalidate the `bump` namespaces."""
        with self.sessions.begin() as session:
            yield Change(session, actor)
        if bump:
            self.cache.bump(*bump)


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


def get_context() -> AppContext | None:
    """The context installed for this process (core.bootstrap installs it), if any."""
    return _context


def set_context(context: AppContext | None) -> None:
    """Install (or remove) the process's context (core.bootstrap, tests and tools)."""
    global _context
    with _lock:
        _context = context
