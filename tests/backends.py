"""Test databases: SQLite always; MariaDB and Redis when TEST_DATABASE_URL / TEST_REDIS_URL say so."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_url(name: str) -> str | None:
    """The URL in env var `name`, or skip (fail under REQUIRE_SERVICES=1) when it is unset."""
    url = os.environ.get(name)
    if url:
        return url
    reason = f"{name} is not set: MariaDB/Redis tests skipped (set it, or run bash .ci/run)"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)
    return None


def ensure_mysql_database(url: str) -> str:
    """Create the database named in `url` (utf8mb4) if missing; return the URL."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database=""))
    with server.begin() as conn:
        conn.execute(
            text(
                f"CREATE DATABASE IF NOT EXISTS `{parsed.database}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        )
    server.dispose()
    return url


def flush_redis(url: str) -> None:
    """Empty the Redis database named in `url` (tests use a dedicated one, e.g. /1)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    client.flushdb()
    client.close()
