"""Shared fixtures: every service test runs on SQLite and, when configured, on MariaDB + Redis."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from core.access import Actor
from core.auth.passwords import hash_password
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext, set_context
from db.engine import make_database
from db.migrate import upgrade
from db.models import Base, Role, User
from tests.backends import ensure_mysql_database, flush_redis, service_url

TEST_PASSWORD = "a long test passphrase for everyone"
_migrated: set[str] = set()
_serial = itertools.count(1)


def _settings(tmp: Path, database_url: str, redis_url: str | None) -> Settings:
    return Settings(
        app_env="test",
        data_dir=tmp,
        database_url=database_url,
        redis_url=redis_url,
        secret_key="x" * 40,
        bcrypt_rounds=4,
        organisation_name="Internship Office",
        default_language="en",  # the English tests read English; the Thai ones choose Thai
    )


def _wipe(ctx: AppContext) -> None:
    with ctx.sessions.begin() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


def _backend_urls(kind: str, tmp: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'test.sqlite3'}", None
    db_url = service_url("TEST_DATABASE_URL") or ""
    if db_url not in _migrated:  # created (if missing) once per run, not before every test
        ensure_mysql_database(db_url)
    return db_url, service_url("TEST_REDIS_URL")


@pytest.fixture(scope="session")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file per test session, migrated once."""
    return tmp_path_factory.mktemp("sqlite")


def context_for(kind: str, sqlite_dir: Path) -> Iterator[AppContext]:
    """An application context on a clean, migrated database of `kind` (and an empty cache)."""
    db_url, redis_url = _backend_urls(kind, sqlite_dir)
    if db_url not in _migrated:
        upgrade(db_url)
        _migrated.add(db_url)
    settings = _settings(sqlite_dir, db_url, redis_url)
    context = AppContext(
        settings=settings,
        db=make_database(db_url),
        cache=make_cache(redis_url, timeout=0.3, default_ttl=60),
    )
    _wipe(context)
    if redis_url:
        flush_redis(redis_url)
    set_context(context)
    yield context
    set_context(None)
    _wipe(context)
    context.db.engine.dispose()


@pytest.fixture(params=["sqlite", "mariadb"])
def ctx(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[AppContext]:
    """Service tests run on SQLite and on MariaDB + Redis."""
    request.node.user_properties.append(("backend", request.param))
    yield from context_for(request.param, sqlite_dir)


def mariadb_only(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[AppContext]:
    """The `ctx` of a module whose tests are about MariaDB itself (no SQLite variant is generated):

    ctx = pytest.fixture(name="ctx")(mariadb_only)
    """
    request.node.user_properties.append(("backend", "mariadb"))
    yield from context_for("mariadb", sqlite_dir)


@pytest.fixture
def make_actor(ctx: AppContext):  # type: ignore[no-untyped-def]
    """Create a user with a role and return the Actor acting as them."""

    def make(role: Role | str, username: str | None = None, full_name: str | None = None) -> Actor:
        role = Role(role)
        name = username or f"{role.value}{next(_serial)}"
        with ctx.sessions.begin() as session:
            user = User(
                username=name,
                full_name=full_name or f"Test {role.value.title()}",
                email=f"{name}@example.ac.th",
                role=role,
                password_hash=hash_password(TEST_PASSWORD, 4),
            )
            session.add(user)
            session.flush()
            return Actor(user_id=user.id, username=user.username, full_name=user.full_name, role=role)

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran on each database back end."""
    passed = terminalreporter.stats.get("passed", [])
    counts = Counter(dict(getattr(r, "user_properties", [])).get("backend") for r in passed)
    terminalreporter.write_line(
        f"back ends: {counts.get('sqlite', 0)} tests passed on SQLite, "
        f"{counts.get('mariadb', 0)} on MariaDB (+ Redis)"
    )
