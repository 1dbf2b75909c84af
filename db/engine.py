"""Engine and session factory for SQLite (embedded) and MySQL/MariaDB (production)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db.collation import sqlite_thai_collation

logger = logging.getLogger(__name__)

# Strict mode: bad data is an error, never a silent truncation or a zero date.
MYSQL_SQL_MODE = (
    "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)


# Called with (statement, seconds) after every statement on every engine made here. Core installs
# its metrics this way, so db never imports core.
QueryListener = Callable[[str, float], None]
_query_listeners: list[QueryListener] = []


def add_query_listener(callback: QueryListener) -> None:
    """Call `callback(statement, seconds)` after each statement (once, however often added)."""
    if callback not in _query_listeners:
        _query_listeners.append(callback)


def remove_query_listener(callback: QueryListener) -> None:
    """Stop calling `callback`."""
    if callback in _query_listeners:
        _query_listeners.remove(callback)


def _before_cursor_execute(
    conn: Any, _cursor: Any, _stmt: str, _params: Any, _context: Any, _many: bool
) -> None:
    conn.info.setdefault("query_started", []).append(time.perf_counter())


def _after_cursor_execute(
    conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    started = conn.info.get("query_started")
    if not started:
        return
    elapsed = time.perf_counter() - started.pop()
    for listener in list(_query_listeners):
        try:
            listener(statement, elapsed)
        except Exception:  # a metrics failure must never fail the query
            logger.exception("query listener failed")


def _on_error(context: Any) -> None:
    # A failed statement never reaches after_cursor_execute: drop its start time.
    conn = context.connection
    started = conn.info.get("query_started") if conn is not None else None
    if started:
        started.pop()


def _listen_for_queries(engine: Engine) -> Engine:
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(engine, "after_cursor_execute", _after_cursor_execute)
    event.listen(engine, "handle_error", _on_error)
    return engine


@dataclass(frozen=True)
class Database:
    """An engine and the session factory bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        """`sqlite` or `mysql` (MariaDB reports `mysql` too)."""
        return "sqlite" if self.engine.dialect.name == "sqlite" else "mysql"


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.create_collation("thai", sqlite_thai_collation)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _mysql_url(url: URL) -> URL:
    query = dict(url.query)
    query.setdefault("charset", "utf8mb4")
    return url.set(query=query)


def make_engine(
    url: str, *, pool_size: int = 10, recycle_s: int = 1800, connect_timeout_s: int = 5
) -> Engine:
    """Create an engine with the settings each back end needs (see DESIGN.md)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        # File databases get the same pool size as MySQL: 20+ concurrent users exhausted the default 5+10.
        pool: dict[str, Any] = {"pool_size": pool_size, "max_overflow": pool_size}
        kwargs: dict[str, Any] = {"poolclass": StaticPool} if in_memory else pool
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 10}, hide_parameters=True, **kwargs
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        return _listen_for_queries(engine)
    engine = create_engine(
        _mysql_url(parsed),
        hide_parameters=True,  # tracebacks and logs never carry the values (names, hashes, tokens)
        pool_pre_ping=True,
        pool_recycle=recycle_s,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={
            "connect_timeout": connect_timeout_s,
            "init_command": f"SET SESSION sql_mode='{MYSQL_SQL_MODE}', time_zone='+00:00'",
        },
    )
    return _listen_for_queries(engine)


def make_database(url: str, **engine_kwargs: Any) -> Database:
    """An engine plus a session factory whose objects stay readable after commit."""
    engine = make_engine(url, **engine_kwargs)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
