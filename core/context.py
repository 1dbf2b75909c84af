"""The application context: settings, database and cache, and the two shapes every service call takes.

`ctx.cached(...)` is a cache-aside read in one read-only transaction; `ctx.change(...)` is one
user action: a transaction whose audit rows are written with it, then a bump of the cache
namespaces it changed, after the commit. core.bootstrap builds the process's context.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core import audit
from core.cache import Cache, make_cache
from core.config import Settings
from core.replica import NOT_CONFIGURED, ReadReplica, ReplicaState
from db.engine import Database, make_database

# The user this thread is serving (set per rerun / request, see core.ops.logs.bound): their own
# writes make their next reads go to the primary.
acting_user: ContextVar[int | None] = ContextVar("acting_user", default=None)

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
    replica: ReadReplica | None = None

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
        replica: bool = False,
    ) -> T:
        """`read(session)` through the cache: run in its own transaction only on a miss.

        `replica=True` marks a read-only dashboard, search or export query: on a miss it runs on
        the read replica when that is usable for this user (else, or if it fails, on the primary).
        """
        reader = self.replica if replica and self.replica is not None else None
        if reader is not None and not reader.serves(acting_user.get()):
            reader = None

        def compute() -> T:
            if reader is not None:
                try:
                    with reader.db.sessions.begin() as session:
                        return read(session)
                except DBAPIError:  # gone since the last check: the primary answers instead
                    reader.mark_down()
            with self.sessions.begin() as session:
                return read(session)

        if reader is not None:  # may lag by up to the allowed lag: keep it only that long
            ttl = max(1, min(ttl or self.settings.cache_ttl_s, int(reader.max_lag_s) + 1))
        return self.cache.get_or_compute(namespaces, name, args, compute, ttl=ttl)

    def replica_state(self) -> ReplicaState:
        """The read replica's state now (monitoring)."""
        return NOT_CONFIGURED if self.replica is None else self.replica.check()

    @contextmanager
    def change(self, actor: Actor | None, *bump: str) -> Iterator[Change]:
        """One user action: commit (or roll back) together, then invalidate the `bump` namespaces."""
        with self.sessions.begin() as session:
            yield Change(session, actor)
        if self.replica is not None and actor is not None and actor.user_id is not None:
            self.replica.note_write(actor.user_id)
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
    replica = None
    if settings.database_replica_url:
        replica = ReadReplica(
            make_database(
                settings.database_replica_url,
                pool_size=settings.db_pool_size,
                recycle_s=settings.db_pool_recycle_s,
                connect_timeout_s=min(2, settings.db_connect_timeout_s),
            ),
            max_lag_s=settings.replica_max_lag_s,
            read_your_writes_s=settings.read_your_writes_s,
        )
    return AppContext(settings=settings, db=db, cache=cache, replica=replica)


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
