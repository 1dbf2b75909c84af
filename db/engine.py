"""Engine and session factory for SQLite (embedded) and MySQL/MariaDB (production)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db.collation import sqlite_thai_collation

# Strict mode: bad data is an error, never a silent truncation or a zero date.
MYSQL_SQL_MODE = (
    "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)


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
        kwargs: dict[str, Any] = {"poolclass": StaticPool} if in_memory else {}
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 10}, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(
        _mysql_url(parsed),
        pool_pre_ping=True,
        pool_recycle=recycle_s,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={
            "connect_timeout": connect_timeout_s,
            "init_command": f"SET SESSION sql_mode='{MYSQL_SQL_MODE}', time_zone='+00:00'",
        },
    )


def make_database(url: str, **engine_kwargs: Any) -> Database:
    """An engine plus a session factory whose objects stay readable after commit."""
    engine = make_engine(url, **engine_kwargs)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
